import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

/// The production losses run on rationals against rl-exact's hand-derived references (Verification/
/// ExactReferences/Losses), which share no code with them: equality is exact.
@Suite("Losses on rationals equal the hand-derived references")
struct ExactReferenceTests {
    static let seed = Gen.int(in: 0...1_000_000)

    static func mode(_ aggregation: LossAggregation) -> AggregationReference.Mode {
        switch aggregation {
        case .tokenLevel: .tokenLevel
        case .sampleLevel: .sampleLevel
        case .sequenceSum: .sequenceSum
        }
    }

    /// Random clip parameters: ε multiples of 1/20 (or ε_high = 7/25) and c ∈ {2, 5/2, 3}, with ratios k/20
    /// or k/100, so that ratios land on 1 − ε_low, 1 + ε_high and c often.
    static func randomParameters(_ random: inout LossRandom) -> (ClippedSurrogate<Rational>, ClippedSurrogateReference.Parameters) {
        let low = Rational(numerator: random.integer(0...10), denominator: 20)
        let high = random.pick([Rational(numerator: 7, denominator: 25), Rational(numerator: random.integer(0...10), denominator: 20)])
        let dual = random.pick([nil, Rational(2), Rational(numerator: 5, denominator: 2), Rational(3)])
        return (
            ClippedSurrogate(epsilonLow: low, epsilonHigh: high, dualClip: dual),
            ClippedSurrogateReference.Parameters(epsilonLow: low, epsilonHigh: high, dualClip: dual))
    }

    static func randomRatio(_ random: inout LossRandom) -> Rational {
        random.coin() ? Rational(numerator: random.integer(0...80), denominator: 20) : Rational(numerator: random.integer(0...400), denominator: 100)
    }

    /// A random batch for the policy-loss tests: ragged masks, ratios on and around the clip boundaries,
    /// half-integer advantages, and random clip parameters, with the per-token reference evaluation.
    struct PolicyBatch {
        let masks: [[Bool]]
        let ratios: [[Rational]]
        let advantages: [[Rational]]
        let surrogate: ClippedSurrogate<Rational>
        let parameters: ClippedSurrogateReference.Parameters

        init(_ random: inout LossRandom) {
            masks = random.raggedMasks()
            let drawn = masks.map { $0.map { _ in ExactReferenceTests.randomRatio(&random) } }
            ratios = drawn
            advantages = exact(random.values(like: masks) { $0.fraction(-6...6, over: 2) })
            (surrogate, parameters) = ExactReferenceTests.randomParameters(&random)
        }

        /// f(r, A, parameters) at valid tokens, 0 at masked ones.
        func perToken(_ f: (Rational, Rational, ClippedSurrogateReference.Parameters) -> Rational) -> [[Rational]] {
            masks.indices.map { i in masks[i].indices.map { t in masks[i][t] ? f(ratios[i][t], advantages[i][t], parameters) : 0 } }
        }

        func loss(_ aggregation: LossAggregation, normalizer: LossNormalizer) -> PolicyLoss<Rational> {
            PolicyLoss(
                ratios: ratios, advantages: advantages, masks: masks, surrogate: surrogate, aggregation: aggregation,
                normalizer: normalizer)
        }
    }

    @Test("each token's surrogate loss and its gradients with respect to r and logp equal the reference, ties on every boundary included")
    func surrogateTerms() async {
        await checkProperty(count: 200, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let (surrogate, parameters) = Self.randomParameters(&random)
            for _ in 0..<50 {
                let r = Self.randomRatio(&random), a = Rational(numerator: random.integer(-6...6), denominator: 2)
                let term = surrogate.term(ratio: r, advantage: a)
                #expect(term.loss == ClippedSurrogateReference.loss(ratio: r, advantage: a, parameters), "r \(r) A \(a)")
                #expect(term.ratioGradient == ClippedSurrogateReference.gradientWithRespectToRatio(ratio: r, advantage: a, parameters))
                #expect(term.logProbabilityGradient == ClippedSurrogateReference.gradientWithRespectToLogProbability(ratio: r, advantage: a, parameters))
            }
        }
    }

    @Test("each aggregation's value and per-token weights equal the reference")
    func aggregations() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let x = exact(random.values(like: masks) { $0.fraction(-40...40, over: 8) })
            let normalizer = LossNormalizer(wholeBatchMasks: masks)
            for aggregation in LossAggregation.allCases {
                let aggregate = normalizer.aggregate(x, masks: masks, aggregation)
                #expect(aggregate.value == AggregationReference.aggregate(x, masks: masks, mode: Self.mode(aggregation)))
                #expect(aggregate.tokenWeights == AggregationReference.weights(masks: masks, mode: Self.mode(aggregation)))
            }
        }
    }

    @Test("the policy loss of a batch, its gradients with respect to r and logp and its token losses equal the references composed")
    func policyLoss() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let batch = PolicyBatch(&random)
            let aggregation = random.pick(LossAggregation.allCases)
            let loss = batch.loss(aggregation, normalizer: LossNormalizer(wholeBatchMasks: batch.masks))
            let weights = AggregationReference.weights(masks: batch.masks, mode: Self.mode(aggregation))
            func weighted(_ g: [[Rational]]) -> [[Rational]] { zip(weights, g).map { zip($0, $1).map(*) } }
            let tokenLosses = batch.perToken { ClippedSurrogateReference.loss(ratio: $0, advantage: $1, $2) }
            #expect(loss.tokenLosses == tokenLosses)
            #expect(loss.value == AggregationReference.aggregate(tokenLosses, masks: batch.masks, mode: Self.mode(aggregation)))
            #expect(loss.ratioGradient == weighted(batch.perToken { ClippedSurrogateReference.gradientWithRespectToRatio(ratio: $0, advantage: $1, $2) }))
            #expect(loss.gradient == weighted(batch.perToken { ClippedSurrogateReference.gradientWithRespectToLogProbability(ratio: $0, advantage: $1, $2) }))
        }
    }

    @Test("the value loss and its gradient, clipped and unclipped, and the explained variance equal the references")
    func valueLoss() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let values = exact(random.values(like: masks) { $0.fraction(-24...24, over: 8) })
            let returns = exact(random.values(like: masks) { $0.fraction(-24...24, over: 8) })
            let oldValues = exact(random.values(like: masks) { $0.fraction(-24...24, over: 8) })
            let aggregation = random.pick(LossAggregation.allCases)
            let range: Rational? = random.pick([nil, 0, Rational(numerator: 1, denominator: 2), Rational(numerator: random.integer(1...8), denominator: 4)])
            let loss = ValueLoss(
                values: values, returns: returns, masks: masks, clipping: range.map { ValueClipping(oldValues: oldValues, range: $0) },
                aggregation: aggregation, normalizer: LossNormalizer(wholeBatchMasks: masks))
            let mode = Self.mode(aggregation)
            #expect(loss.value == ValueLossReference.loss(
                values: values, targets: returns, oldValues: oldValues, masks: masks, clipRange: range, mode: mode))
            #expect(loss.gradient == ValueLossReference.gradient(
                values: values, targets: returns, oldValues: oldValues, masks: masks, clipRange: range, mode: mode))
            #expect(explainedVariance(values: values, returns: returns, masks: masks)
                == ValueLossReference.explainedVariance(values: values, targets: returns, masks: masks))
        }
    }

    @Test("the positive-example NLL and its gradient equal the references")
    func positiveExampleLoss() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let correct = masks.map { _ in random.index(3) == 0 }
            let logp = exact(random.values(like: masks) { $0.fraction(-64...0, over: 16) })
            let loss = PositiveExampleLoss(
                logProbabilities: logp, masks: masks, correct: correct,
                normalizer: LossNormalizer(wholeBatchMasks: masks, correct: correct))
            #expect(loss.value == PositiveExampleNLLReference.loss(logProbabilities: logp, masks: masks, correct: correct))
            #expect(loss.gradient == PositiveExampleNLLReference.gradient(masks: masks, correct: correct))
        }
    }

    @Test("the clip fractions (lower, upper, dual) of a batch equal the counts from their definitions, ties on every boundary included")
    func clipFractions() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let batch = PolicyBatch(&random)
            let loss = batch.loss(.tokenLevel, normalizer: LossNormalizer(wholeBatchMasks: batch.masks))
            let expected = PolicyMetricsReference.clipFractions(
                ratios: batch.ratios, advantages: batch.advantages, masks: batch.masks, batch.parameters)
            #expect(loss.clipFractionLower == expected.lower)
            #expect(loss.clipFractionUpper == expected.upper)
            #expect(loss.dualClipFraction == expected.dual)
        }
    }

    @Test("the actor loss L_PPO + μ·L_NLL and its gradient equal the references composed, for μ = 0, 1/10 and random μ")
    func actorLoss() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let batch = PolicyBatch(&random)
            let masks = batch.masks
            let correct = masks.map { _ in random.coin() }
            let logp = exact(random.values(like: masks) { $0.fraction(-64...0, over: 16) })
            let normalizer = LossNormalizer(wholeBatchMasks: masks, correct: correct)
            let policy = batch.loss(.tokenLevel, normalizer: normalizer)
            let nll = PositiveExampleLoss(logProbabilities: logp, masks: masks, correct: correct, normalizer: normalizer)
            let weights = AggregationReference.weights(masks: masks, mode: .tokenLevel)
            let policyGradient = zip(weights, batch.perToken { ClippedSurrogateReference.gradientWithRespectToLogProbability(ratio: $0, advantage: $1, $2) })
                .map { zip($0, $1).map(*) }
            let policyValue = AggregationReference.aggregate(
                batch.perToken { ClippedSurrogateReference.loss(ratio: $0, advantage: $1, $2) }, masks: masks, mode: .tokenLevel)
            for mu in [Rational(0), Rational(numerator: 1, denominator: 10), Rational(numerator: random.integer(0...20), denominator: 7)] {
                let actor = ActorLoss(policy: policy, positiveExample: nll, positiveExampleWeight: mu)
                let expected = PolicyMetricsReference.actorLoss(
                    policyLoss: policyValue, policyGradient: policyGradient,
                    nllLoss: PositiveExampleNLLReference.loss(logProbabilities: logp, masks: masks, correct: correct),
                    nllGradient: PositiveExampleNLLReference.gradient(masks: masks, correct: correct), mu: mu)
                #expect(actor.value == expected.loss, "μ = \(mu)")
                #expect(actor.gradient == expected.gradient, "μ = \(mu)")
            }
        }
    }

    @Test("the approximate KL old→new in Double is within 2(N+1)u of the exact mean of old − logp over valid tokens")
    func approximateKL() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let logp = random.values(like: masks) { $0.fraction(-64...0, over: 16) }
            let old = random.values(like: masks) { $0.fraction(-64...0, over: 16) }
            let advantages = random.values(like: masks) { $0.fraction(-6...6, over: 2) }
            let loss = PolicyLoss(
                logProbabilities: logp, oldLogProbabilities: old, advantages: advantages, masks: masks,
                normalizer: LossNormalizer(wholeBatchMasks: masks))
            let expected = PolicyMetricsReference.approximateKL(
                logProbabilities: exact(logp), oldLogProbabilities: exact(old), masks: masks)
            // Each of the N terms is exact (dyadic inputs); a weighted sum of N terms in Double is within
            // γ_{N+1}·Σ|terms| of the exact value, and Σ|terms|/N ≤ 4 here.
            let n = masks.joined().filter { $0 }.count
            let got = try #require(loss.approximateKL)
            let bound = 2 * Double(n + 1) * Double.ulpOfOne * 4
            #expect(abs(got - Double(expected)) <= bound, "\(got) vs \(expected)")
        }
    }
}
