// Specs/training.md, "Runs, stopping and checkpoints": a whole warm-up.
import Kernels
import Tasks
import Transformer

/// A whole supervised warm-up (Specs/training.md): train, evaluate greedily on the held-out set every
/// `evalEvery` steps, stop at `steps`, at the target accuracy or at the time limit, then evaluate pass@1
/// and mean@k. A run can be saved after any step and continued from that state bit for bit (SFTState.swift):
/// everything a later step reads is the trainer's state and the training loss summed since the last
/// evaluation, which the progress line averages.
public final class SFTRun {
    /// One progress line: the state at an evaluation.
    public struct Progress: Sendable {
        /// Updates applied so far.
        public let step: Int
        /// Mean training loss over the updates since the previous progress line.
        public let loss: Float
        /// Held-out greedy accuracy (pass@1 over the whole evaluation set).
        public let accuracy: Double
        /// Seconds since this call of `train` started.
        public let elapsed: Double
    }

    /// What one update did, and the evaluation after it when there was one.
    public struct StepRecord: Sendable {
        /// Updates applied so far (this one included).
        public let step: Int
        /// The update's loss, gradient norm and learning rate.
        public let update: SFTTrainer.StepResult
        /// The progress line of this step, when it was an evaluation step.
        public let progress: Progress?
        /// Why training stops after this step, or nil when it goes on.
        public let stop: Stop?
    }

    /// Why training stopped.
    public enum Stop: String, Sendable, CaseIterable {
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

    /// The trainer: the policy, its optimizer and the step.
    public let trainer: SFTTrainer
    /// The training loss summed over the updates since the last evaluation, and their count.
    var lossSinceEvaluation: (sum: Float, count: Int) = (0, 0)
    /// Why the run stopped, once it has; a run stopped by its time limit may go on (`continueAfterTimeLimit`).
    public internal(set) var stop: Stop?

    /// A fresh run of `configuration`; throws, before any work, when the configuration is invalid.
    public init(_ configuration: SFTConfiguration) throws(SFTConfigurationError) {
        trainer = try SFTTrainer(configuration)
    }

    init(trainer: SFTTrainer) { self.trainer = trainer }

    /// The validated configuration.
    public var resolved: ResolvedSFTConfiguration { trainer.resolved }

    /// Whether the run has nothing left to do: it stopped at its last step or at its target accuracy. (A run
    /// stopped by its time limit is not finished: `train` continues it.)
    public var isFinished: Bool { stop == .steps || stop == .targetAccuracy }

    /// Trains from the current step until a stopping rule holds, calling `onStep` after every update (with its
    /// evaluation, every `evalEvery` steps and at the last). `timeLimit`, in seconds from this call, is
    /// this call's own (a continued run gets a new one); nil: none. Returns why it stopped.
    @discardableResult
    public func train(timeLimit limit: Double?, onStep: (StepRecord) throws -> Void) throws -> Stop {
        let c = resolved.configuration
        let problems = resolved.evaluationSet()
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double { seconds(start.duration(to: clock.now)) }
        stop = nil
        while stop == nil && trainer.step < c.steps {
            let update = trainer.trainStep()
            lossSinceEvaluation.sum += update.loss
            lossSinceEvaluation.count += 1
            let overTime = limit.map { elapsed() > $0 } ?? false
            var progress: Progress?
            if trainer.step % c.evalEvery == 0 || trainer.step == c.steps || overTime {
                let accuracy = try trainer.model.evaluate(on: problems, options: resolved.evaluationOptions(sampled: false)).passAt1
                progress = Progress(
                    step: trainer.step, loss: lossSinceEvaluation.sum / Float(lossSinceEvaluation.count), accuracy: accuracy, elapsed: elapsed())
                lossSinceEvaluation = (0, 0)
                if let target = c.targetAccuracy, accuracy >= target {
                    stop = .targetAccuracy
                } else if trainer.step == c.steps {
                    stop = .steps
                } else if overTime {
                    stop = .timeLimit
                }
            }
            try onStep(StepRecord(step: trainer.step, update: update, progress: progress, stop: stop))
        }
        return stop ?? .steps
    }

    /// The policy as it is now, with its configuration and step, ready to save.
    public var policy: PolicyCheckpoint { PolicyCheckpoint(model: trainer.model, configuration: resolved.configuration, step: trainer.step) }

    /// The final evaluation: greedy pass@1 and mean@k per length bucket on the held-out set.
    public func finalEvaluation() throws -> EvaluationReport {
        try trainer.model.evaluate(on: resolved.evaluationSet(), options: resolved.evaluationOptions(sampled: true))
    }

    /// Runs `configuration` from the start in one go, calling `progress` at every periodic evaluation. Throws when
    /// the configuration is invalid, before any work.
    public static func run(_ configuration: SFTConfiguration, progress: (Progress) -> Void) throws -> Outcome {
        let run = try SFTRun(configuration)
        let clock = ContinuousClock()
        let start = clock.now
        let stop = try run.train(timeLimit: configuration.timeLimit) { record in if let line = record.progress { progress(line) } }
        return Outcome(
            checkpoint: run.policy, report: try run.finalEvaluation(), stop: stop, trainingSeconds: seconds(start.duration(to: clock.now)))
    }
}
