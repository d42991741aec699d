import Autograd
import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import RLTape
import Testing

/// Each loss rebuilt from Autograd's primitive ops (ComposedLosses.swift) in Double, differentiated by the
/// tape, against the exact gradient: the production code run on rationals (itself equal to the hand-derived
/// references, see ExactReferenceTests).
///
/// Bound: inputs are dyadic (k/8, k/16, k/32), so every forward difference and product of inputs is exact in
/// Double and the tape's gradient is the exact one rounded at most 5 times (1/N or 1/G, 1/|oᵢ|, the product
/// with A or V − R, the product with r): |g_tape − g| ≤ 8·u·|g| per token, u = 2⁻⁵³, and g_tape = 0 exactly
/// where g = 0.
@Suite("Loss gradients through the Autograd tape")
struct TapeGradientTests {
    static let seed = Gen.int(in: 0...1_000_000)
    static let roundings = 8

    /// Clip ranges and dual clips whose bounds are exact in Double, so ties land on the boundary in both.
    static func randomSurrogate(_ random: inout LossRandom) -> ClippedSurrogate<Double> {
        ClippedSurrogate(
            epsilonLow: random.pick([0, 0.125, 0.25, 0.5]), epsilonHigh: random.pick([0, 0.25, 0.3125, 0.5]),
            dualClip: random.pick([nil, 2, 2.5, 3]))
    }

    static func exactSurrogate(_ s: ClippedSurrogate<Double>) -> ClippedSurrogate<Rational> {
        ClippedSurrogate(
            epsilonLow: exact(s.epsilonLow), epsilonHigh: exact(s.epsilonHigh), dualClip: s.dualClip.map(exact))
    }

    static func expectClose(_ tape: Tensor<Double>, _ expected: [[Rational]], _ context: String) {
        for (got, want) in zip(tape.sequenceRows.joined(), expected.joined()) {
            #expect(isClose(got, to: want, roundings: roundings), "\(context): tape \(got), exact \(want)")
        }
    }

    @Test("the clipped surrogate's ratio gradient through the tape equals the exact gradient, and is exactly 0 where a clip is active")
    func surrogateRatioGradient() async {
        await checkProperty(count: 60, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let (g, t) = (random.integer(1...5), random.integer(1...8))
            let masks = random.masks(sequences: g, length: t)
            let ratios = random.values(like: masks, padding: 1) { $0.fraction(0...96, over: 32) }
            let advantages = random.values(like: masks, padding: 0) { $0.fraction(-16...16, over: 8) }
            let surrogate = Self.randomSurrogate(&random)
            let aggregation = random.pick(LossAggregation.allCases)

            let tape = Tape<Double>()
            let r = tape.variable(tensor(ratios))
            let loss = composedAggregate(
                composedSurrogate(ratios: r, advantages: tensor(advantages), surrogate), masks: masks, aggregation)
            let tapeGradient = tape.gradients(of: loss, withRespectTo: [r])[0]

            let exactLoss = PolicyLoss(
                ratios: exact(ratios), advantages: exact(advantages), masks: masks,
                surrogate: Self.exactSurrogate(surrogate), aggregation: aggregation,
                normalizer: LossNormalizer(wholeBatchMasks: masks))
            Self.expectClose(tapeGradient, exactLoss.ratioGradient, "seed \(seed) \(aggregation)")
            // Where a clip is active the tape's gradient is 0.0 exactly, not merely small.
            for i in masks.indices {
                for j in masks[i].indices where masks[i][j] {
                    let region = Self.exactSurrogate(surrogate).term(
                        ratio: exact(ratios[i][j]), advantage: exact(advantages[i][j])).region
                    if region != .unclipped { #expect(tapeGradient.sequenceRows[i][j] == 0, "\(region)") }
                }
            }
        }
    }

    @Test("the log-probability path's gradient through the tape is r·∂loss/∂r exactly up to rounding, and 0 beyond the ±20 log-ratio clamp")
    func surrogateLogProbabilityGradient() async {
        await checkProperty(count: 60, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let (g, t) = (random.integer(1...5), random.integer(1...8))
            let masks = random.masks(sequences: g, length: t)
            let old = random.values(like: masks, padding: 0) { $0.fraction(-64...0, over: 16) }
            // log-ratios mostly small, sometimes on or beyond the clamp at ±20.
            var logp = old
            for i in logp.indices {
                for j in logp[i].indices {
                    logp[i][j] += random.index(5) == 0 ? random.pick([-25, -20, 20, 21.5]) : random.fraction(-8...8, over: 16)
                }
            }
            let advantages = random.values(like: masks, padding: 0) { $0.fraction(-16...16, over: 8) }
            let surrogate = Self.randomSurrogate(&random)
            let aggregation = random.pick(LossAggregation.allCases)

            let tape = Tape<Double>()
            let lp = tape.variable(tensor(logp))
            let ratio = composedRatio(logProbabilities: lp, old: tensor(old))
            let loss = composedAggregate(
                composedSurrogate(ratios: ratio, advantages: tensor(advantages), surrogate), masks: masks, aggregation)
            let tapeGradient = tape.gradients(of: loss, withRespectTo: [lp])[0]

            // The exact gradient at the Double ratios the production code computes (the same exp as the tape's).
            let terms = zip(logp, old).enumerated().map { i, rows in
                zip(rows.0, rows.1).enumerated().map { j, pair in
                    surrogate.term(logProbability: pair.0, oldLogProbability: pair.1, advantage: advantages[i][j])
                }
            }
            #expect(terms.flatMap { $0.map(\.ratio) } == ratio.scalars, "production and tape ratios differ")
            let exactLoss = PolicyLoss(
                ratios: exact(terms.map { $0.map(\.ratio) }), advantages: exact(advantages), masks: masks,
                surrogate: Self.exactSurrogate(surrogate), aggregation: aggregation,
                normalizer: LossNormalizer(wholeBatchMasks: masks))
            let clamped = zip(logp, old).map { zip($0, $1).map { abs($0 - $1) > 20 } }
            let expected = zip(exactLoss.gradient, clamped).map { zip($0, $1).map { $1 ? Rational.zero : $0 } }
            Self.expectClose(tapeGradient, expected, "seed \(seed) \(aggregation)")
            // The production Double path is the same derivative, rounded the same few times.
            let production = PolicyLoss(
                logProbabilities: logp, oldLogProbabilities: old, advantages: advantages, masks: masks,
                surrogate: surrogate, aggregation: aggregation, normalizer: LossNormalizer(wholeBatchMasks: masks))
            Self.expectClose(tensor(production.gradient), expected, "production, seed \(seed) \(aggregation)")
        }
    }

    @Test("the value loss's gradient through the tape equals the exact gradient, and is exactly 0 where the clipped term wins")
    func valueGradient() async {
        await checkProperty(count: 60, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let (g, t) = (random.integer(1...5), random.integer(1...8))
            let masks = random.masks(sequences: g, length: t)
            let values = random.values(like: masks, padding: 0) { $0.fraction(-32...32, over: 16) }
            let returns = random.values(like: masks, padding: 0) { $0.fraction(-32...32, over: 16) }
            let oldValues = random.values(like: masks, padding: 0) { $0.fraction(-32...32, over: 16) }
            let clip = random.coin()
            let range = random.pick([0, 0.25, 0.5, 1])
            let aggregation = random.pick(LossAggregation.allCases)

            let tape = Tape<Double>()
            let v = tape.variable(tensor(values))
            let loss = composedValueLoss(
                values: v, returns: tensor(returns), oldValues: clip ? tensor(oldValues) : nil, range: range,
                masks: masks, aggregation)
            let tapeGradient = tape.gradients(of: loss, withRespectTo: [v])[0]

            let exactLoss = ValueLoss(
                values: exact(values), returns: exact(returns), masks: masks,
                clipping: clip ? ValueClipping(oldValues: exact(oldValues), range: exact(range)) : nil,
                aggregation: aggregation, normalizer: LossNormalizer(wholeBatchMasks: masks))
            Self.expectClose(tapeGradient, exactLoss.gradient, "seed \(seed) \(aggregation) clip \(clip)")
        }
    }

    @Test("the positive-example loss's gradient through the tape equals the exact gradient")
    func positiveExampleGradient() async {
        await checkProperty(count: 40, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let (g, t) = (random.integer(1...5), random.integer(1...8))
            let masks = random.masks(sequences: g, length: t)
            let correct = masks.map { _ in random.coin() }
            let logp = random.values(like: masks, padding: 0) { $0.fraction(-64...0, over: 16) }

            let tape = Tape<Double>()
            let lp = tape.variable(tensor(logp))
            let loss = composedPositiveExampleLoss(logProbabilities: lp, masks: masks, correct: correct)
            let tapeGradient = tape.gradients(of: loss, withRespectTo: [lp])[0]

            let exactLoss = PositiveExampleLoss(
                logProbabilities: exact(logp), masks: masks, correct: correct,
                normalizer: LossNormalizer(wholeBatchMasks: masks, correct: correct))
            Self.expectClose(tapeGradient, exactLoss.gradient, "seed \(seed)")
        }
    }
}
