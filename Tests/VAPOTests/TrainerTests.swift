import Autograd
import Checkpoints
import Foundation
import Kernels
import RLMath
import TestSupport
import Testing
import Transformer
import VAPO

@Suite("Trainer")
struct TrainerTests {
    /// Runs `steps` steps of `configuration` from the tiny policy; returns the metrics and the final models.
    static func run(
        _ configuration: TrainingConfiguration, steps: Int = 2
    ) throws -> (metrics: [Metrics], trainer: Trainer<Float>) {
        let trainer = try Trainer(configuration: configuration, policy: Fixtures.policy(Float.self), task: LenientAddition())
        let metrics = try (0..<steps).map { _ in try trainer.step() }
        return (metrics, trainer)
    }

    static func bits(_ model: GPT<Float>?) -> [[UInt32]] {
        model?.parameters.map { $0.scalars.map(\.bitPattern) } ?? []
    }

    @Test("every algorithm and every preset runs two steps end to end, with finite verl metrics and the policy moved", arguments: TrainingConfiguration.presetNames)
    func everyPreset(name: String) throws {
        let configuration = Fixtures.configuration(name)
        let start = Fixtures.policy(Float.self)
        let (metrics, trainer) = try Self.run(configuration)
        #expect(trainer.completedSteps == 2)
        for step in metrics {
            for (key, value) in step { #expect(value.isFinite, "\(name): \(key) = \(value)") }
            for key in ["critic/score/mean", "response_length/mean", "response_length/max", "response_length/min", "actor/entropy", "timing_s/gen", "perf/throughput"] {
                #expect(step[key] != nil, "\(name) reports \(key)")
            }
        }
        let filters = configuration.dynamicSampling && configuration.effectiveSamplesPerPrompt >= 2
        #expect(!filters || metrics.contains { ($0["vapo/kept_groups"] ?? 0) > 0 }, "\(name): dynamic sampling kept a group, so a step updated")
        for key in ["actor/pg_loss", "actor/pg_clipfrac", "actor/pg_clipfrac_lower", "actor/ppo_kl", "actor/grad_norm", "critic/advantages/mean"] {
            #expect(metrics.contains { $0[key] != nil }, "\(name) reports \(key)")
        }
        #expect(Self.bits(trainer.policy) != Self.bits(start), "\(name) moved the policy")
        #expect(metrics[1]["val-core/addition/acc/pass@1"] != nil, "evaluation every 2 steps")
        #expect(metrics[0]["val-core/addition/acc/pass@1"] == nil)
        if configuration.usesCritic {
            for key in ["critic/vf_loss", "critic/vf_explained_var", "critic/grad_norm", "critic/returns/mean", "critic/values/mean", "vapo/lambda_policy/mean"] {
                #expect(metrics[0][key] != nil, "\(name) reports \(key)")
            }
            #expect(trainer.critic != nil)
            #expect(trainer.rewardModelHistory.count == configuration.rewardModelSteps)
            #expect(trainer.valuePretrainingHistory.count == (configuration.valuePretraining ? 2 : 0))
            #expect((metrics[0]["value_pretrain/steps"] != nil) == configuration.valuePretraining)
        } else {
            #expect(trainer.critic == nil && metrics[0]["critic/vf_loss"] == nil)
        }
        #expect((metrics[0]["vapo/positive_example_nll"] != nil) == configuration.positiveExampleLoss)
        #expect((metrics[0]["actor/kl_loss"] != nil) == configuration.referenceKL)
        #expect((trainer.reference != nil) == configuration.referenceKL)
    }

    @Test("for every algorithm, the same seed gives identical metrics (but wall-clock ones) and identical checkpoint bytes (parameters and optimizer moments), with 1 and with 2 threads (a pool worker running chunks of the 2-thread run)")
    func determinism() throws {
        for name in Algorithm.allCases.map(\.rawValue) {
            var configuration = Fixtures.configuration(name)
            configuration.microBatchSize = 2
            let one = try Parallel.withThreadCount(1) { try Self.run(configuration) }
            let again = try Parallel.withThreadCount(1) { try Self.run(configuration) }
            let (two, chunksOffCaller) = try Parallel.observingWorkers(threadCount: 2) { try Self.run(configuration) }
            #expect(chunksOffCaller > 0, "\(name): no chunk ran off the caller with 2 threads")
            for other in [again, two] {
                #expect(one.metrics.map(\.deterministicPart) == other.metrics.map(\.deterministicPart), "\(name)")
                #expect(Self.bits(one.trainer.policy) == Self.bits(other.trainer.policy), "\(name) policy bits")
                #expect(Self.bits(one.trainer.critic) == Self.bits(other.trainer.critic), "\(name) critic bits")
                #expect(one.trainer.dataPosition == other.trainer.dataPosition)
                #expect(try one.trainer.checkpoint().encoded() == other.trainer.checkpoint().encoded(), "\(name) checkpoint bytes")
            }
            var reseeded = configuration
            reseeded.seed += 1
            #expect(try Self.run(reseeded).metrics.map(\.deterministicPart) != one.metrics.map(\.deterministicPart), "another seed, another run")
        }
    }

    @Test("rollouts sampled at temperature T are scored under softmax(logits / T): the old log-probabilities are those of the distribution that drew the tokens", arguments: [0.5, 1.0, 1.5])
    func rolloutTemperature(temperature: Double) throws {
        var configuration = Fixtures.configuration("grpo")  // no set-up phase: the first rollout is scored by the starting policy
        configuration.temperature = temperature
        let start = Fixtures.policy(Float.self)
        let trainer = try Trainer(configuration: configuration, policy: start, task: LenientAddition())
        _ = try trainer.step()
        let rollout = try #require(trainer.lastRollout?.rollout)
        var checked = 0
        for (i, response) in rollout.responses.enumerated() {
            let logits = start.logits(TokenBatch([response.tokens]))
            let v = start.configuration.vocabulary
            for t in response.promptTokens.count..<response.tokens.count {
                let row = (0..<v).map { Double(logits.scalars[(t - 1) * v + $0]) / temperature }
                let largest = row.max()!
                let logTotal = largest + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - largest) })
                let expected = row[response.tokens[t]] - logTotal
                #expect(abs(Double(rollout.oldLogProbabilities[i][t]) - expected) <= 1e-5 * max(1, abs(expected)), "response \(i) token \(t)")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    @Test("DAPO adds the soft overlong punishment R_len(|y|) to the verifier's score of each response, the score its rollout rewards and normalises; GRPO does not")
    func overlongPunishment() throws {
        for name in ["dapo", "grpo"] {
            var configuration = Fixtures.configuration(name)
            configuration.dynamicSampling = false  // every group is kept, whatever its scores
            (configuration.overlongMaxLength, configuration.overlongCacheLength) = (6, 3)  // 4–6 tokens: −1/3 to −1; 7–8: −1
            let trainer = try Trainer(configuration: configuration, policy: Fixtures.policy(Float.self), task: LenientAddition())
            _ = try trainer.step()
            let (rollout, estimate) = try #require(trainer.lastRollout)
            var punished = 0
            for (i, response) in rollout.responses.enumerated() {
                let verdict = response.correct ? configuration.rewardCorrect : configuration.rewardIncorrect
                let length: Double = name == "dapo" ? softOverlongPunishment(length: response.responseTokens.count, maxLength: 6, cacheLength: 3) : 0
                #expect(response.score == verdict + length, "\(name) response \(i): \(response.responseTokens.count) tokens")
                #expect(rollout.rewards[i][response.tokens.count - 1] == Float(response.score))
                if length != 0 { punished += 1 }
            }
            #expect((punished > 0) == (name == "dapo"), "\(name): \(punished) responses punished for length")
            let k = rollout.samplesPerGroup
            let normalised = (0..<(rollout.count / k)).flatMap { g in groupNormalizedAdvantages(rewards: Array(rollout.scores[(g * k)..<((g + 1) * k)])) }
            for i in rollout.responses.indices {
                let last = rollout.responses[i].tokens.count - 1
                #expect(abs(try #require(estimate).advantages[i][last] - normalised[i]) <= 1e-6, "\(name) response \(i)")
            }
        }
    }

    @Test("the caller's policy is never modified, and training one trainer leaves another from the same policy alone")
    func independentModels() throws {
        let policy = Fixtures.policy(Float.self)
        let before = Self.bits(policy)
        let first = try Trainer(configuration: Fixtures.configuration(), policy: policy, task: LenientAddition())
        let second = try Trainer(configuration: Fixtures.configuration(), policy: policy, task: LenientAddition())
        _ = try first.step()
        #expect(Self.bits(policy) == before)
        #expect(Self.bits(second.policy) == before)
    }

    @Test("value pretraining stops at the first step whose explained variance reaches the threshold, without updating on it")
    func valuePretrainingThreshold() throws {
        var configuration = Fixtures.configuration()
        configuration.valuePretrainingSteps = 4
        configuration.valueInitialization = .fromPolicyTrunk
        let full = try Trainer(configuration: configuration, policy: Fixtures.policy(Float.self), task: LenientAddition())
        try full.prepare()
        let history = full.valuePretrainingHistory
        #expect(history.count == 4, "threshold 1 is never reached")
        let explained = history.map { $0["value_pretrain/vf_explained_var"]! }
        #expect(explained.allSatisfy { $0 < 1 })
        for j in explained.indices {
            var stopping = configuration
            stopping.valuePretrainingExplainedVariance = explained[j]
            let trainer = try Trainer(configuration: stopping, policy: Fixtures.policy(Float.self), task: LenientAddition())
            try trainer.prepare()
            let stop = explained.firstIndex { $0 >= explained[j] }!
            #expect(trainer.valuePretrainingHistory.count == stop + 1)
            #expect(trainer.valuePretrainingHistory.last!["value_pretrain/grad_norm"] == nil, "no update on the batch that passed")
            #expect(trainer.valuePretrainingHistory.dropLast().allSatisfy { $0["value_pretrain/grad_norm"] != nil })
            #expect(trainer.valuePretrainingHistory.map { $0["value_pretrain/vf_explained_var"]! } == Array(explained[...stop]))
        }
    }

    @Test("set-up progress reports every reward-model step, then every value-pretraining step, in order, and changes nothing")
    func setUpProgress() throws {
        var configuration = Fixtures.configuration()
        configuration.valueInitialization = .fromRewardModel
        configuration.rewardModelSteps = 2
        configuration.valuePretrainingSteps = 3
        let observed = try Trainer(configuration: configuration, policy: Fixtures.policy(Float.self), task: LenientAddition())
        var records: [Metrics] = []
        observed.setUpProgress = { records.append($0) }
        try observed.prepare()
        #expect(records.count == 2 + observed.valuePretrainingHistory.count)
        #expect(Array(records.prefix(2)) == observed.rewardModelHistory)
        #expect(Array(records.dropFirst(2)) == observed.valuePretrainingHistory)
        let plain = try Trainer(configuration: configuration, policy: Fixtures.policy(Float.self), task: LenientAddition())
        try plain.prepare()
        #expect(plain.critic!.parameters.map(\.scalars) == observed.critic!.parameters.map(\.scalars))
    }

    @Test("a policy without a language-model head, or with another vocabulary, and an invalid configuration are errors")
    func badModels() throws {
        let critic = try GPT<Float>(configuration: Fixtures.tiny, head: .scalar, stream: RandomStream(seed: 1))
        #expect(throws: TrainingError.self) { try Trainer(configuration: Fixtures.configuration(), policy: critic) }
        var other = Fixtures.tiny
        other.vocabulary = 30
        let wrong = try GPT<Float>(configuration: other, head: .languageModel, stream: RandomStream(seed: 1))
        do {
            _ = try Trainer(configuration: Fixtures.configuration(), policy: wrong)
            Issue.record("accepted a vocabulary of 30")
        } catch {
            #expect(error.description == "model: vocabulary is 30; allowed: 26 (the Tasks tokenizer)")
        }
        var bad = Fixtures.configuration()
        bad.gamma = 2
        do {
            _ = try Trainer(configuration: bad, policy: Fixtures.policy(Float.self))
            Issue.record("accepted gamma 2")
        } catch {
            #expect(error.description == "training configuration: gamma is 2.0; allowed: [0, 1]")
        }
    }

    @Test("a micro-batch whose activations exceed 2^30 scalars is an error naming microBatchSize and the most sequences that fit; that many is accepted")
    func microBatchBound() throws {
        // Sequences of min(context 4096, 128 + 3968) = 4096 tokens of a 1-layer width-16 policy: 70,287,360 scalars each.
        var shape = Fixtures.tiny
        shape.context = 4096
        let policy: GPT<Float> = Fixtures.policy(configuration: shape)
        var c = Fixtures.configuration()
        (c.promptsPerStep, c.samplesPerPrompt, c.miniBatchSize, c.microBatchSize, c.maxNewTokens) = (4, 4, 16, 15, 3968)
        #expect(throws: Never.self) { try Trainer(configuration: c, policy: policy) }
        c.microBatchSize = 16
        do {
            _ = try Trainer(configuration: c, policy: policy)
            Issue.record("accepted a micro-batch of 16")
        } catch {
            #expect(error.description
                == "model: microBatchSize is 16; allowed: 1...15 (sequences of 4096 tokens of this policy: activations at most 1073741824 scalars)")
        }
    }
}

@Suite("Trainer checkpoints")
struct TrainerCheckpointTests {
    @Test("two runs with the same seed give byte-identical checkpoints holding the policy, the critic and their optimizers")
    func identicalBytes() throws {
        let configuration = Fixtures.configuration()
        let first = try TrainerTests.run(configuration).trainer.checkpoint()
        let second = try TrainerTests.run(configuration).trainer.checkpoint()
        #expect(try first.encoded() == second.encoded())
        let policy = Fixtures.policy(Float.self)
        let critic = policy.scalarModelOnTrunk(stream: RandomStream(seed: 0)).readingTokenFeatures(SurpriseFeatures.count, stream: RandomStream(seed: 0))
        #expect(first.tensors.count == 3 * policy.parameters.count + 3 * critic.parameters.count,
                "policy (language-model head), critic (scalar head reading the surprise features), and two moments of each")
        #expect(first.metadata["vapo.step"] == "2")
        #expect(try TrainingConfiguration.decode(json: Data(first.metadata["vapo.configuration"]!.utf8)) == configuration)
    }
}
