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

    /// This configuration, after checking that every field is positive and that heads divides width.
    public func validated() throws(GPTConfigurationError) -> GPTConfiguration {
        let fields = [("layers", layers), ("width", width), ("heads", heads), ("context", context), ("vocabulary", vocabulary)]
        for (field, value) in fields where value < 1 {
            throw .outOfRange(field: field, value: value, allowed: "1 or more")
        }
        if tokenFeatures < 0 {
            throw .outOfRange(field: "tokenFeatures", value: tokenFeatures, allowed: "0 or more")
        }
        if width % heads != 0 {
            throw .outOfRange(field: "heads", value: heads, allowed: "a divisor of width \(width)")
        }
        return self
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
