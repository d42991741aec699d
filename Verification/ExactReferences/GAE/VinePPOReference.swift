// Specs/vapo.md, "VinePPO's Monte-Carlo values".

/// VinePPO's step-level advantages (Kazemnejad et al., arXiv 2410.01679) and λ = 1 returns, in exact
/// rationals, by formulas that share no code with the production functions.
public enum VinePPOReference {
    /// VinePPO's advantages as TD(0) of the segment-level MDP: one step per segment [b_i, b_{i+1}) of the
    /// response's valid positions (compacted in order), reward 0 but `reward` at the last segment, values
    /// V̂(b_i), γ = 1, λ = 0 (`GAESumFormula`, so δ_i = r_i + V̂(b_{i+1}) − V̂(b_i) with no bootstrap past the
    /// end); then every token of a segment takes the segment's advantage, masked positions 0.
    public static func advantages(mask: [Bool], boundaries: [Int], values: [Rational], reward: Rational) -> [Rational] {
        precondition(boundaries.count == values.count && boundaries.first == 0, "VinePPO reference: ragged inputs")
        let steps = boundaries.count
        let rewards = (0..<steps).map { $0 == steps - 1 ? reward : Rational.zero }
        let stepAdvantages = GAESumFormula.advantagesAndReturns(
            rewards: rewards, values: values, mask: Array(repeating: true, count: steps), gamma: Rational(1), lambda: .zero
        ).advantages
        var result = [Rational](repeating: .zero, count: mask.count)
        var k = 0
        for position in mask.indices where mask[position] {
            let segment = boundaries.lastIndex { $0 <= k }!
            result[position] = stepAdvantages[segment]
            k += 1
        }
        return result
    }

    /// R_t = Σ_{valid k ≥ t} γ^{n(t,k)} r_k, n(t, k) the number of valid positions in t ..< k, as the sum;
    /// masked positions 0.
    public static func monteCarloReturns(rewards: [Rational], mask: [Bool], gamma: Rational) -> [Rational] {
        precondition(rewards.count == mask.count, "Monte-Carlo reference: ragged inputs")
        let positions = mask.indices.filter { mask[$0] }
        var result = [Rational](repeating: .zero, count: mask.count)
        for (a, t) in positions.enumerated() {
            result[t] = positions[a...].enumerated().reduce(Rational.zero) { sum, term in
                sum + gamma.power(term.offset) * rewards[term.element]
            }
        }
        return result
    }
}
