// Specs/rl-math.md, "Aggregations and the whole-batch normalizer".
/// How the per-token values of a batch are reduced to one number (rl-math convention §7). N is the number of valid
/// tokens of the whole batch, G its number of sequences, |oᵢ| the valid tokens of sequence i, m the mask.
public enum LossAggregation: Sendable, Hashable, CaseIterable {
    /// (1/N) Σᵢ Σₜ m·x: every valid token of the batch weighs 1/N (DAPO's and VAPO's token-level loss).
    case tokenLevel
    /// (1/G) Σᵢ (Σₜ m·x)/|oᵢ|: the mean of per-sequence token means, so a token of sequence i weighs
    /// 1/(G·|oᵢ|) and tokens of short sequences count more (PPO's and GRPO's original form). A sequence with
    /// no valid token contributes 0.
    case sampleLevel
    /// (1/G) Σᵢ Σₜ m·x: per-sequence sums averaged over sequences; every token weighs 1/G.
    case sequenceSum
}

/// The counts of one whole batch — all the sequences whose losses are averaged into one optimizer step — that
/// every aggregation divides by: N valid tokens, G sequences, and N_T valid tokens of correct responses.
///
/// Build it ONCE from the masks of the whole batch and pass it when aggregating each mini- or micro-batch of
/// that batch. The parts' values then sum to the whole batch's value and their gradients are the whole
/// batch's gradient, however the batch is split (exactly, on rationals). Normalising each micro-batch by its
/// own token count — the bug of verl issues #906 and #5625 — needs a normalizer built from the part alone,
/// which the only initialiser names as a lie (`wholeBatchMasks:`), and no aggregation exists without one.
public struct LossNormalizer: Sendable, Hashable {
    /// N: valid tokens of the whole batch.
    public let tokenCount: Int
    /// G: sequences of the whole batch (including any with no valid token).
    public let sequenceCount: Int
    /// N_T: valid tokens of the whole batch's correct responses; nil when built without `correct`.
    public let positiveTokenCount: Int?

    /// The normalizer of the batch whose sequences have these masks (true = valid token), and, for the
    /// positive-example loss, which of them are correct responses.
    public init(wholeBatchMasks masks: [[Bool]], correct: [Bool]? = nil) {
        let lengths = masks.map(TokenLayout.validCount)
        tokenCount = lengths.reduce(0, +)
        sequenceCount = masks.count
        if let correct {
            require(
                correct.count == masks.count,
                "LossNormalizer: correct has \(correct.count) entries, wholeBatchMasks has \(masks.count) sequences")
            positiveTokenCount = zip(lengths, correct).reduce(0) { $0 + ($1.1 ? $1.0 : 0) }
        } else {
            positiveTokenCount = nil
        }
    }

    init(tokenCount: Int, sequenceCount: Int, positiveTokenCount: Int?) {
        self.tokenCount = tokenCount
        self.sequenceCount = sequenceCount
        self.positiveTokenCount = positiveTokenCount
    }

    /// The weight of each valid token of a sequence with `validTokens` valid tokens: 1/N token-level,
    /// 1/(G·|oᵢ|) sample-level, 1/G sequence-sum; 0 when the divisor is 0 (an empty batch or sequence
    /// contributes nothing). The aggregate's derivative with respect to each of those tokens' values.
    public func tokenWeight<S: RLScalar>(_ aggregation: LossAggregation, validTokens: Int) -> S {
        let divisor: Int
        switch aggregation {
        case .tokenLevel: divisor = tokenCount
        case .sampleLevel: divisor = sequenceCount * validTokens
        case .sequenceSum: divisor = sequenceCount
        }
        return divisor == 0 || validTokens == 0 ? .zero : S.one / S(divisor)
    }

    /// `values` (one array per sequence of a part of the batch, with its masks) aggregated under this whole
    /// batch's counts, with the per-token weights that are its gradient with respect to `values`.
    ///
    /// Order (what Float rounds): per sequence, the valid values are summed in token order; the value is
    /// Σᵢ wᵢ·sᵢ over the part's sequences in order. Masked positions are never read, so anything there
    /// (padding, NaN) is ignored; their weight is 0.
    public func aggregate<S: RLScalar>(
        _ values: [[S]], masks: [[Bool]], _ aggregation: LossAggregation
    ) -> Aggregate<S> {
        TokenLayout.require(values, named: "values", matches: masks, in: "LossNormalizer.aggregate")
        let lengths = masks.map(TokenLayout.validCount)
        require(
            masks.count <= sequenceCount && lengths.reduce(0, +) <= tokenCount,
            "LossNormalizer.aggregate: a part with \(masks.count) sequences and \(lengths.reduce(0, +)) valid tokens cannot belong to a batch " +
                "of \(sequenceCount) sequences and \(tokenCount) tokens: build the LossNormalizer from the whole batch")
        var total = S.zero
        var weights: [[S]] = []
        weights.reserveCapacity(values.count)
        for i in values.indices {
            let weight: S = tokenWeight(aggregation, validTokens: lengths[i])
            var sum = S.zero
            for t in values[i].indices where masks[i][t] { sum = sum + values[i][t] }
            total = total + weight * sum
            weights.append(masks[i].map { $0 ? weight : .zero })
        }
        return Aggregate(value: total, tokenWeights: weights)
    }
}

/// An aggregated quantity of a part of a batch: its value, and ∂value/∂xᵢₜ for each token (0 where masked).
public struct Aggregate<S: RLScalar>: Sendable {
    public let value: S
    public let tokenWeights: [[S]]
}

/// The shape checks every per-token loss input goes through: as many sequences as masks, and each sequence
/// as long as its mask; a mismatch stops with a message naming `function`, the argument and both lengths.
enum TokenLayout {
    /// Number of valid tokens of one mask.
    static func validCount(_ mask: [Bool]) -> Int { mask.reduce(0) { $0 + ($1 ? 1 : 0) } }

    static func require<T>(_ values: [[T]], named name: String, matches masks: [[Bool]], in function: String) {
        RLMath.require(
            values.count == masks.count, "\(function): \(name) has \(values.count) sequences, masks has \(masks.count)")
        for i in values.indices {
            RLMath.require(
                values[i].count == masks[i].count,
                "\(function): \(name)[\(i)] has \(values[i].count) tokens, masks[\(i)] has \(masks[i].count)")
        }
    }
}
