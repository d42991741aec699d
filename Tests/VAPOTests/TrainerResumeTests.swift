import Autograd
import Checkpoints
import Foundation
import Kernels
import TestSupport
import Testing
import Transformer
import VAPO

@Suite("Trainer resume")
struct TrainerResumeTests {
    /// A trainer of `configuration` from the tiny policy on the lenient task.
    static func fresh(_ configuration: TrainingConfiguration) throws -> Trainer<Float> {
        try Trainer(configuration: configuration, policy: Fixtures.policy(Float.self), task: LenientAddition())
    }

    /// The trainer continued from `trainer`'s checkpoint after a trip through its file bytes.
    static func resumed(_ trainer: Trainer<Float>, configuration: TrainingConfiguration) throws -> Trainer<Float> {
        let bytes = try trainer.checkpoint().encoded()
        return try Trainer(resumingFrom: Checkpoint(decoding: bytes), configuration: configuration, task: LenientAddition())
    }

    @Test(
        "for every algorithm, k steps then a trainer resumed from the checkpoint's bytes give, up to n steps, the metrics after step k and the final checkpoint bytes of a run that never stopped",
        arguments: Algorithm.allCases)
    func resumeEqualsStraight(algorithm: Algorithm) throws {
        let configuration = Fixtures.configuration(algorithm.rawValue)
        let n = 4
        let straight = try Self.fresh(configuration)
        let expected = try (0..<n).map { _ in try straight.step().deterministicPart }
        let final = try straight.checkpoint().encoded()
        for k in [0, 1, 3] {
            let first = try Self.fresh(configuration)
            for _ in 0..<k { _ = try first.step() }
            let second = try Self.resumed(first, configuration: configuration)
            #expect(second.completedSteps == k && second.dataPosition == first.dataPosition)
            let metrics = try (k..<n).map { _ in try second.step().deterministicPart }
            #expect(metrics == Array(expected[k...]), "\(algorithm) resumed after \(k) steps")
            #expect(try second.checkpoint().encoded() == final, "\(algorithm) resumed after \(k) steps")
        }
    }

    @Test("a trainer resumed right after prepare() reports the set-up summary with its first step, as the original does")
    func resumeAfterPreparation() throws {
        let configuration = Fixtures.configuration("vapo")
        let straight = try Self.fresh(configuration)
        let expected = try straight.step().deterministicPart
        let first = try Self.fresh(configuration)
        try first.prepare()
        let second = try Self.resumed(first, configuration: configuration)
        let metrics = try second.step().deterministicPart
        #expect(metrics["value_pretrain/steps"] != nil)
        #expect(metrics == expected)
    }

    @Test("a checkpoint is a snapshot: steps taken after it leave its tensors as they were, and its bytes those of the state it was taken from")
    func checkpointIsASnapshot() throws {
        let trainer = try Self.fresh(Fixtures.configuration("vapo"))
        _ = try trainer.step()
        let taken = trainer.checkpoint()
        let bits = taken.tensors.map { $0.tensor.floatTensor!.scalars.map(\.bitPattern) }
        _ = try trainer.step()
        #expect(taken.tensors.map { $0.tensor.floatTensor!.scalars.map(\.bitPattern) } == bits)
        let stoppedAtOne = try Self.fresh(Fixtures.configuration("vapo"))
        _ = try stoppedAtOne.step()
        #expect(try taken.encoded() == stoppedAtOne.checkpoint().encoded())
    }

    @Test("the checkpoint holds every model, both optimizers' moments and step counts, the counters and the configuration")
    func checkpointContents() throws {
        let configuration = Fixtures.configuration("vapo")
        let trainer = try Self.fresh(configuration)
        _ = try trainer.step()
        let checkpoint = trainer.checkpoint()
        let names = Fixtures.policy(Float.self).names
        for prefix in ["policy.", "adam.actor.m.", "adam.actor.v."] {
            #expect(names.allSatisfy { checkpoint.tensor(named: prefix + $0) != nil }, "\(prefix)")
        }
        let critic = try #require(trainer.critic)
        for prefix in ["critic.", "adam.critic.m.", "adam.critic.v."] {
            #expect(critic.names.allSatisfy { checkpoint.tensor(named: prefix + $0) != nil }, "\(prefix)")
        }
        #expect(checkpoint.tensors.count == 3 * names.count + 3 * critic.names.count)
        #expect(checkpoint.metadata["vapo.kind"] == "trainer-state")
        #expect(checkpoint.metadata["vapo.step"] == "1")
        #expect(checkpoint.metadata["vapo.prepared"] == "true")
        #expect(checkpoint.metadata["vapo.adam.actor.step"] == "\(configuration.ppoEpochs * 4 / configuration.miniBatchSize)")
        #expect(checkpoint.metadata["vapo.critic_schedule_step"] == "3", "2 value-pretraining steps and 1 RL step")
        #expect(try TrainingConfiguration.decode(json: Data(checkpoint.metadata["vapo.configuration"]!.utf8)) == configuration)
        let grpo = try Self.fresh(Fixtures.configuration("grpo"))
        _ = try grpo.step()
        #expect(names.allSatisfy { grpo.checkpoint().tensor(named: "reference." + $0) != nil }, "GRPO's frozen reference")
    }

    @Test("a checkpoint with another configuration, another algorithm, a missing or misshapen tensor, or not a trainer state is refused with one line saying what differs")
    func refusals() throws {
        let configuration = Fixtures.configuration("vapo")
        let trainer = try Self.fresh(configuration)
        _ = try trainer.step()
        let good = trainer.checkpoint()
        func refusal(_ checkpoint: Checkpoint, _ c: TrainingConfiguration = configuration) -> String {
            do {
                _ = try Trainer<Float>(resumingFrom: checkpoint, configuration: c, task: LenientAddition())
                return "accepted"
            } catch { return error.description }
        }
        var otherRate = configuration
        otherRate.actorLearningRate = 2e-3
        #expect(refusal(good, otherRate).hasPrefix("resume: the checkpoint's configuration differs from the run's in actorLearningRate (checkpoint 0.001, run 0.002)"))
        #expect(refusal(good, Fixtures.configuration("ppo")).contains("differs from the run's in algorithm"))
        var missing = good
        missing.tensors.removeAll { $0.name == "adam.critic.v.token_embedding" }
        #expect(refusal(missing) == "resume: the checkpoint has no tensor adam.critic.v.token_embedding; allowed: a checkpoint of this run's models")
        var misshapen = good
        let index = misshapen.tensors.firstIndex { $0.name == "adam.actor.m.token_embedding" }!
        misshapen.tensors[index] = NamedTensor("adam.actor.m.token_embedding", Tensor<Float>(zeros: [1, 2]))
        #expect(refusal(misshapen).contains("tensor adam.actor.m.token_embedding has shape [1, 2]; allowed:"))
        var extra = good
        extra.tensors.append(NamedTensor("reference.token_embedding", Tensor<Float>(zeros: [1])))
        #expect(refusal(extra).contains("tensor reference.token_embedding this run does not use"))
        var models = good
        models.metadata["vapo.kind"] = "trainer-models"
        #expect(refusal(models).contains("vapo.kind is trainer-models; allowed: a trainer-state checkpoint"))
        for text in [refusal(good, otherRate), refusal(missing), refusal(misshapen)] { #expect(!text.contains("\n")) }
    }
}
