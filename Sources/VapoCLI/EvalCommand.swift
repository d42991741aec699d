import ArgumentParser
import Kernels
import Training

/// `vapo eval`: the held-out evaluation table of a saved policy.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a policy checkpoint: greedy pass@1 and mean@k per task and trace-length bucket.",
        discussion: """
            The task, difficulties, evaluation set, k, temperature and seed are those the checkpoint was \
            trained with (its vapo.sft metadata) unless a flag overrides them; with none, the table equals \
            the one `vapo sft` printed.
            """)

    @Option(help: "The policy checkpoint (policy.safetensors written by vapo sft).") var checkpoint: String
    @Option(help: "Held-out evaluation problems. (default: the checkpoint's)") var evalProblems: Int?
    @Option(help: "k of mean@k. (default: the checkpoint's)") var samples: Int?
    @Option(help: "Temperature of the mean@k samples. (default: the checkpoint's)") var temperature: Double?
    @Option(help: "Master seed of the evaluation set and samples. (default: the checkpoint's)") var seed: UInt64?
    @Option(help: "Worker threads (1...\(Parallel.maximumThreadCount)); results do not depend on it.") var threads: Int?

    func validate() throws {
        if let threads, !(1...Parallel.maximumThreadCount).contains(threads) {
            throw ValidationError("--threads is \(threads); allowed: 1...\(Parallel.maximumThreadCount)")
        }
        guard !checkpoint.isEmpty else { throw ValidationError("--checkpoint is empty; allowed: a file path") }
    }

    func run() throws {
        try onThreads(threads) { try evaluate() }
    }

    /// The evaluation, on the threads asked for.
    private func evaluate() throws {
        let policy: PolicyCheckpoint
        do { policy = try PolicyCheckpoint.read(from: checkpoint) } catch { throw ValidationError("\(error)") }
        var configuration = policy.configuration
        if let evalProblems { configuration.evaluationProblems = evalProblems }
        if let samples { configuration.samples = samples }
        if let temperature { configuration.temperature = temperature }
        if let seed { configuration.seed = seed }
        let resolved: ResolvedSFTConfiguration
        do { resolved = try configuration.validated() } catch {
            throw ValidationError("--\(SFTOptions.flag(error.field)) is \(error.value); allowed: \(error.allowed)")
        }
        let problems = resolved.evaluationSet()
        output("eval: \(checkpoint) (step \(policy.step)), \(configuration.task) difficulties "
            + "\(resolved.difficulties.lowerBound)...\(resolved.difficulties.upperBound), \(problems.count) held-out problems")
        let report = try policy.model.evaluate(on: problems, options: resolved.evaluationOptions(sampled: true))
        output(report.table)
    }
}
