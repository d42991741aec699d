import Kernels
import Tasks
import Transformer

/// A whole supervised warm-up: train, evaluate greedily on the held-out set every `evaluateEvery` steps,
/// stop at `steps`, at the target accuracy or at the time limit, then evaluate pass@1 and mean@k.
public struct SFTRun {
    /// One progress line: the state at an evaluation.
    public struct Progress: Sendable {
        /// Updates applied so far.
        public let step: Int
        /// Mean training loss over the updates since the previous progress line.
        public let loss: Float
        /// Held-out greedy accuracy (pass@1 over the whole evaluation set).
        public let accuracy: Double
        /// Seconds since the run started.
        public let elapsed: Double
    }

    /// Why training stopped.
    public enum Stop: String, Sendable {
        case steps, targetAccuracy = "target accuracy", timeLimit = "time limit"
    }

    /// What a run produced.
    public struct Outcome {
        /// The trained policy and its configuration, ready to save.
        public let checkpoint: PolicyCheckpoint
        /// The final evaluation (greedy pass@1 and mean@k per length bucket).
        public let report: EvaluationReport
        /// Why training stopped.
        public let stop: Stop
        /// Seconds of training and periodic evaluation, before the final evaluation.
        public let trainingSeconds: Double
    }

    /// Runs `configuration`, calling `progress` at every periodic evaluation. Throws when the configuration
    /// is invalid, before any work.
    public static func run(_ configuration: SFTConfiguration, progress: (Progress) -> Void) throws -> Outcome {
        let trainer = try SFTTrainer(configuration)
        let resolved = trainer.resolved
        let c = resolved.configuration
        let problems = resolved.evaluationSet()
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let duration = start.duration(to: clock.now)
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        var lossSum: Float = 0, lossCount = 0
        var stop = Stop.steps
        while trainer.step < c.steps {
            lossSum += trainer.trainStep().loss
            lossCount += 1
            let overTime = c.timeLimit.map { elapsed() > $0 } ?? false
            guard trainer.step % c.evaluateEvery == 0 || trainer.step == c.steps || overTime else { continue }
            let accuracy = try trainer.model.evaluate(on: problems, options: resolved.evaluationOptions(sampled: false)).passAt1
            progress(Progress(step: trainer.step, loss: lossSum / Float(lossCount), accuracy: accuracy, elapsed: elapsed()))
            (lossSum, lossCount) = (0, 0)
            if let target = c.targetAccuracy, accuracy >= target {
                stop = .targetAccuracy
                break
            }
            if overTime {
                stop = .timeLimit
                break
            }
        }
        let trainingSeconds = elapsed()
        let report = try trainer.model.evaluate(on: problems, options: resolved.evaluationOptions(sampled: true))
        return Outcome(
            checkpoint: PolicyCheckpoint(model: trainer.model, configuration: c, step: trainer.step), report: report,
            stop: stop, trainingSeconds: trainingSeconds)
    }
}
