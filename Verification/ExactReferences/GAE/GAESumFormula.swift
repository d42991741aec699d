/// GAE by its closed form, in exact rationals (rl-math convention §1; Schulman et al. 2016, "High-Dimensional
/// Continuous Control Using Generalized Advantage Estimation", eq. 16):
///
///     δ_k = r_k + γ·V_{k+1} − V_k      (V after the last valid position = 0: no bootstrap past the end)
///     A_k = Σ_{l=0}^{n−1−k} (γλ)^l · δ_{k+l}
///     R_k = A_k + V_k
///
/// over the n VALID positions, compacted in order (masked positions are skipped, as if absent); the
/// results are scattered back, and masked positions get advantage 0 and return 0. Written as the sum, not
/// as the backward recursion the production code uses, so that the two are independent.
public enum GAESumFormula {
    /// Advantages and returns of one sequence. `rewards`, `values` and `mask` have the same length; rewards
    /// and values at masked positions are ignored. γ and λ are any rationals (the formula is a polynomial in
    /// γλ), usually in [0, 1].
    public static func advantagesAndReturns(
        rewards: [Rational], values: [Rational], mask: [Bool], gamma: Rational, lambda: Rational
    ) -> (advantages: [Rational], returns: [Rational]) {
        precondition(rewards.count == mask.count && values.count == mask.count, "GAE: ragged inputs")
        let positions = mask.indices.filter { mask[$0] }
        let r = positions.map { rewards[$0] }
        let v = positions.map { values[$0] }
        let n = positions.count
        let delta = (0..<n).map { k in r[k] + gamma * (k + 1 < n ? v[k + 1] : .zero) - v[k] }
        let decay = gamma * lambda
        let compactAdvantages = (0..<n).map { k in
            (k..<n).reduce(Rational.zero) { sum, j in sum + decay.power(j - k) * delta[j] }
        }
        var advantages = [Rational](repeating: .zero, count: mask.count)
        var returns = [Rational](repeating: .zero, count: mask.count)
        for (k, position) in positions.enumerated() {
            advantages[position] = compactAdvantages[k]
            returns[position] = compactAdvantages[k] + v[k]
        }
        return (advantages, returns)
    }
}
