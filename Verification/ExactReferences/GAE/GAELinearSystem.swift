import CLAPACK

/// GAE as the solution of a linear system, solved by LAPACK in Double (rl-math convention §1).
///
/// Over the n valid positions (compacted in order), A_k = δ_k + γλ·A_{k+1} with A_n = 0 is the upper
/// bidiagonal system (I − γλS)·A = δ, S the shift (S·A)_k = A_{k+1}. LAPACK's DTRTRS solves it by back
/// substitution; the only code of ours is building δ and the matrix. Masked positions get 0.
public enum GAELinearSystem {
    /// Advantages and returns of one sequence, in Double. δ_k = (r_k + γ·V_{k+1}) − V_k, the bidiagonal
    /// entry is −fl(γ·λ), and R_k = A_k + V_k: each one IEEE operation, as `errorBound` assumes.
    public static func advantagesAndReturns(
        rewards: [Double], values: [Double], mask: [Bool], gamma: Double, lambda: Double
    ) -> (advantages: [Double], returns: [Double]) {
        precondition(rewards.count == mask.count && values.count == mask.count, "GAE: ragged inputs")
        let positions = mask.indices.filter { mask[$0] }
        let v = positions.map { values[$0] }
        let n = positions.count
        var advantages = [Double](repeating: 0, count: mask.count)
        var returns = [Double](repeating: 0, count: mask.count)
        guard n > 0 else { return (advantages, returns) }
        // Right-hand side δ, overwritten by the solution A.
        var solution = (0..<n).map { k in (rewards[positions[k]] + gamma * (k + 1 < n ? v[k + 1] : 0)) - v[k] }
        // Column-major n×n: ones on the diagonal, −γλ just above it.
        var matrix = [Double](repeating: 0, count: n * n)
        for k in 0..<n { matrix[k * n + k] = 1 }
        for k in 1..<n { matrix[k * n + (k - 1)] = -(gamma * lambda) }
        var order = Int32(n), rightHandSides: Int32 = 1, leadingA = Int32(n), leadingB = Int32(n), info: Int32 = 0
        var upper = CChar(UInt8(ascii: "U")), noTranspose = CChar(UInt8(ascii: "N")), nonUnit = CChar(UInt8(ascii: "N"))
        dtrtrs_(&upper, &noTranspose, &nonUnit, &order, &rightHandSides, matrix, &leadingA, &solution, &leadingB, &info, 1, 1, 1)
        precondition(info == 0, "DTRTRS failed: info = \(info)")
        for (k, position) in positions.enumerated() {
            advantages[position] = solution[k]
            returns[position] = solution[k] + v[k]
        }
        return (advantages, returns)
    }

    /// A rigorous bound on |Â_k − A_k| and |R̂_k − R_k| for `advantagesAndReturns`, per position, where A, R
    /// are the exact GAE of the same Double inputs (γ, λ and the data taken as exact rationals, γλ their
    /// exact product) and no intermediate overflows or underflows.
    ///
    /// With u = 2⁻⁵³ and γ_m = m·u/(1 − m·u) (Higham, Accuracy and Stability of Numerical Algorithms,
    /// §3.1): δ̂_k carries three roundings, |δ̂_k − δ_k| ≤ γ_3·M_k with M_k = |r_k| + |γ·V_{k+1}| + |V_k|;
    /// the term of δ_{k+l} in Â_k is multiplied by fl(γλ)^l (l roundings from fl(γλ) itself) through l
    /// rounded products and l + 1 rounded sums (back substitution), so it carries at most 3l + 1 more.
    /// Altogether
    ///
    ///     |Â_k − A_k| ≤ Σ_{l=0}^{n−1−k} (γλ)^l · γ_{3l+4} · M_{k+l}  ≤  γ_{3n+1} · Σ_l (γλ)^l · M_{k+l}
    ///                 ≤  γ_{3n+1} · (1 − (γλ)ⁿ)/(1 − γλ) · max M   (≤ γ_{3n+1} · n · max M when γλ ≤ 1),
    ///     |R̂_k − R_k| ≤ (1 + u)·|Â_k − A_k|-bound + u·|R_k|,
    ///
    /// n = the number of valid positions. Returned exactly (the first, per-term form), as rationals.
    public static func errorBound(
        rewards: [Double], values: [Double], mask: [Bool], gamma: Double, lambda: Double
    ) -> (advantages: [Rational], returns: [Rational]) {
        let exact = { (x: Double) in Rational(exactly: x)! }
        let positions = mask.indices.filter { mask[$0] }
        let n = positions.count
        let g = exact(gamma)
        let v = positions.map { exact(values[$0]) }
        let size = positions.map { k in exact(rewards[k]).magnitude + exact(values[k]).magnitude }
        let magnitudes = (0..<n).map { k in size[k] + (k + 1 < n ? (g * v[k + 1]).magnitude : .zero) }
        let u = Rational.one / Rational(2).power(53)
        func gammaConstant(_ m: Int) -> Rational { Rational(m) * u / (.one - Rational(m) * u) }
        let decay = g * exact(lambda)
        let exactReturns = GAESumFormula.advantagesAndReturns(
            rewards: rewards.map(exact), values: values.map(exact), mask: mask, gamma: g, lambda: exact(lambda)
        ).returns
        var advantageBounds = [Rational](repeating: .zero, count: mask.count)
        var returnBounds = [Rational](repeating: .zero, count: mask.count)
        for (k, position) in positions.enumerated() {
            let bound = (0..<(n - k)).reduce(Rational.zero) { sum, l in
                sum + decay.power(l).magnitude * gammaConstant(3 * l + 4) * magnitudes[k + l]
            }
            advantageBounds[position] = bound
            returnBounds[position] = (.one + u) * bound + u * exactReturns[position].magnitude
        }
        return (advantageBounds, returnBounds)
    }
}
