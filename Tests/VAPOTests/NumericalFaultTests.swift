import Autograd
import Kernels
import Testing
import Transformer
import VAPO

@Suite("Numerical faults")
struct NumericalFaultTests {
    /// Every scalar of `model` is finite.
    static func finite(_ model: GPT<Float>?) -> Bool {
        model?.parameters.allSatisfy { $0.scalars.allSatisfy(\.isFinite) } ?? true
    }

    /// The numerical fault that `body` stops with; nil (recorded as an issue) when it stops with none.
    static func fault(_ body: () throws -> Void) -> (fault: NumericalFault, line: String)? {
        do {
            try body()
            Issue.record("no fault")
        } catch let error as TrainingError {
            if case .numerical(let fault) = error { return (fault, error.description) }
            Issue.record("another error: \(error)")
        } catch {
            Issue.record("another error: \(error)")
        }
        return nil
    }

    @Test("an actor learning rate of 1e38 overflows AdamW's Float step size: the first RL step stops with one line naming the step, the actor and the parameter")
    func overflowingLearningRate() throws {
        var configuration = Fixtures.configuration("grpo")
        configuration.actorLearningRate = 1e38
        let trainer = try TrainerResumeTests.fresh(configuration)
        let stop = Self.fault { _ = try trainer.step() }
        #expect(stop?.fault.site == FaultSite(component: .actor, step: 1))
        #expect(stop?.fault.tensor == "parameter token_embedding after the update")
        #expect(stop?.line.hasPrefix("numerical fault at RL step 1, actor: parameter token_embedding after the update is not finite") == true)
        #expect(stop?.line.contains("\n") == false)
        #expect(trainer.completedSteps == 0, "the faulty step is not counted")
    }

    @Test("rewards of ±1e30 overflow the critic's Float value loss: value pretraining stops at its step 0 naming the critic loss; with skipNonFiniteBatches those mini-batches are skipped and counted and every parameter stays finite")
    func overflowingValueLoss() throws {
        var configuration = Fixtures.configuration("vapo")
        configuration.rewardCorrect = 1e30
        configuration.rewardIncorrect = -1e30
        let stop = Self.fault { _ = try TrainerResumeTests.fresh(configuration).step() }
        #expect(stop?.fault.site == FaultSite(component: .valuePretraining, step: 0))
        #expect(stop?.fault.tensor == "critic loss")
        #expect(stop?.line.hasPrefix("numerical fault at value pretraining step 0: critic loss is not finite") == true)
        configuration.skipNonFiniteBatches = true
        let trainer = try TrainerResumeTests.fresh(configuration)
        let metrics = try (0..<2).map { _ in try trainer.step() }
        let updates = Double(configuration.ppoEpochs * configuration.responsesPerStep / configuration.miniBatchSize)
        let pretrainingUpdates = Double(
            configuration.ppoEpochs * configuration.valuePretrainingPrompts * configuration.samplesPerPrompt / configuration.miniBatchSize)
        #expect(trainer.valuePretrainingHistory.map { $0["value_pretrain/skipped_batches"] } == [pretrainingUpdates, pretrainingUpdates])
        #expect(metrics.map { $0["critic/skipped_batches"] } == [updates, updates])
        #expect(metrics.map { $0["actor/skipped_batches"] } == [0, 0], "the actor's whitened advantages stay finite")
        #expect(Self.finite(trainer.policy) && Self.finite(trainer.critic))
    }

    @Test("without skipNonFiniteBatches no skipped-batch metric is reported")
    func noSkipMetricByDefault() throws {
        let metrics = try TrainerResumeTests.fresh(Fixtures.configuration("vapo")).step()
        #expect(metrics.keys.filter { $0.hasSuffix("skipped_batches") }.isEmpty)
    }
}
