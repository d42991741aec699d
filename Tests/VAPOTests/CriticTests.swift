import Autograd
import Foundation
import Kernels
import RLMath
import Tasks
import TestSupport
import Testing
import Transformer
import VAPO

/// The value side of VAPO and PPO: the critic's alignment, its objective, value clipping, Value-Pretraining
/// and the reward model it starts from.
@Suite("The critic")
struct CriticTests {
    /// A Double critic on the fixture policy's trunk that reads the surprise features.
    static func critic() -> GPT<Double> {
        let policy: GPT<Double> = Fixtures.policy()
        return policy.scalarModelOnTrunk(stream: RandomStream(seed: 4, name: "critic-test"))
            .readingTokenFeatures(SurpriseFeatures.count, stream: RandomStream(seed: 4, name: "critic-test-features"))
    }

    @Test("the critic's value before token t is the value model's output after reading tokens 0 … t − 1 (the prefix of t tokens alone), and 0 before the first token; a rollout's values are these, padding or not")
    func valuesBeforeTokens() throws {
        let critic = Self.critic()
        let plain: GPT<Double> = Fixtures.policy(Double.self).scalarModelOnTrunk(stream: RandomStream(seed: 4, name: "critic-test"))
        let rows = [[1, 7, 15, 8, 18, 3, 9, 2], [1, 12, 15, 13, 18, 4, 3, 11]]
        let before = plain.valuesBeforeTokens(TokenBatch(rows))
        #expect(before.shape == [2, 8])
        for (b, row) in rows.enumerated() {
            #expect(before.scalars[b * 8] == 0, "no state precedes the first token")
            for t in 1..<row.count {
                let prefix = plain.values(TokenBatch([Array(row[..<t])]))
                let expected = prefix.scalars[t - 1]  // the value model at the prefix's last position, t − 1
                #expect(abs(before.scalars[b * 8 + t] - expected) <= 1e-12, "row \(b), token \(t)")
            }
        }

        // Through a rollout of responses of different lengths (padded together), with and without features.
        let policy: GPT<Double> = Fixtures.policy()
        let (template, _) = MiniBatchTests.rollout(policy: policy)
        for model in [plain, critic] {
            var rollout = Rollout<Double>(responses: template.responses, samplesPerGroup: 2, overlongFiltering: false)
            rollout.score(policy: policy, critic: model, reference: nil, chunkSize: 6)
            let values = try #require(rollout.values)
            for (i, response) in rollout.responses.enumerated() {
                let tokens = response.tokens
                #expect(values[i].count == tokens.count)
                #expect(values[i][0] == 0)
                for t in 1..<tokens.count {
                    let features = rollout.criticFeatures.map { all in
                        Tensor(shape: [1, t, SurpriseFeatures.count], scalars: Array(all[i][..<(t * SurpriseFeatures.count)]))
                    }
                    let expected = model.values(TokenBatch([Array(tokens[..<t])]), features: features).scalars[t - 1]
                    #expect(abs(values[i][t] - expected) <= 1e-12, "response \(i), token \(t)")
                }
            }
        }
    }

    @Test("a mini-batch's critic gradient summed over micro-batches equals its gradient in one pass (with and without value clipping)", arguments: [nil, 0.2])
    func microBatchesSumToTheMiniBatch(clipRange: Double?) throws {
        let policy: GPT<Double> = Fixtures.policy()
        let critic = Self.critic()
        var random = TestRandom(seed: 8)
        let (template, _) = MiniBatchTests.rollout(policy: policy)
        var rollout = Rollout<Double>(responses: template.responses, samplesPerGroup: 2, overlongFiltering: false)
        rollout.score(policy: policy, critic: critic, reference: nil, chunkSize: 6)
        // The rollout's values moved by up to ±0.4, so that clipping around them bites at some tokens.
        rollout.values = zip(rollout.values!, rollout.responseMasks).map { row, mask in zip(row, mask).map { $1 ? $0 + random.uniform(-0.4...0.4) : 0 } }
        let returns = rollout.responseMasks.map { $0.map { $0 ? random.uniform(-1.0...1.0) : 0 } }
        var configuration = TrainingConfiguration()
        configuration.valueClipRange = clipRange
        let objective = CriticObjective<Double>(configuration: configuration)
        let rows = [4, 0, 5, 2, 1, 3]
        let whole = objective.gradients(critic: critic, rollout: rollout, returns: returns, rows: rows, microBatchSize: 6)
        #expect((whole.clipFraction > 0) == (clipRange != nil), "clipped tokens exactly when clipping")
        for size in [1, 2, 4] {
            let split = objective.gradients(critic: critic, rollout: rollout, returns: returns, rows: rows, microBatchSize: size)
            #expect(MiniBatchTests.relativeDifference(split.gradients, whole.gradients) < 1e-12, "micro-batches of \(size)")
            #expect(abs(split.loss - whole.loss) < 1e-12)
            #expect(abs(split.clipFraction - whole.clipFraction) < 1e-12)
        }
    }

    @Test("with valueClipRange the trainer's critic updates clip: some tokens' clipped term wins (critic/vf_clipfrac > 0) and the critic ends elsewhere than without clipping")
    func valueClippingRuns() throws {
        let plain = try TrainerTests.run(Fixtures.configuration("vapo"))
        var configuration = Fixtures.configuration("vapo")
        configuration.valueClipRange = 1e-3
        let clipped = try TrainerTests.run(configuration)
        #expect(plain.metrics.allSatisfy { $0["critic/vf_clipfrac"] == 0 })
        #expect(clipped.metrics.contains { ($0["critic/vf_clipfrac"] ?? 0) > 0 })
        #expect(TrainerTests.bits(clipped.trainer.critic) != TrainerTests.bits(plain.trainer.critic))
    }

    @Test("the critic's set-up (reward model or policy trunk, then Value-Pretraining) trains the critic and leaves every bit of the policy", arguments: [ValueInitialization.fromRewardModel, .fromPolicyTrunk], [false, true])
    func valuePretrainingMovesOnlyTheCritic(initialization: ValueInitialization, readsSurprise: Bool) throws {
        var configuration = Fixtures.configuration("vapo")
        configuration.valueInitialization = initialization
        configuration.criticReadsSurprise = readsSurprise
        var withoutPretraining = configuration
        withoutPretraining.valuePretraining = false
        let start = Fixtures.policy(Float.self)
        let trainer = try Trainer(configuration: configuration, policy: start, task: LenientAddition())
        try trainer.prepare()
        let untrained = try Trainer(configuration: withoutPretraining, policy: start, task: LenientAddition())
        try untrained.prepare()
        #expect(trainer.valuePretrainingHistory.count == 2 && trainer.valuePretrainingHistory.allSatisfy { $0["value_pretrain/grad_norm"] != nil })
        #expect(TrainerTests.bits(trainer.critic) != TrainerTests.bits(untrained.critic), "Value-Pretraining moved the critic")
        #expect(TrainerTests.bits(trainer.policy) == TrainerTests.bits(start), "and not the policy")
        #expect(TrainerTests.bits(untrained.policy) == TrainerTests.bits(start))
    }

    @Test("on a problem it can learn (lenient addition: correct iff the response states an answer), the reward model's loss falls below the best constant guess's and its accuracy rises above the majority verdict's, each measured on the step's fresh batch")
    func rewardModelLearns() throws {
        var configuration = Fixtures.configuration("vapo")
        configuration.valuePretraining = false
        configuration.maxNewTokens = 16  // a quarter to a half of the responses state an answer
        configuration.rewardModelSteps = 64
        (configuration.promptsPerStep, configuration.samplesPerPrompt, configuration.miniBatchSize, configuration.microBatchSize) = (16, 2, 16, 16)
        configuration.rewardModelLearningRate = 1e-2
        let trainer = try Trainer(configuration: configuration, policy: Fixtures.policy(Float.self), task: LenientAddition())
        try trainer.prepare()
        let history = trainer.rewardModelHistory
        func mean(_ steps: ArraySlice<Metrics>, _ value: (Metrics) -> Double) -> Double { steps.reduce(0) { $0 + value($1) } / Double(steps.count) }
        let loss = { (m: Metrics) in m["reward_model/loss"]! }
        let accuracy = { (m: Metrics) in m["reward_model/accuracy"]! }
        // The constant guess p = the batch's correct fraction has loss H(p) and the majority verdict accuracy max(p, 1 − p).
        let constantLoss = { (m: Metrics) -> Double in
            let p = m["reward_model/correct_fraction"]!
            return p == 0 || p == 1 ? 0 : -(p * Foundation.log(p) + (1 - p) * Foundation.log(1 - p))
        }
        let majority = { (m: Metrics) in max(m["reward_model/correct_fraction"]!, 1 - m["reward_model/correct_fraction"]!) }
        let (early, late) = (history.prefix(8), history.suffix(8))
        #expect(mean(late, loss) < 0.8 * mean(early, loss))
        #expect(mean(late, accuracy) > mean(early, accuracy) + 0.1)
        #expect(mean(late, loss) < mean(late, constantLoss) - 0.1, "better than a constant guess")
        #expect(mean(late, accuracy) > mean(late, majority) + 0.1, "better than the majority verdict")
    }
}
