// Specs/model.md, "Configuration".
/// The shape of a decoder-only GPT: depth, width, attention heads, context length and vocabulary.
///
/// The defaults (4 layers, width 128, 4 heads, context 128, vocabulary 26, the shared Tasks tokenizer) give
/// 816,384 parameters with a language-model head. A configuration comes from user input (JSON, flags,
/// checkpoint headers), so it is checked by `validated()`, which throws an error naming the field and the
/// allowed range, rather than trapping.
public struct GPTConfiguration: Sendable, Hashable, Codable {
    /// Number of transformer blocks.
    public var layers: Int
    /// Model width d: the size of every residual-stream vector.
    public var width: Int
    /// Number of attention heads; each head has width / heads features.
    public var heads: Int
    /// Maximum sequence length T (the number of learned position embeddings).
    public var context: Int
    /// Number of token ids V.
    public var vocabulary: Int
    /// Number F of per-token input features the model reads beside the token ids (0: none, every policy). A
    /// value model that reads the policy's surprise at the written tokens has F > 0: its input at position t
    /// gains `features[t] · feature_embedding.weight`, and its scalar head gains an MLP of [hidden[t]; features[t]]
    /// (Specs/model.md, "Per-token input features").
    public var tokenFeatures: Int

    /// A configuration with the given fields (not yet validated; see `validated()`).
    public init(layers: Int = 4, width: Int = 128, heads: Int = 4, context: Int = 128, vocabulary: Int = 26, tokenFeatures: Int = 0) {
        self.layers = layers
        self.width = width
        self.heads = heads
        self.context = context
        self.vocabulary = vocabulary
        self.tokenFeatures = tokenFeatures
    }

    /// Decodes a JSON object in which every field is optional: a missing field takes its default. Decoding
    /// does not validate; call `validated()` on the result.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = GPTConfiguration()
        layers = try container.decodeIfPresent(Int.self, forKey: .layers) ?? defaults.layers
        width = try container.decodeIfPresent(Int.self, forKey: .width) ?? defaults.width
        heads = try container.decodeIfPresent(Int.self, forKey: .heads) ?? defaults.heads
        context = try container.decodeIfPresent(Int.self, forKey: .context) ?? defaults.context
        vocabulary = try container.decodeIfPresent(Int.self, forKey: .vocabulary) ?? defaults.vocabulary
        tokenFeatures = try container.decodeIfPresent(Int.self, forKey: .tokenFeatures) ?? defaults.tokenFeatures
    }

    /// Encodes every field, except `tokenFeatures` when it is 0, so that a policy's configuration (and every
    /// checkpoint written before the field existed) keeps its bytes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layers, forKey: .layers)
        try container.encode(width, forKey: .width)
        try container.encode(heads, forKey: .heads)
        try container.encode(context, forKey: .context)
        try container.encode(vocabulary, forKey: .vocabulary)
        if tokenFeatures != 0 { try container.encode(tokenFeatures, forKey: .tokenFeatures) }
    }

    private enum CodingKeys: String, CodingKey { case layers, width, heads, context, vocabulary, tokenFeatures }

    /// Features per attention head, width / heads.
    public var headWidth: Int { width / heads }

    /// Width of the hidden layer of a scalar head's feature MLP (with `tokenFeatures` > 0): width.
    public var featureHeadWidth: Int { width }

    /// Width of the MLP's hidden layer, 4·width (GPT-2).
    public var hiddenWidth: Int { 4 * width }

    /// The largest value of each size field. A configuration comes from flags, JSON files and checkpoint headers,
    /// and every field sizes an allocation, so each is bounded before anything is allocated; the bounds are
    /// far above the tasks' needs (the longest task sequence is `Problem.maximumTokenCount` = 128 tokens, the
    /// tokenizer has 26 ids) and below what would overflow an `Int` in `parameterCount(head:)` or
    /// `activationScalars(sequences:length:)`:
    /// - layers 128 and width 4096: one block has 12·width² parameters, so these alone allow a model far
    ///   over `maximumParameterCount`, which bounds their combination;
    /// - heads 256: each head keeps a length × length attention matrix per sequence;
    /// - context 4096: the position embeddings and the attention matrices grow with it (32 times the longest
    ///   task sequence);
    /// - vocabulary 65536: GPT-2's 50,257 ids fit; the embedding and the head are vocabulary × width each;
    /// - tokenFeatures 256: the value model reads `SurpriseFeatures.count` = 10.
    public static let maximumLayers = 128, maximumWidth = 4096, maximumHeads = 256, maximumContext = 4096
    public static let maximumVocabulary = 65536, maximumTokenFeatures = 256

    /// The most parameters a model may have, 2^28 = 268,435,456 (GPT-2 small, 124M, fits twice): training
    /// keeps four F32 copies of them (weights, gradients and AdamW's two moments), 1 GiB each, and `vapo train`
    /// holds a second model beside the policy (the critic, or GRPO's reference), so a model at this bound
    /// already needs 5 to 8 GiB before any activation.
    /// The per-field bounds alone would allow 12·128·4096² ≈ 26 G parameters.
    public static let maximumParameterCount = 1 << 28

    /// The most scalars `activationScalars(sequences:length:)` may estimate for one forward and backward pass,
    /// 2^30 (4 GiB of F32): batch size and sequence length are checked against it where they are known
    /// (`SFTConfiguration.validated()`, `Trainer.init`).
    public static let maximumActivationScalars = 1 << 30

    /// An estimate, from the tensors the forward pass records, of the scalars that one taped forward pass over
    /// `sequences` sequences of `length` tokens and its backward pass hold at once. Per token, each block keeps its two layer norms (2·width),
    /// the query-key-value projection (3·width), the attention output and its projection (2·width), the MLP's
    /// up projection and its GELU (8·width), the down projection and the two residual sums (3·width): 18·width,
    /// plus heads·length attention weights; outside the blocks the embeddings and the final norm (3·width) and
    /// the logits with their log-softmax (2·vocabulary). The backward pass holds at most one gradient of each,
    /// hence the factor 2. For values within the field bounds and counts up to 2^16 the result is below 2^58.
    public func activationScalars(sequences: Int, length: Int) -> Int {
        let perToken = layers * (18 * width + heads * length) + 3 * width + 2 * vocabulary
        return 2 * sequences * length * perToken
    }

    /// This configuration, after checking that every field is within its bounds (`maximumLayers` and the
    /// others), that heads divides width, and that the model, with either head, has at most
    /// `maximumParameterCount` parameters.
    public func validated() throws(GPTConfigurationError) -> GPTConfiguration {
        let fields = [
            ("layers", layers, Self.maximumLayers), ("width", width, Self.maximumWidth), ("heads", heads, Self.maximumHeads),
            ("context", context, Self.maximumContext), ("vocabulary", vocabulary, Self.maximumVocabulary),
        ]
        for (field, value, maximum) in fields where !(1...maximum).contains(value) {
            throw .outOfRange(field: field, value: value, allowed: "1...\(maximum)")
        }
        if !(0...Self.maximumTokenFeatures).contains(tokenFeatures) {
            throw .outOfRange(field: "tokenFeatures", value: tokenFeatures, allowed: "0...\(Self.maximumTokenFeatures)")
        }
        if width % heads != 0 {
            throw .outOfRange(field: "heads", value: heads, allowed: "a divisor of width \(width)")
        }
        try checkParameterCount()
        return self
    }

    /// The larger parameter count of the two heads (the scalar head's feature MLP can outgrow the
    /// language-model head).
    var largestParameterCount: Int { max(parameterCount(head: .languageModel), parameterCount(head: .scalar)) }

    /// Throws when the model has more than `maximumParameterCount` parameters, naming the field to lower:
    /// layers, with the most layers that fit at this width, or, when not even one layer fits, width, with
    /// the widest model of one layer that fits.
    private func checkParameterCount() throws(GPTConfigurationError) {
        guard largestParameterCount > Self.maximumParameterCount else { return }
        let limit = "at most \(Self.maximumParameterCount) parameters"
        var shape = self
        shape.layers = 0
        let outsideBlocks = shape.largestParameterCount
        shape.layers = 1
        let perBlock = shape.largestParameterCount - outsideBlocks
        let mostLayers = (Self.maximumParameterCount - outsideBlocks) / perBlock
        if mostLayers >= 1 {
            throw .outOfRange(field: "layers", value: layers, allowed: "1...\(mostLayers) (\(limit) at width \(width))")
        }
        // The widest one-layer model within the limit: parameter counts grow with width.
        var fits = 1, tooWide = width
        while tooWide - fits > 1 {
            shape.width = (fits + tooWide) / 2
            if shape.largestParameterCount <= Self.maximumParameterCount { fits = shape.width } else { tooWide = shape.width }
        }
        throw .outOfRange(
            field: "width", value: width,
            allowed: "1...\(fits) (\(limit) with 1 layer, context \(context), vocabulary \(vocabulary))")
    }
}

/// A `GPTConfiguration` field outside its allowed range.
public enum GPTConfigurationError: Error, Equatable, CustomStringConvertible {
    /// `field` has `value`, which is not in `allowed` (a description of the range).
    case outOfRange(field: String, value: Int, allowed: String)

    public var description: String {
        switch self {
        case .outOfRange(let field, let value, let allowed):
            return "model configuration: \(field) is \(value); allowed: \(allowed)"
        }
    }
}
