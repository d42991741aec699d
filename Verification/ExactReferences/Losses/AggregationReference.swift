/// The three aggregations of a per-token quantity x over a batch of masked sequences, and the weight
/// ∂agg/∂x_{i,t} of each token (rl-math convention §7; token-level: DAPO §3.3 and VAPO; sample-level: GRPO,
/// DeepSeekMath eq. 3; sequence-sum: Dr.GRPO's constant normaliser). N = valid tokens of the whole batch,
/// G = sequences of the whole batch, |o_i| = valid tokens of sequence i, m = mask.
public enum AggregationReference {
    public enum Mode: String, CaseIterable, Sendable {
        /// (1/N) Σ_i Σ_t m·x; 0 when N = 0.
        case tokenLevel = "token-level"
        /// (1/G) Σ_i (Σ_t m·x)/|o_i|; a sequence with |o_i| = 0 contributes 0; 0 when G = 0.
        case sampleLevel = "sample-level"
        /// (1/G) Σ_i Σ_t m·x; 0 when G = 0.
        case sequenceSum = "sequence-sum"
    }

    /// The aggregate, written from the formulas above (not from `weights`).
    public static func aggregate(_ x: [[Rational]], masks: [[Bool]], mode: Mode) -> Rational {
        precondition(x.map(\.count) == masks.map(\.count), "aggregate: ragged inputs")
        let sums = zip(x, masks).map { values, mask in
            zip(values, mask).reduce(Rational.zero) { sum, token in token.1 ? sum + token.0 : sum }
        }
        let lengths = masks.map { Rational($0.filter { $0 }.count) }
        let sequences = Rational(masks.count)
        switch mode {
        case .tokenLevel:
            let tokens = lengths.reduce(.zero, +)
            return tokens == .zero ? .zero : sums.reduce(.zero, +) / tokens
        case .sampleLevel:
            guard masks.count > 0 else { return .zero }
            return zip(sums, lengths).reduce(Rational.zero) { $0 + ($1.1 == .zero ? .zero : $1.0 / $1.1) } / sequences
        case .sequenceSum:
            return masks.isEmpty ? .zero : sums.reduce(.zero, +) / sequences
        }
    }

    /// ∂agg/∂x_{i,t}: every aggregation is linear in x, so this is the coefficient of x_{i,t}:
    /// token-level m/N, sample-level m/(G·|o_i|), sequence-sum m/G (0 wherever the normaliser is 0).
    public static func weights(masks: [[Bool]], mode: Mode) -> [[Rational]] {
        let tokens = masks.reduce(0) { $0 + $1.filter { $0 }.count }
        return masks.map { mask in
            let length = mask.filter { $0 }.count
            let normaliser = switch mode {
            case .tokenLevel: tokens
            case .sampleLevel: masks.count * length
            case .sequenceSum: masks.count
            }
            return mask.map { $0 && normaliser > 0 ? Rational(numerator: 1, denominator: normaliser) : .zero }
        }
    }
}
