import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

/// The floating-point error bound of Specs/rl-math.md ("Floating-point error bound of GAE"), checked
/// exactly: the exact result (the exact references' sum formula) and the bound are rationals computed from
/// the very floats given to the production code.
@Suite("GAE error bound")
struct GAEErrorBoundTests {
    /// The exact advantages and returns of a floating-point sequence, and the bounds E_t on the advantages and
    /// (1 + u)E_t + u|R_t| on the returns, per position (0 at masked ones), for precision u:
    /// E_t = Σ_l (γλ)^l (γ_{3l+1}|δ_{t+l}| + γ₃(1 + γ_{3l+1}) m_{t+l}), m = |r| + γ|V_next| + |V|.
    static func reference<F: BinaryFloatingPoint>(_ s: FloatingSequence<F>, gamma: F, lambda: F) -> (
        advantages: [Rational], returns: [Rational], advantageBounds: [Rational], returnBounds: [Rational]
    ) {
        let exact = { (x: F) in Rational(exactly: x)! }
        let (g, l) = (exact(gamma), exact(lambda))
        let u = Rational.one / Rational(2).power(F.significandBitCount + 1)
        func γ(_ k: Int) -> Rational { Rational(k) * u / (Rational.one - Rational(k) * u) }
        let sum = GAESumFormula.advantagesAndReturns(
            rewards: s.rewards.map(exact), values: s.values.map(exact), mask: s.mask, gamma: g, lambda: l)
        let valid = s.mask.indices.filter { s.mask[$0] }
        let r = valid.map { exact(s.rewards[$0]) }
        let v = valid.map { exact(s.values[$0]) }
        let next = Array(v.dropFirst()) + [Rational.zero]
        let delta = valid.indices.map { r[$0] + g * next[$0] - v[$0] }
        let m = valid.indices.map { r[$0].magnitude + g * next[$0].magnitude + v[$0].magnitude }
        var (advantageBounds, returnBounds) = ([Rational](repeating: .zero, count: s.mask.count), [Rational]())
        for (k, t) in valid.enumerated() {
            var weight = Rational.one
            for j in 0..<(valid.count - k) {
                let term = γ(3 * j + 1) * delta[k + j].magnitude + γ(3) * (.one + γ(3 * j + 1)) * m[k + j]
                advantageBounds[t] = advantageBounds[t] + weight * term
                weight = weight * g * l
            }
        }
        returnBounds = s.mask.indices.map { (.one + u) * advantageBounds[$0] + u * sum.returns[$0].magnitude }
        return (sum.advantages, sum.returns, advantageBounds, returnBounds)
    }

    static func checkWithinBound<F: BinaryFloatingPoint & RLScalar>(_ s: FloatingSequence<F>, gamma: F, lambda: F) {
        let out = gae(rewards: s.rewards, values: s.values, mask: s.mask, gamma: gamma, lambda: lambda)
        let reference = Self.reference(s, gamma: gamma, lambda: lambda)
        for t in s.mask.indices {
            let (a, r) = (Rational(exactly: out.advantages[t])!, Rational(exactly: out.returns[t])!)
            #expect((a - reference.advantages[t]).magnitude <= reference.advantageBounds[t])
            #expect((r - reference.returns[t]).magnitude <= reference.returnBounds[t])
        }
    }

    @Test("Float and Double GAE are within the derived bound E_t of the exact result of their own inputs, and the returns within (1 + u)E_t + u|R_t|")
    func withinBound() async {
        let parameters = zip(RLTestData.unitFraction, RLTestData.unitFraction)
        await checkProperty(count: 200, input: RLTestData.floatSequence(length: 0...120), parameters) { s, p in
            Self.checkWithinBound(s, gamma: p.0.value(), lambda: p.1.value())
        }
        await checkProperty(count: 100, input: RLTestData.doubleSequence(length: 0...120), parameters) { s, p in
            Self.checkWithinBound(s, gamma: p.0.value(), lambda: p.1.value())
        }
    }

    @Test("Double GAE agrees with the LAPACK solve of (I − γλS)A = δ within the sum of the two error bounds")
    func doubleAgainstLAPACK() async {
        let parameters = zip(RLTestData.unitFraction, RLTestData.unitFraction)
        await checkProperty(count: 100, input: RLTestData.doubleSequence(length: 0...120), parameters) { s, p in
            let (g, l) = (p.0.value(Double.self), p.1.value(Double.self))
            let out = gae(rewards: s.rewards, values: s.values, mask: s.mask, gamma: g, lambda: l)
            let solve = GAELinearSystem.advantagesAndReturns(
                rewards: s.rewards, values: s.values, mask: s.mask, gamma: g, lambda: l)
            let solveBound = GAELinearSystem.errorBound(
                rewards: s.rewards, values: s.values, mask: s.mask, gamma: g, lambda: l)
            let ours = Self.reference(s, gamma: g, lambda: l)
            let exact = { (x: Double) in Rational(exactly: x)! }
            for t in s.mask.indices {
                let advantageGap = (exact(out.advantages[t]) - exact(solve.advantages[t])).magnitude
                let returnGap = (exact(out.returns[t]) - exact(solve.returns[t])).magnitude
                #expect(advantageGap <= ours.advantageBounds[t] + solveBound.advantages[t])
                #expect(returnGap <= ours.returnBounds[t] + solveBound.returns[t])
            }
        }
    }
}
