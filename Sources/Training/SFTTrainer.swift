// Specs/training.md, "The update and the data order".
import Autograd
import Kernels
import Tasks
import Transformer

/// Supervised fine-tuning of a policy on a task's teacher traces (Specs/training.md).
///
/// Each step draws a fresh batch of training problems, computes `GPT.supervisedLoss` (response tokens only)
/// on a tape, clips the gradients to a global norm, and applies AdamW with a linear warm-up and a cosine
/// decay. Everything is a function of the configuration: item j of step s is training problem number
/// s·batchSize + j of the task, at the difficulty drawn from block j of the stream
/// `RandomStream(seed: seed, name: "sft/data").child(s)`; the initial weights come from
/// `RandomStream(seed: seed, name: "sft/model")`. So a run gives the same bits on 1 or 2 threads, and a
/// step's batch does not depend on the steps before it.
public final class SFTTrainer {
    /// What one update did.
    public struct StepResult: Sendable {
        /// The supervised loss of the batch before the update.
        public let loss: Float
        /// The global gradient norm before clipping.
        public let gradientNorm: Float
        /// The learning rate the update used.
        public let learningRate: Double
    }

    /// The validated configuration.
    public let resolved: ResolvedSFTConfiguration
    /// The policy being trained (its parameter storage is updated in place).
    public internal(set) var model: GPT<Float>
    /// Updates applied so far; the next step's index.
    public internal(set) var step = 0
    let optimizer: AdamW<Float>
    private let schedule: WarmupCosineSchedule

    /// A freshly initialised policy and optimizer for `configuration`; throws when it is invalid.
    public init(_ configuration: SFTConfiguration) throws(SFTConfigurationError) {
        resolved = try configuration.validated()
        let c = resolved.configuration
        do {
            model = try GPT(configuration: c.model, head: .languageModel, stream: RandomStream(seed: c.seed, name: "sft/model"))
        } catch {
            preconditionFailure("validated configuration rejected: \(error)")
        }
        optimizer = AdamW(.init(weightDecay: c.weightDecay))
        schedule = WarmupCosineSchedule(
            peak: c.learningRate, warmupSteps: min(c.warmupSteps, c.steps), totalSteps: c.steps,
            floor: c.learningRate * c.finalLearningRateFraction)
    }

    /// The training problems of step `step`: item j is problem s·batchSize + j of the training split at a
    /// difficulty uniform over the configured range, drawn from block j of the step's data stream.
    public func problems(forStep step: Int) -> [Problem] {
        let c = resolved.configuration
        let stream = RandomStream(seed: c.seed, name: "sft/data").child(step)
        let range = resolved.difficulties
        return (0..<c.batchSize).map { j in
            let words = stream.block(at: UInt64(j))
            let w = UInt64(words.y) << 32 | UInt64(words.x)
            let difficulty = range.lowerBound + Int(UInt64(range.count).multipliedFullWidth(by: w).high)
            do {
                return try resolved.task.problem(.training, index: step * c.batchSize + j, difficulty: difficulty, seed: c.seed)
            } catch {
                preconditionFailure("validated difficulty rejected: \(error)")
            }
        }
    }

    /// One optimizer update on the batch of the current step.
    @discardableResult
    public func trainStep() -> StepResult {
        let batch = SFTBatch(problems: problems(forStep: step), length: resolved.sequenceLength)
        let tape = Tape<Float>()
        let variables = model.parameters.map { tape.variable($0) }
        let loss = model.supervisedLoss(batch, parameters: variables)
        let gradients = tape.gradients(of: loss, withRespectTo: variables)
        let (clipped, norm) = clipByGlobalNorm(gradients, maxNorm: Float(resolved.configuration.gradientClip))
        let learningRate = schedule.learningRate(atStep: step)
        optimizer.update(model.parameters, gradients: clipped, learningRate: learningRate)
        step += 1
        return StepResult(loss: loss.scalar, gradientNorm: norm, learningRate: learningRate)
    }
}
