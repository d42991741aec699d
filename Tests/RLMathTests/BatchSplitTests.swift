import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

/// Gradient accumulation: a batch split into mini- or micro-batches, each part's loss computed with the
/// normalizer of the whole batch, must add up to the whole batch's loss exactly (on rationals).
@Suite("Losses over mini-batches")
struct BatchSplitTests {
    @Test("every loss and metric of the parts of any split, with the whole batch's normalizer, sums exactly to the whole batch's; the parts' gradients are its rows")
    func partsSumToWhole() async {
        await checkProperty(count: 100, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let correct = masks.map { _ in random.coin() }
            let ratios = exact(random.values(like: masks) { $0.fraction(0...80, over: 32) })
            let advantages = exact(random.values(like: masks) { $0.fraction(-8...8, over: 4) })
            let logp = exact(random.values(like: masks) { $0.fraction(-64...0, over: 16) })
            let values = exact(random.values(like: masks) { $0.fraction(-24...24, over: 8) })
            let returns = exact(random.values(like: masks) { $0.fraction(-24...24, over: 8) })
            let oldValues = exact(random.values(like: masks) { $0.fraction(-24...24, over: 8) })
            let aggregation = random.pick(LossAggregation.allCases)
            let surrogate = ClippedSurrogate<Rational>(dualClip: random.pick([nil, 3]))
            let normalizer = LossNormalizer(wholeBatchMasks: masks, correct: correct)

            func losses(_ range: Range<Int>) -> (actor: ActorLoss<Rational>, critic: ValueLoss<Rational>) {
                let policy = PolicyLoss(
                    ratios: part(ratios, range), advantages: part(advantages, range), masks: part(masks, range),
                    surrogate: surrogate, aggregation: aggregation, normalizer: normalizer)
                let nll = PositiveExampleLoss(
                    logProbabilities: part(logp, range), masks: part(masks, range), correct: Array(correct[range]),
                    normalizer: normalizer)
                let critic = ValueLoss(
                    values: part(values, range), returns: part(returns, range), masks: part(masks, range),
                    clipping: ValueClipping(oldValues: part(oldValues, range)), aggregation: aggregation,
                    normalizer: normalizer)
                return (ActorLoss(policy: policy, positiveExample: nll), critic)
            }
            let whole = losses(0..<masks.count)
            let pieces = randomSplit(masks.count, &random).map(losses)
            func total(_ f: ((actor: ActorLoss<Rational>, critic: ValueLoss<Rational>)) -> Rational) -> Rational {
                pieces.reduce(Rational.zero) { $0 + f($1) }
            }
            #expect(total(\.actor.value) == whole.actor.value)
            #expect(total(\.actor.policy.value) == whole.actor.policy.value)
            #expect(total(\.actor.positiveExample.value) == whole.actor.positiveExample.value)
            #expect(total(\.actor.policy.clipFractionLower) == whole.actor.policy.clipFractionLower)
            #expect(total(\.actor.policy.clipFractionUpper) == whole.actor.policy.clipFractionUpper)
            #expect(total(\.actor.policy.dualClipFraction) == whole.actor.policy.dualClipFraction)
            #expect(total(\.critic.value) == whole.critic.value)
            #expect(total(\.critic.clipFraction) == whole.critic.clipFraction)
            #expect(pieces.flatMap(\.actor.gradient) == whole.actor.gradient)
            #expect(pieces.flatMap(\.actor.policy.ratioGradient) == whole.actor.policy.ratioGradient)
            #expect(pieces.flatMap(\.critic.gradient) == whole.critic.gradient)
        }
    }
}
