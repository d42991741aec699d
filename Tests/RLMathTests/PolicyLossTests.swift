import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

/// Conventions §6 on exact rationals, and the Float/Double training path.
@Suite("Clipped surrogate policy loss")
struct PolicyLossTests {
    static let seed = Gen.int(in: 0...1_000_000)

    @Test("defaults: ε_low = 1/5, ε_high = 7/25 (VAPO, DAPO), no dual clip; PPO is 1/5 on both sides; Float gets the literals")
    func defaults() {
        let vapo = ClippedSurrogate<Rational>()
        #expect(vapo.epsilonLow == Rational(numerator: 1, denominator: 5))
        #expect(vapo.epsilonHigh == Rational(numerator: 7, denominator: 25))
        #expect(vapo.dualClip == nil)
        let ppo = ClippedSurrogate<Rational>.ppo
        #expect(ppo.epsilonLow == Rational(numerator: 1, denominator: 5) && ppo.epsilonHigh == ppo.epsilonLow)
        #expect(ClippedSurrogate<Float>().epsilonLow == 0.2 && ClippedSurrogate<Float>().epsilonHigh == 0.28)
    }

    /// The boundary convention, case by case, with the default range [4/5, 32/25] and a dual clip c = 3.
    @Test("a ratio on a clip boundary counts as unclipped (∂loss/∂r = −A); strictly outside it the clipped term wins with ∂loss/∂r = 0")
    func boundaries() {
        let surrogate = ClippedSurrogate<Rational>(dualClip: 3)
        let lower = Rational(numerator: 4, denominator: 5), upper = Rational(numerator: 32, denominator: 25)
        let tiny = Rational(numerator: 1, denominator: 1_000_000)
        let cases: [(r: Rational, a: Rational, loss: Rational, gradient: Rational, region: ClipRegion)] = [
            (upper, 2, -2 * upper, -2, .unclipped),
            (upper + tiny, 2, -2 * upper, 0, .clippedAbove),
            (lower - tiny, 2, -2 * (lower - tiny), -2, .unclipped),  // A > 0: the lower clip never binds
            (lower, -2, 2 * lower, 2, .unclipped),
            (lower - tiny, -2, 2 * lower, 0, .clippedBelow),
            (upper + tiny, -2, 2 * (upper + tiny), 2, .unclipped),  // A < 0: the upper clip never binds
            (3, -2, 6, 2, .unclipped),  // loss = −A·c exactly: a tie, still unclipped
            (3 + tiny, -2, 6, 0, .dualClipped),
            (5, 0, 0, 0, .unclipped),  // A = 0: both terms are 0
        ]
        for (r, a, loss, gradient, region) in cases {
            let term = surrogate.term(ratio: r, advantage: a)
            #expect(term.loss == loss && term.ratioGradient == gradient && term.region == region, "r \(r), A \(a)")
            #expect(term.logProbabilityGradient == r * gradient)
        }
    }

    /// The region is decided by comparing r with the clip bounds, not the two products; rounding is monotone,
    /// so in Float this gives the very bits of evaluating the max (and the min with −A·c) — checked on the
    /// neighbours of every boundary, zeros of both signs, subnormals, and products that overflow.
    @Test("in Float the loss has the same bits as evaluating max(−A·r, −A·clip(r, 1 − ε_low, 1 + ε_high)), and its min with −A·c under a dual clip, on edge values")
    func floatLossIsTheMax() {
        let tiny = Float.leastNonzeroMagnitude
        for surrogate in [ClippedSurrogate<Float>(), .ppo, ClippedSurrogate(dualClip: 3), ClippedSurrogate(epsilonLow: 0, epsilonHigh: 0, dualClip: 1.5)] {
            let lower = 1 - surrogate.epsilonLow, upper = 1 + surrogate.epsilonHigh
            let anchors: [Float] = [0, tiny, 1, lower, upper, 3, 1.5, 4.85165195e8, .greatestFiniteMagnitude]
            let ratios = anchors.flatMap { [$0.nextDown, $0, $0.nextUp] }.filter { $0 >= 0 && $0.isFinite }
            let magnitudes: [Float] = [0, tiny, 1e-30, 0.75, 1, 9 / 8, 3e38, .greatestFiniteMagnitude]
            let advantages = magnitudes.flatMap { [$0, -$0] }
            for r in ratios {
                for a in advantages {
                    var expected = max(-a * r, -a * min(max(r, lower), upper))
                    if let c = surrogate.dualClip, a < 0 { expected = min(expected, -a * c) }
                    let loss = surrogate.term(ratio: r, advantage: a).loss
                    #expect(loss.bitPattern == expected.bitPattern, "r \(r), A \(a), ε \(surrogate.epsilonLow) \(surrogate.epsilonHigh), c \(String(describing: surrogate.dualClip)): \(loss) vs \(expected)")
                }
            }
        }
    }

    @Test("clip fractions count exactly the valid tokens with A > 0, r > 1 + ε_high (upper), A < 0, r < 1 − ε_low (lower) and A < 0, r > c (dual clip), over the whole batch's N")
    func clipFractions() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let ratios = exact(random.values(like: masks) { $0.fraction(0...80, over: 32) })
            let advantages = exact(random.values(like: masks) { $0.fraction(-4...4, over: 2) })
            let surrogate = ClippedSurrogate<Rational>(dualClip: random.pick([nil, 2]))
            let normalizer = LossNormalizer(wholeBatchMasks: masks)
            var upper = 0, lower = 0, dual = 0
            for i in masks.indices {
                for t in masks[i].indices where masks[i][t] {
                    if advantages[i][t] > 0 && ratios[i][t] > 1 + surrogate.epsilonHigh { upper += 1 }
                    if advantages[i][t] < 0 && ratios[i][t] < 1 - surrogate.epsilonLow { lower += 1 }
                    // With A < 0 the loss is |A|·max(r, 1 − ε_low), above |A|·c (c > 1) iff r > c.
                    if let c = surrogate.dualClip, advantages[i][t] < 0 && ratios[i][t] > c { dual += 1 }
                }
            }
            let n = max(normalizer.tokenCount, 1)
            let loss = PolicyLoss(ratios: ratios, advantages: advantages, masks: masks, surrogate: surrogate, normalizer: normalizer)
            #expect(loss.clipFractionUpper == Rational(numerator: upper, denominator: n))
            #expect(loss.clipFractionLower == Rational(numerator: lower, denominator: n))
            #expect(loss.dualClipFraction == Rational(numerator: dual, denominator: n))
            #expect(loss.approximateKL == nil)
        }
    }

    @Test("masked positions never change the loss, its gradients or its metrics, even when they hold NaN")
    func maskedPositionsIgnored() async {
        await checkProperty(count: 60, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let copy = random
            func batch(_ padding: Double) -> (logp: [[Double]], old: [[Double]], a: [[Double]]) {
                var r = copy
                return (
                    r.values(like: masks, padding: padding) { $0.fraction(-64...0, over: 16) },
                    r.values(like: masks, padding: padding) { $0.fraction(-64...0, over: 16) },
                    r.values(like: masks, padding: padding) { $0.fraction(-8...8, over: 4) })
            }
            let normalizer = LossNormalizer(wholeBatchMasks: masks)
            let aggregation = random.pick(LossAggregation.allCases)
            let (clean, dirty) = (batch(0), batch(.nan))
            let losses = [clean, dirty].map {
                PolicyLoss(
                    logProbabilities: $0.logp, oldLogProbabilities: $0.old, advantages: $0.a, masks: masks,
                    surrogate: ClippedSurrogate(dualClip: 3), aggregation: aggregation, normalizer: normalizer)
            }
            #expect(losses[0].value.bitPattern == losses[1].value.bitPattern)
            #expect(losses[0].approximateKL!.bitPattern == losses[1].approximateKL!.bitPattern)
            #expect(losses[0].clipFractionLower == losses[1].clipFractionLower)
            #expect(losses[0].clipFractionUpper == losses[1].clipFractionUpper)
            #expect(losses[0].dualClipFraction == losses[1].dualClipFraction)
            for loss in losses {
                for (row, mask) in zip(loss.gradient, masks) { #expect(zip(row, mask).allSatisfy { $1 || $0 == 0 }) }
            }
            #expect(losses[0].gradient == losses[1].gradient && losses[0].ratioGradient == losses[1].ratioGradient)
        }
    }

    /// approximateKL = Σ m·(old − logp)/N. With dyadic inputs every difference and per-sequence sum is
    /// exact, so the Double value is Σᵢ fl(fl(1/N)·sᵢ) summed: off from the exact mean by at most
    /// (G + 2)·u·Σᵢ|sᵢ|/N (two roundings per term, one per addition).
    @Test("the training path's ratio is exp(clamp(logp − old, −20, 20)) with our exp, and its KL metric is the token mean of old − logp")
    func logProbabilityPath() async {
        await checkProperty(count: 60, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let old = random.values(like: masks, padding: 0) { $0.fraction(-64...0, over: 16) }
            let logp = random.values(like: masks, padding: 0) { $0.fraction(-800...100, over: 16) }
            let advantages = random.values(like: masks, padding: 0) { $0.fraction(-8...8, over: 4) }
            let normalizer = LossNormalizer(wholeBatchMasks: masks)
            let loss = PolicyLoss(
                logProbabilities: logp, oldLogProbabilities: old, advantages: advantages, masks: masks,
                normalizer: normalizer)
            let surrogate = ClippedSurrogate<Double>()
            for i in masks.indices {
                for t in masks[i].indices {
                    let term = surrogate.term(logProbability: logp[i][t], oldLogProbability: old[i][t], advantage: advantages[i][t])
                    let d = logp[i][t] - old[i][t]
                    #expect(term.ratio.bitPattern == Double.exp(min(max(d, -20), 20)).bitPattern)
                    #expect(term.logProbabilityGradient == (abs(d) > 20 ? 0 : term.ratio * term.ratioGradient))
                    #expect(term == surrogate.term(ratio: term.ratio, advantage: advantages[i][t]) || abs(d) > 20)
                }
            }
            let sums = masks.indices.map { i in masks[i].indices.reduce(Rational.zero) { masks[i][$1] ? $0 + exact(old[i][$1] - logp[i][$1]) : $0 } }
            let n = Rational(max(normalizer.tokenCount, 1))
            let exactKL = sums.reduce(Rational.zero, +) / n
            let bound = Rational(masks.count + 2) * doubleUnitRoundoff * sums.reduce(Rational.zero) { $0 + $1.magnitude } / n
            #expect((exact(loss.approximateKL!) - exactKL).magnitude <= bound)
        }
    }

    @Test("arguments outside their ranges stop with a message naming the function, the argument and its range: ε < 0, c ≤ 1 (NaN too), mismatched lengths, a part larger than its normalizer's batch")
    func preconditions() async {
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = ClippedSurrogate<Double>(epsilonLow: -0.01)
            }, says: "ClippedSurrogate: epsilonLow must be ≥ 0, got -0.01")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = ClippedSurrogate<Double>(epsilonHigh: -1)
            }, says: "ClippedSurrogate: epsilonHigh must be ≥ 0, got -1.0")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = ClippedSurrogate<Double>(dualClip: 1)
            }, says: "ClippedSurrogate: dualClip must be > 1, got 1.0")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = ClippedSurrogate<Double>(dualClip: .nan)
            }, says: "ClippedSurrogate: dualClip must be > 1, got nan")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = PolicyLoss<Double>(
                    ratios: [[1, 1]], advantages: [[1]], masks: [[true, true]],
                    normalizer: LossNormalizer(wholeBatchMasks: [[true, true]]))
            }, says: "PolicyLoss: advantages[0] has 1 tokens, masks[0] has 2")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = PolicyLoss<Double>(
                    logProbabilities: [[0]], oldLogProbabilities: [[0], [0]], advantages: [[1]], masks: [[true]],
                    normalizer: LossNormalizer(wholeBatchMasks: [[true]]))
            }, says: "PolicyLoss: oldLogProbabilities has 2 sequences, masks has 1")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = PolicyLoss<Double>(
                    ratios: [[1, 1]], advantages: [[1, 1]], masks: [[true, true]],
                    normalizer: LossNormalizer(wholeBatchMasks: [[true]]))
            }, says: "LossNormalizer.aggregate: a part with 1 sequences and 2 valid tokens cannot belong to a batch of 1 sequences and 1 tokens")
    }
}
