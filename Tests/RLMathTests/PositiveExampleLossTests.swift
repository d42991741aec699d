import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

/// Conventions §9 on exact rationals, and the empty case in Float.
@Suite("Positive-example NLL and the actor loss")
struct PositiveExampleLossTests {
    static let seed = Gen.int(in: 0...1_000_000)

    @Test("with no correct response, or correct responses without a valid token, the loss and its gradient are exactly 0 (not NaN), in Float too")
    func noPositives() {
        let masks = [[true, true, false], [false, false, false], [true, false, false]]
        for correct in [[false, false, false], [false, true, false]] {
            let normalizer = LossNormalizer(wholeBatchMasks: masks, correct: correct)
            #expect(normalizer.positiveTokenCount == 0)
            let logp: [[Float]] = [[-1, -2, .nan], [-0.5, -0.25, -3], [-4, .nan, .nan]]
            let loss = PositiveExampleLoss(logProbabilities: logp, masks: masks, correct: correct, normalizer: normalizer)
            #expect(loss.value.bitPattern == Float(0).bitPattern)
            #expect(loss.gradient.joined().allSatisfy { $0.bitPattern == Float(0).bitPattern })
        }
    }

    @Test("the NLL is −Σ logp/N_T over the valid tokens of the whole batch's correct responses, with gradient −1/N_T there and 0 elsewhere")
    func closedForm() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let correct = masks.map { _ in random.coin() }
            let logp = exact(random.values(like: masks) { $0.fraction(-64...0, over: 16) })
            let normalizer = LossNormalizer(wholeBatchMasks: masks, correct: correct)
            var count = 0, sum = Rational.zero
            for i in masks.indices where correct[i] {
                for t in masks[i].indices where masks[i][t] { count += 1; sum = sum + logp[i][t] }
            }
            #expect(normalizer.positiveTokenCount == count)
            let loss = PositiveExampleLoss(logProbabilities: logp, masks: masks, correct: correct, normalizer: normalizer)
            #expect(loss.value == (count == 0 ? 0 : -sum / Rational(count)))
            for i in masks.indices {
                let expected = masks[i].map { $0 && correct[i] ? -Rational(numerator: 1, denominator: count) : 0 }
                #expect(loss.gradient[i] == expected)
            }
        }
    }

    @Test("the actor loss is L_PPO + μ·L_NLL with gradient g_PPO + μ·g_NLL (μ defaults to 1/10; μ = 0 leaves the policy loss)")
    func actorLoss() async {
        await checkProperty(count: 60, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let correct = masks.map { _ in random.coin() }
            let ratios = exact(random.values(like: masks) { $0.fraction(0...64, over: 32) })
            let advantages = exact(random.values(like: masks) { $0.fraction(-8...8, over: 4) })
            let logp = exact(random.values(like: masks) { $0.fraction(-64...0, over: 16) })
            let normalizer = LossNormalizer(wholeBatchMasks: masks, correct: correct)
            let policy = PolicyLoss(ratios: ratios, advantages: advantages, masks: masks, normalizer: normalizer)
            let nll = PositiveExampleLoss(logProbabilities: logp, masks: masks, correct: correct, normalizer: normalizer)
            let tenth = Rational(numerator: 1, denominator: 10)
            for (actor, mu) in [(ActorLoss(policy: policy, positiveExample: nll), tenth),
                                (ActorLoss(policy: policy, positiveExample: nll, positiveExampleWeight: 0), 0)] {
                #expect(actor.positiveExampleWeight == mu)
                #expect(actor.value == policy.value + mu * nll.value)
                #expect(actor.gradient == zip(policy.gradient, nll.gradient).map { zip($0, $1).map { $0 + mu * $1 } })
            }
            #expect(ActorLoss(policy: policy, positiveExample: nll, positiveExampleWeight: 0).gradient == policy.gradient)
        }
    }

    @Test("μ < 0, a normalizer built without correctness, mismatched lengths and a value clip range < 0 stop with a message naming the function, the argument and its range")
    func preconditions() async {
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                let normalizer = LossNormalizer(wholeBatchMasks: [[true]], correct: [true])
                let nll = PositiveExampleLoss<Double>(logProbabilities: [[-1]], masks: [[true]], correct: [true], normalizer: normalizer)
                let policy = PolicyLoss<Double>(ratios: [[1]], advantages: [[1]], masks: [[true]], normalizer: normalizer)
                _ = ActorLoss(policy: policy, positiveExample: nll, positiveExampleWeight: -0.1)
            }, says: "ActorLoss: positiveExampleWeight must be ≥ 0, got -0.1")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = PositiveExampleLoss<Double>(
                    logProbabilities: [[-1]], masks: [[true]], correct: [true], normalizer: LossNormalizer(wholeBatchMasks: [[true]]))
            }, says: "PositiveExampleLoss: normalizer must be a LossNormalizer built with correct:")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = PositiveExampleLoss<Double>(
                    logProbabilities: [[-1]], masks: [[true]], correct: [true, false],
                    normalizer: LossNormalizer(wholeBatchMasks: [[true]], correct: [true]))
            }, says: "PositiveExampleLoss: correct has 2 entries, masks has 1")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = LossNormalizer(wholeBatchMasks: [[true]], correct: [true, false])
            }, says: "LossNormalizer: correct has 2 entries, wholeBatchMasks has 1 sequences")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = ValueClipping<Double>(oldValues: [[0]], range: -0.5)
            }, says: "ValueClipping: range must be ≥ 0, got -0.5")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = ValueLoss<Double>(
                    values: [[0]], returns: [[0, 1]], masks: [[true]], normalizer: LossNormalizer(wholeBatchMasks: [[true]]))
            }, says: "ValueLoss: returns[0] has 2 tokens, masks[0] has 1")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = explainedVariance(values: [[Double(0)]], returns: [], masks: [[true]])
            }, says: "explainedVariance: returns has 0 sequences, masks has 1")
    }
}
