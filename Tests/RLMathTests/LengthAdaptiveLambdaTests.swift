import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

@Suite("Length-adaptive λ")
struct LengthAdaptiveLambdaTests {
    @Test("λ_policy on rationals is exactly 1/2 for l ≤ 40, 21/41 at 41, 4/5 at 100, 49/50 at 1000, and 1 − 1/(α·l) above the floor")
    func exactValues() async {
        for l in 0...40 { #expect(lengthAdaptiveLambda(validLength: l) == Rational(numerator: 1, denominator: 2)) }
        for (l, p, q) in [(41, 21, 41), (100, 4, 5), (1000, 49, 50), (20_000, 999, 1000)] {
            #expect(lengthAdaptiveLambda(validLength: l) == Rational(numerator: p, denominator: q))
        }
        let alphas = RLTestData.fraction(1...50, over: 1...200)
        await checkProperty(count: 300, input: alphas, Gen.int(in: 0...99), Gen.int(in: 0...5000)) { alpha, floor, l in
            let (a, lambdaMin) = (alpha.value(Rational.self), Rational(numerator: floor, denominator: 100))
            // l = 0 has no raw value (1/(α·0)): the floor by definition.
            let raw = l > 0 ? Rational.one - Rational.one / (a * Rational(l)) : lambdaMin
            let expected = raw > lambdaMin ? raw : lambdaMin
            #expect(lengthAdaptiveLambda(validLength: l, alpha: a, lambdaMin: lambdaMin) == expected)
        }
    }

    @Test("λ_policy on rationals is non-decreasing in l and inside [λ_min, 1) ⊂ [0, 1) for random α and λ_min")
    func exactMonotone() async {
        let lengths = Gen.int(in: 0...100_000).array(of: 1...40)
        let alphas = RLTestData.fraction(1...50, over: 1...200)
        await checkProperty(count: 200, input: alphas, Gen.int(in: 0...99), lengths) { alpha, floor, raw in
            let (a, lambdaMin) = (alpha.value(Rational.self), Rational(numerator: floor, denominator: 100))
            let lambdas = raw.sorted().map { lengthAdaptiveLambda(validLength: $0, alpha: a, lambdaMin: lambdaMin) }
            #expect(zip(lambdas, lambdas.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(lambdas.allSatisfy { $0 >= lambdaMin && $0 < .one && $0 >= .zero })
        }
    }

    @Test("with the defaults (α = 0.05, λ_min = 0.5), Float and Double give exactly 1/2 for l ≤ 40 and are within 5u of 21/41 at 41, 4/5 at 100, 49/50 at 1000")
    func defaultsTable() {
        func check<S: RLScalar & BinaryFloatingPoint>(_: S.Type) {
            for l in 0...40 { #expect(lengthAdaptiveLambda(validLength: l) == S(0.5)) }
            // Roundings of α = 1/20, α·l, 1/(α·l), 1 − 1/(α·l) (≤ 4.1u in all, as λ + 1/(α·l) = 1), and of
            // the reference p/q (≤ u/2).
            let u = S.ulpOfOne / 2
            for (l, p, q) in [(41, 21, 41), (100, 4, 5), (1000, 49, 50), (20_000, 999, 1000)] {
                #expect(abs(lengthAdaptiveLambda(validLength: l) - S(p) / S(q)) <= 5 * u)
            }
        }
        check(Float.self)
        check(Double.self)
    }

    @Test("Float λ is non-decreasing in l and inside [λ_min, 1) while α·l ≤ 2^24, for random α and λ_min")
    func floatMonotone() async {
        let lengths = Gen.int(in: 0...(1 << 24)).array(of: 1...60)
        await checkProperty(count: 200, input: Gen.float(in: 0.001...50), Gen.float(in: 0..<1), lengths) {
            alpha, lambdaMin, raw in
            let cap = Int(Float(1 << 24) / alpha)
            let sorted = raw.map { $0 % (cap + 1) }.sorted()
            let lambdas = sorted.map { lengthAdaptiveLambda(validLength: $0, alpha: alpha, lambdaMin: lambdaMin) }
            #expect(zip(lambdas, lambdas.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(lambdas.allSatisfy { $0 >= lambdaMin && $0 < 1 })
        }
    }

    @Test("length-adaptive decoupled GAE over a ragged batch on rationals equals the exact reference: each sequence's λ_policy from its valid length")
    func lengthAdaptiveGAEExact() async {
        let parameters = zip(
            RLTestData.fraction(1...10, over: 1...100), Gen.int(in: 0...99), RLTestData.unitFraction,
            RLTestData.unitFraction)
        let batches = RLTestData.sequence(length: 0...60).array(of: 0...5)
        await checkProperty(count: 100, input: batches, parameters) { batch, p in
            let (alpha, lambdaMin) = (p.0.value(Rational.self), Rational(numerator: p.1, denominator: 100))
            let (gamma, critic) = (p.2.value(Rational.self), p.3.value(Rational.self))
            let rewards = batch.map { $0.rewards(Rational.self) }
            let (values, masks) = (batch.map { $0.values(Rational.self) }, batch.map(\.mask))
            let lambdas = lengthAdaptiveLambdas(masks: masks, alpha: alpha, lambdaMin: lambdaMin)
            let out = decoupledGAE(
                rewards: rewards, values: values, masks: masks, gamma: gamma, lambdaCritic: critic,
                lambdaPolicy: lambdas)
            let reference = VAPOLambdaReferences.lengthAdaptiveGAE(
                rewards: rewards, values: values, masks: masks, gamma: gamma, alpha: alpha, lambdaMin: lambdaMin,
                lambdaCritic: critic)
            #expect(lambdas == reference.map(\.lambdaPolicy))
            #expect(out.map(\.advantages) == reference.map(\.advantages))
            #expect(out.map(\.returns) == reference.map(\.returns))
        }
    }

    @Test("lengthAdaptiveLambdas gives each sequence the λ of its number of valid tokens")
    func batchHelper() async {
        let masks = Gen.bool(0.7).array(of: 0...200).array(of: 0...6)
        await checkProperty(count: 100, input: masks) { masks in
            let lambdas: [Double] = lengthAdaptiveLambdas(masks: masks, alpha: 0.03, lambdaMin: 0.25)
            let expected = masks.map {
                lengthAdaptiveLambda(validLength: $0.filter { $0 }.count, alpha: 0.03, lambdaMin: 0.25)
            }
            #expect(lambdas == expected)
        }
    }
}
