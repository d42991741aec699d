import Foundation
import PropertyBased
import PropertyTesting
import RLMath
import Testing

@Suite("k3 KL estimator")
struct KLEstimatorTests {
    /// The bound of Specs/rl-math.md ("k3"), for x = ref − logp, D = eˣ − x − 1, precision u and an
    /// exp within 1 ulp (≤ 2u relative): |D̂ − D| ≤ u·(|x|·|eˣ − 1| + 3eˣ + 1 + D)·1.001.
    static func bound(x: Double, u: Double) -> Double {
        let e = Foundation.exp(x)
        return u * (abs(x) * abs(e - 1) + 3 * e + 1 + (expm1(x) - x)) * 1.001
    }

    /// The closed form in Double, D = expm1(x) − x, within 2⁻⁵²·(|expm1 x| + D) of the exact value.
    static func closedForm(_ x: Double) -> (value: Double, error: Double) {
        let d = expm1(x) - x
        return (d, Double.ulpOfOne * (abs(expm1(x)) + d))
    }

    static let logProbs = zip(Gen.float(in: -20...0), Gen.float(in: -20...0))

    @Test("Float k3 is ≥ 0 and within u·(|x|·|eˣ − 1| + 3eˣ + 1 + D) of the closed form expm1(x) − x (x = ref − logp)")
    func floatAgainstClosedForm() async {
        await checkProperty(count: 1000, input: Self.logProbs) { logp, ref in
            let d = k3KL(logProb: logp, referenceLogProb: ref)
            let x = Double(ref) - Double(logp)
            let exact = Self.closedForm(x)
            #expect(d >= 0)
            #expect(abs(Double(d) - exact.value) <= Self.bound(x: x, u: Double(Float.ulpOfOne) / 2) + exact.error)
        }
    }

    @Test("Double k3 is ≥ 0 and within twice the rounding bound of the closed form expm1(x) − x")
    func doubleAgainstClosedForm() async {
        await checkProperty(count: 1000, input: Gen.double(in: -20...0), Gen.double(in: -20...0)) { logp, ref in
            let d = k3KL(logProb: logp, referenceLogProb: ref)
            let x = ref - logp
            let exact = Self.closedForm(x)
            #expect(d >= 0)
            #expect(abs(d - exact.value) <= 2 * Self.bound(x: x, u: Double.ulpOfOne / 2) + exact.error)
        }
    }

    @Test("k3 is exactly 0 when logp = ref, and > 0 when |ref − logp| ≥ 2⁻⁸ (Float) or 2⁻²⁰ (Double)")
    func zeroExactlyWhenEqual() async {
        await checkProperty(count: 300, input: Gen.float(in: -30...0), Gen.float(in: 0.00390625...10), Gen.bool) {
            logp, gap, up in
            #expect(k3KL(logProb: logp, referenceLogProb: logp) == 0)
            #expect(k3KL(logProb: logp, referenceLogProb: up ? logp + gap : logp - gap) > 0)
            let (p, g) = (Double(logp), Double(gap) / 4096)
            #expect(k3KL(logProb: p, referenceLogProb: p) == 0)
            #expect(k3KL(logProb: p, referenceLogProb: up ? p + g : p - g) > 0)
        }
    }

    @Test("the per-token form gives k3 on valid tokens and 0 on masked ones")
    func perToken() async {
        let tokens = zip(Gen.float(in: -20...0), Gen.float(in: -20...0), Gen.bool(0.7)).array(of: 0...40)
        await checkProperty(count: 100, input: tokens) { tokens in
            let out = k3KL(logProbs: tokens.map(\.0), referenceLogProbs: tokens.map(\.1), mask: tokens.map(\.2))
            #expect(out.count == tokens.count)
            for (d, (logp, ref, valid)) in zip(out, tokens) {
                #expect(d.bitPattern == (valid ? k3KL(logProb: logp, referenceLogProb: ref).bitPattern : 0))
            }
        }
    }
}
