import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

/// Conventions §8 on exact rationals.
@Suite("Value loss and explained variance")
struct ValueLossTests {
    static let seed = Gen.int(in: 0...1_000_000)

    struct Batch {
        let masks: [[Bool]]
        let values: [[Rational]], returns: [[Rational]], oldValues: [[Rational]]
        let range: Rational
        let aggregation: LossAggregation

        init(_ random: inout LossRandom) {
            masks = random.raggedMasks()
            values = exact(random.values(like: masks) { $0.fraction(-24...24, over: 8) })
            returns = exact(random.values(like: masks) { $0.fraction(-24...24, over: 8) })
            oldValues = exact(random.values(like: masks) { $0.fraction(-24...24, over: 8) })
            range = Rational(numerator: random.integer(0...8), denominator: 4)
            aggregation = random.pick(LossAggregation.allCases)
        }

        func loss(values: [[Rational]]? = nil, clipped: Bool, oldValues: [[Rational]]? = nil) -> ValueLoss<Rational> {
            ValueLoss(
                values: values ?? self.values, returns: returns, masks: masks,
                clipping: clipped ? ValueClipping(oldValues: oldValues ?? self.oldValues, range: range) : nil,
                aggregation: aggregation, normalizer: LossNormalizer(wholeBatchMasks: masks))
        }
    }

    /// At V = R the unclipped term is 0, so the max is the clipped term (clip(R) − R)², which is 0 exactly when
    /// R is within c of V_old: PPO2's clipped value loss is pessimistic and need not vanish at the target.
    @Test("at V = R the gradient is exactly 0; the loss is exactly 0 unclipped, and clipped when every |R − V_old| ≤ c")
    func zeroAtTargets() async {
        await checkProperty(count: 60, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let batch = Batch(&random)
            let near = batch.returns.map { $0.map { r in r + batch.range * Rational(numerator: random.integer(-4...4), denominator: 4) } }
            for loss in [batch.loss(values: batch.returns, clipped: false),
                         batch.loss(values: batch.returns, clipped: true, oldValues: near)] {
                #expect(loss.value == 0)
                #expect(loss.gradient.joined().allSatisfy { $0 == 0 })
            }
            let clipped = batch.loss(values: batch.returns, clipped: true)
            #expect(clipped.gradient.joined().allSatisfy { $0 == 0 })
            #expect(clipped.value >= 0)
        }
    }

    @Test("the clipped value loss equals the unclipped one, gradient included, when every |V − V_old| ≤ c")
    func clippingInactiveInsideRange() async {
        await checkProperty(count: 60, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let batch = Batch(&random)
            // V_old within c of V, on the boundary now and then.
            let near = batch.values.map { $0.map { v in v + batch.range * Rational(numerator: random.integer(-4...4), denominator: 4) } }
            let clipped = batch.loss(clipped: true, oldValues: near), plain = batch.loss(clipped: false)
            #expect(clipped.value == plain.value && clipped.gradient == plain.gradient)
            #expect(clipped.clipFraction == 0)
        }
    }

    @Test("the value loss is ½·agg(max(unclipped², clipped²)); where the clipped term wins V is outside the clip range and ∂/∂V is exactly 0, elsewhere it is weight·(V − R)")
    func clippedGradient() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let b = Batch(&random)
            let normalizer = LossNormalizer(wholeBatchMasks: b.masks)
            let weights = normalizer.aggregate(b.values, masks: b.masks, b.aggregation).tokenWeights
            let loss = b.loss(clipped: true)
            var squares = b.masks.map { $0.map { _ in Rational.zero } }
            var wins = 0
            for i in b.masks.indices {
                for t in b.masks[i].indices where b.masks[i][t] {
                    let (v, r, old) = (b.values[i][t], b.returns[i][t], b.oldValues[i][t])
                    let limited = min(max(v, old - b.range), old + b.range)
                    let (unclipped, clipped) = ((v - r) * (v - r), (limited - r) * (limited - r))
                    squares[i][t] = max(unclipped, clipped)
                    if clipped > unclipped {
                        wins += 1
                        #expect((v - old).magnitude > b.range)
                        #expect(loss.gradient[i][t] == 0)
                    } else {
                        #expect(loss.gradient[i][t] == weights[i][t] * (v - r))
                    }
                }
            }
            #expect(loss.value == Rational(numerator: 1, denominator: 2) * normalizer.aggregate(squares, masks: b.masks, b.aggregation).value)
            #expect(loss.clipFraction == Rational(numerator: wins, denominator: max(normalizer.tokenCount, 1)))
        }
    }

    /// With V = β·R + k over the valid tokens: R − V = (1 − β)·R − k, so Var(R − V) = (1 − β)²·Var(R) and
    /// EV = 1 − (1 − β)²: 1 for β = 1 (V = R + k), 0 for β = 0 (V constant).
    @Test("explained variance: 1 − (1 − β)² for V = β·R + k, so 1 when V = R + k and 0 when V is constant; 0 when the returns do not vary or nothing is valid")
    func explainedVarianceClosedForms() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let b = Batch(&random)
            let k = Rational(numerator: random.integer(-9...9), denominator: 3)
            let varies = Set(zip(b.returns.joined(), b.masks.joined()).filter(\.1).map(\.0)).count > 1
            for beta in [Rational(1), Rational(0), Rational(numerator: random.integer(-6...6), denominator: 4)] {
                let values = b.returns.map { $0.map { beta * $0 + k } }
                let ev = explainedVariance(values: values, returns: b.returns, masks: b.masks)
                #expect(ev == (varies ? 1 - (1 - beta) * (1 - beta) : 0), "β \(beta)")
            }
            let constant = b.masks.map { $0.map { _ in Rational(7) } }
            #expect(explainedVariance(values: b.values, returns: constant, masks: b.masks) == 0)
            #expect(explainedVariance(values: b.values, returns: b.returns, masks: b.masks.map { $0.map { _ in false } }) == 0)
        }
    }

    /// Two ways a Float denominator could go wrong: seven returns of 0.1 have the computed mean 0.10000001, so
    /// Σ(R − R̄)² would be a tiny positive number; returns 0 and 1e-30 differ, but (5e-31)² underflows, so
    /// Σ(R − R̄)² is exactly 0. In both the values are far from the returns, so dividing would give a huge
    /// negative number, −∞ or NaN.
    @Test("explained variance in Float: equal returns whose computed mean differs from them, and returns whose squared deviations underflow to 0, give exactly +0")
    func explainedVarianceFloatDenominators() {
        let tenths = [Float](repeating: 0.1, count: 7)
        #expect(tenths.reduce(0, +) / 7 != 0.1)
        let spread: [Float] = [0, 1, 2, 3, 4, 5, 6]
        let equal = explainedVariance(values: [spread], returns: [tenths], masks: [spread.map { _ in true }])
        #expect(equal.bitPattern == Float(0).bitPattern, "\(equal)")

        let returns: [Float] = [0, 1e-30]
        let mean = (returns[0] + returns[1]) / 2
        #expect(returns[0] != returns[1] && (returns[1] - mean) * (returns[1] - mean) == 0)
        for values in [[Float(-1), 0], [0, 1e-30], [3, -2]] {
            let underflow = explainedVariance(values: [values], returns: [returns], masks: [[true, true]])
            #expect(underflow.bitPattern == Float(0).bitPattern, "V \(values): \(underflow)")
        }
    }

    /// EV is a function of the batch's valid (V, R) pairs alone, not additive over parts: it must be
    /// computed over the whole batch (an example: two micro-batches of EV 0 make a batch of EV 4/5).
    @Test("explained variance depends only on the multiset of valid (V, R) pairs, and the mean of micro-batch EVs is a different number")
    func explainedVarianceIsWholeBatch() async {
        await checkProperty(count: 60, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let b = Batch(&random)
            let pairs = zip(zip(b.values.joined(), b.returns.joined()), b.masks.joined()).filter(\.1).map(\.0)
            // The same pairs in one sequence, reversed, with masked padding in between.
            let v: [Rational] = pairs.reversed().flatMap { [$0.0, 99] }, r: [Rational] = pairs.reversed().flatMap { [$0.1, -99] }
            let masks = pairs.map { _ in [true, false] }.flatMap { $0 }
            #expect(explainedVariance(values: [v], returns: [r], masks: [masks]) == explainedVariance(values: b.values, returns: b.returns, masks: b.masks))
        }
        // Micro-batch A: R = (0, 2), V = (1, 1): EV 0. Micro-batch B: R = (4, 6), V = (5, 5): EV 0. Whole batch:
        // Var(R) = 5, Var(R − V) = 1, EV = 4/5.
        let (values, returns): ([[Rational]], [[Rational]]) = ([[1, 1], [5, 5]], [[0, 2], [4, 6]])
        let masks = [[true, true], [true, true]]
        #expect(explainedVariance(values: values, returns: returns, masks: masks) == Rational(numerator: 4, denominator: 5))
        for i in 0..<2 { #expect(explainedVariance(values: [values[i]], returns: [returns[i]], masks: [masks[i]]) == 0) }
    }
}
