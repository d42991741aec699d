// Specs/training.md, "Command line": `vapo eval`.
import ArgumentParser
import Checkpoints
import Foundation
import Kernels
import Tasks
import Training
import VAPO

/// `vapo eval`: the held-out evaluation table of a saved policy, a `vapo sft` policy or a `vapo train`
/// checkpoint, each with the evaluation settings it was trained with.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a policy checkpoint (vapo sft or vapo train): greedy pass@1 and mean@k per task and trace-length bucket.",
        discussion: """
            The evaluation set, k, temperature and seed are those the checkpoint was trained with unless a flag \
            overrides them. For a vapo sft policy (policy.safetensors) they are its vapo.sft settings: with no \
            flag, the table equals the one `vapo sft` printed. For a vapo train checkpoint \
            (checkpoint-step-N.safetensors) they are the run's held-out evaluation (evalProblems, evalSeed, \
            evalSamples, evalTemperature, evalTopP, maxNewTokens, difficulties): with no flag, the greedy \
            pass@1 of each row equals the val-core/<task>/acc/pass@1 (all) and val-aux/<task>/trace_<bucket>/acc/pass@1 \
            that `vapo train` wrote to metrics.jsonl at step N when step N was an evaluation step. As in \
            training, k = 1 is greedy pass@1 alone and k > 1 adds mean@k of k samples at the temperature and \
            top-p; --seed sets both the evaluation set's seed and the samples' seed.
            """)

    /// What `--checkpoint` may name.
    static let allowed = "allowed: policy.safetensors written by vapo sft or checkpoint-step-N.safetensors written by vapo train"

    @Option(help: "The policy checkpoint: policy.safetensors of vapo sft, or checkpoint-step-N.safetensors of vapo train.")
    var checkpoint: String
    @Option(parsing: .unconditional, help: "Held-out evaluation problems. (default: the checkpoint's)") var evalProblems: Int?
    @Option(parsing: .unconditional, help: "k of mean@k; for a vapo train checkpoint 1 is greedy pass@1 alone. (default: the checkpoint's)") var samples: Int?
    @Option(parsing: .unconditional, help: "Temperature of the mean@k samples. (default: the checkpoint's)") var temperature: Double?
    @Option(parsing: .unconditional, help: "Master seed of the evaluation set and samples. (default: the checkpoint's)") var seed: UInt64?
    @Option(parsing: .unconditional, help: threadsHelp) var threads: Int?

    func validate() throws {
        if let threads, !(1...Parallel.maximumThreadCount).contains(threads) {
            throw CommandError("--threads is \(threads); allowed: 1...\(Parallel.maximumThreadCount)")
        }
        guard !checkpoint.isEmpty else { throw CommandError("--checkpoint is empty; \(Self.allowed)") }
    }

    func run() throws {
        let (header, report) = try onThreads(threads) { try evaluation() }
        output(header)
        output(report.table)
    }

    /// The line naming the checkpoint, its task and the held-out set, and the evaluation's report.
    func evaluation() throws -> (header: String, report: EvaluationReport) {
        guard FileManager.default.fileExists(atPath: checkpoint) else {
            throw CommandError("--checkpoint: \(checkpoint) does not exist; \(Self.allowed)")
        }
        let file: Checkpoint
        do { file = try Checkpoint.read(from: checkpoint) } catch { throw CommandError("--checkpoint: \(error); \(Self.allowed)") }
        if file.metadata[PolicyCheckpoint.sftKey] != nil { return try sftEvaluation(file) }
        if file.metadata[Trainer<Float>.stateKind.key] == Trainer<Float>.stateKind.value { return try trainEvaluation(file) }
        throw CommandError(
            "--checkpoint: \(checkpoint) has neither metadata \(PolicyCheckpoint.sftKey) (vapo sft) nor "
                + "\(Trainer<Float>.stateKind.key) = \(Trainer<Float>.stateKind.value) (vapo train); \(Self.allowed)")
    }

    /// A `vapo sft` policy, evaluated with its SFT configuration's settings (as `vapo sft` evaluates).
    private func sftEvaluation(_ file: Checkpoint) throws -> (header: String, report: EvaluationReport) {
        let policy: PolicyCheckpoint
        do { policy = try PolicyCheckpoint.read(file, path: checkpoint) } catch { throw CommandError("--checkpoint: \(error)") }
        var configuration = policy.configuration
        if let evalProblems { configuration.evalProblems = evalProblems }
        if let samples { configuration.evalSamples = samples }
        if let temperature { configuration.evalTemperature = temperature }
        if let seed { configuration.seed = seed }
        let resolved: ResolvedSFTConfiguration
        do { resolved = try configuration.validated() } catch {
            guard let flag = Self.evaluationFlags[error.field] else { throw CommandError("--checkpoint \(checkpoint): \(error)") }
            throw CommandError("\(flag) is \(error.value); allowed: \(error.allowed)")
        }
        let problems = resolved.evaluationSet()
        let header = "eval: \(checkpoint) (vapo sft, step \(policy.step)), \(configuration.task) difficulties "
            + "\(resolved.difficulties.lowerBound)...\(resolved.difficulties.upperBound), \(problems.count) held-out problems"
        return (header, try policy.model.evaluate(on: problems, options: resolved.evaluationOptions(sampled: true)))
    }

    /// The flags that override the evaluation fields of an SFT or a training configuration (named alike), by field.
    private static let evaluationFlags = ["evalProblems": "--eval-problems", "evalSamples": "--samples", "evalTemperature": "--temperature"]

    /// A `vapo train` checkpoint's policy, evaluated as `Trainer.evaluate()` evaluated it (`HeldOutEvaluation`).
    private func trainEvaluation(_ file: Checkpoint) throws -> (header: String, report: EvaluationReport) {
        let models: TrainerStateModels<Float>
        do { models = try TrainerStateModels(checkpoint: file) } catch { throw CommandError("--checkpoint \(checkpoint): \(error)") }
        var configuration = models.configuration
        if let evalProblems { configuration.evalProblems = evalProblems }
        if let samples { configuration.evalSamples = samples }
        if let temperature { configuration.evalTemperature = temperature }
        if let seed { (configuration.evalSeed, configuration.seed) = (seed, seed) }
        do { configuration = try configuration.validated() } catch {
            if case .outOfRange(let field, let value, let allowed) = error, let flag = Self.evaluationFlags[field] {
                throw CommandError("\(flag) is \(value); allowed: \(allowed)")
            }
            throw CommandError("--checkpoint \(checkpoint): \(error)")
        }
        let task: any ReasoningTask
        do { task = try TaskRegistry.task(named: configuration.task) } catch { throw CommandError("--checkpoint \(checkpoint): \(error)") }
        let report: EvaluationReport
        do { report = try HeldOutEvaluation.report(policy: models.policy, task: task, configuration: configuration) } catch {
            throw CommandError("--checkpoint \(checkpoint): \(error)")
        }
        let difficulties = configuration.difficulties(of: task)
        let k = configuration.evalSamples
        let header = "eval: \(checkpoint) (vapo train \(configuration.algorithm.rawValue), step \(models.step)), \(task.name) difficulties "
            + "\(difficulties.lowerBound)...\(difficulties.upperBound), \(configuration.evalProblems) held-out problems (seed \(configuration.evalSeed)), "
            + (k > 1 ? "greedy and \(k) samples at top-p \(configuration.evalTopP)" : "greedy") + ", at most \(configuration.maxNewTokens) new tokens"
        return (header, report)
    }
}
