import ExactReferences
import PropertyBased
import RLMath
import Testing

/// The Float error bound of Specs/rl-math/gae.md ("Floating-point error bound of GAE"), checked exactly: the
/// exact result and the bound are computed in rationals from the very Float inputs.
@Suite("GAE error bound")
struct GAEErrorBoundTests {
    /// Over the valid positions 0 … n−1 of one sequence (exact values of the stored floats): the exact
    /// advantages A_t = Σ_l (γλ)^l δ_{t+l} and the bound
    /// E_t = Σ_l (γλ)^l (γ_{3l+1}|δ_{t+l}| + γ₃(1 + γ_{3l+1}) m_{t+l}), m = |r| + γ|V_next| + |V|.
    static func exactAdvantagesAndBound(
        rewards r: [Rational], values v: [Rational], gamma: Rational, lambda: Rational, u: Rational
    ) -> [(advantage: Rational, bound: Rational)] {
        let n = r.count
        let next = Array(v.dropFirst()) + [Rational.zero]
        let delta = (0..<n).map { r[$0] + gamma * next[$0] - v[$0] }
        let m = (0..<n).map { r[$0].magnitude + gamma * next[$0].magnitude + v[$0].magnitude }
        func γ(_ k: Int) -> Rational { Rational(k) * u / (Rational.one - Rational(k) * u) }
        return (0..<n).map { t in
            var (advantage, bound, weight) = (Rational.zero, Rational.zero, Rational.one)
            for l in 0..<(n - t) {
                advantage = advantage + weight * delta[t + l]
                bound = bound + weight * (γ(3 * l + 1) * delta[t + l].magnitude + γ(3) * (.one + γ(3 * l + 1)) * m[t + l])
                weight = weight * gamma * lambda
            }
            return (advantage, bound)
        }
    }

    @Test("Float GAE is within the derived bound E_t of the exact result of its own inputs, and the returns within (1 + u)E_t + u|R_t|")
    func floatWithinBound() async {
        await propertyCheck(
            count: 200, input: RLTestData.floatSequence(length: 0...120), RLTestData.unitFraction, RLTestData.unitFraction
        ) { s, gamma, lambda in
            let (g, l) = (gamma.value(Float.self), lambda.value(Float.self))
            let out = gae(rewards: s.rewards, values: s.values, mask: s.mask, gamma: g, lambda: l)
            let valid = s.mask.indices.filter { s.mask[$0] }
            let exact = { (x: Float) in Rational(exactly: x)! }
            let u = Rational(numerator: 1, denominator: 1 << 24)
            let reference = Self.exactAdvantagesAndBound(
                rewards: valid.map { exact(s.rewards[$0]) }, values: valid.map { exact(s.values[$0]) },
                gamma: exact(g), lambda: exact(l), u: u)
            for (k, t) in valid.enumerated() {
                let (advantage, bound) = reference[k]
                let exactReturn = advantage + exact(s.values[t])
                #expect((exact(out.advantages[t]) - advantage).magnitude <= bound)
                #expect((exact(out.returns[t]) - exactReturn).magnitude <= (.one + u) * bound + u * exactReturn.magnitude)
            }
        }
    }
}
