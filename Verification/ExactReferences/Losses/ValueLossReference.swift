/// The value loss and its gradient (rl-math convention §8; PPO2's clipped value loss as in verl's
/// compute_value_loss): per token
///
///     ℓ = ½·max((V − R)², (clip(V, V_old − c, V_old + c) − R)²)     with clipping (range c ≥ 0)
///     ℓ = ½·(V − R)²                                              without,
///
/// aggregated over the batch with one of `AggregationReference.Mode` (token-level by default).
public enum ValueLossReference {
    /// ℓ for one token; `clipRange` nil means no clipping.
    public static func perToken(value v: Rational, target r: Rational, oldValue: Rational, clipRange: Rational?) -> Rational {
        let half = Rational(numerator: 1, denominator: 2)
        let unclipped = (v - r) * (v - r)
        guard let c = clipRange else { return half * unclipped }
        let clipped = clip(v, oldValue - c, oldValue + c) - r
        return half * max(unclipped, clipped * clipped)
    }

    /// ∂ℓ/∂V for one token. Where the unclipped term attains the max (ties → unclipped): V − R. Otherwise
    /// the clipped term is strictly larger, which needs clip(V) ≠ V, i.e. V strictly outside
    /// [V_old − c, V_old + c], where clip(V) is constant in V: the gradient is 0 (rl-math convention §8's
    /// (clip(V) − R)·[V_old − c ≤ V ≤ V_old + c] is 0 there).
    public static func gradientPerToken(value v: Rational, target r: Rational, oldValue: Rational, clipRange: Rational?) -> Rational {
        guard let c = clipRange else { return v - r }
        let clipped = clip(v, oldValue - c, oldValue + c) - r
        return (v - r) * (v - r) >= clipped * clipped ? v - r : .zero
    }

    /// The aggregated value loss of a batch.
    public static func loss(
        values: [[Rational]], targets: [[Rational]], oldValues: [[Rational]], masks: [[Bool]],
        clipRange: Rational?, mode: AggregationReference.Mode = .tokenLevel
    ) -> Rational {
        let losses = masks.indices.map { i in
            masks[i].indices.map { t in
                perToken(value: values[i][t], target: targets[i][t], oldValue: oldValues[i][t], clipRange: clipRange)
            }
        }
        return AggregationReference.aggregate(losses, masks: masks, mode: mode)
    }

    /// ∂loss/∂V_{i,t} = weight_{i,t}·∂ℓ/∂V (0 at masked tokens).
    public static func gradient(
        values: [[Rational]], targets: [[Rational]], oldValues: [[Rational]], masks: [[Bool]],
        clipRange: Rational?, mode: AggregationReference.Mode = .tokenLevel
    ) -> [[Rational]] {
        let weights = AggregationReference.weights(masks: masks, mode: mode)
        return masks.indices.map { i in
            masks[i].indices.map { t in
                weights[i][t] * gradientPerToken(
                    value: values[i][t], target: targets[i][t], oldValue: oldValues[i][t], clipRange: clipRange)
            }
        }
    }

    /// Explained variance over all valid tokens of the batch (rl-math convention §8):
    /// EV = 1 − Var(R − V)/Var(R), both variances with the same normalisation, which cancels:
    /// 1 − Σ(e − ē)²/Σ(R − R̄)² with e = R − V; 0 when Var(R) = 0 (including n ≤ 1).
    public static func explainedVariance(values: [[Rational]], targets: [[Rational]], masks: [[Bool]]) -> Rational {
        let valid = masks.indices.flatMap { i in masks[i].indices.filter { masks[i][$0] }.map { (i, $0) } }
        let r = valid.map { targets[$0.0][$0.1] }
        let e = valid.map { targets[$0.0][$0.1] - values[$0.0][$0.1] }
        func squaredDeviations(_ x: [Rational]) -> Rational {
            guard !x.isEmpty else { return .zero }
            let mean = x.reduce(.zero, +) / Rational(x.count)
            return x.reduce(.zero) { $0 + ($1 - mean) * ($1 - mean) }
        }
        let total = squaredDeviations(r)
        return total == .zero ? .zero : .one - squaredDeviations(e) / total
    }

    private static func clip(_ x: Rational, _ low: Rational, _ high: Rational) -> Rational {
        min(max(x, low), high)
    }
}
