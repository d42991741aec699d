// Specs/training.md, "Command line": `vapo sft`.
import ArgumentParser
import Checkpoints
import Foundation
import Kernels
import Tasks
import Training
import VAPO

/// `vapo sft`: supervised warm-up of a policy on a task's teacher traces, with held-out evaluation, in a run
/// folder that is checkpointed as it goes and can be continued bit for bit (`--resume`), as `vapo train`'s.
struct SFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft",
        abstract: "Supervised fine-tuning on teacher traces (loss on response tokens only), with held-out evaluation.",
        discussion: """
            Writes a run folder (--out, which must be new or empty): config.json (the resolved configuration), \
            metrics.jsonl (a line per step: sft/loss, sft/learning_rate, sft/grad_norm, and at each evaluation \
            val-core/<task>/acc/pass@1, the held-out greedy accuracy), checkpoint-step-<N>.safetensors (the \
            run's full state every --checkpoint-every steps and after the last, the newest --keep-checkpoints \
            kept), and at the end policy.safetensors (the policy, for vapo train --init-checkpoint, vapo eval \
            and vapo sample) and evaluation.txt (greedy pass@1 and mean@k per task and trace-length bucket), \
            whose table it prints. Prints a line per evaluation: step, mean training loss since the previous \
            line, held-out greedy accuracy, elapsed seconds. An interrupted run (Ctrl-C, SIGTERM, a crash) \
            continues from its newest checkpoint with --resume, giving the bytes of a run never stopped. Every \
            unset flag takes the default shown.
            """)

    @OptionGroup var options: SFTOptions
    @Option(help: "Run folder: new or empty, unless --resume.") var out = "runs/sft"
    @Option(parsing: .unconditional, help: threadsHelp) var threads: Int?
    @Option(parsing: .unconditional, help: "Write the run's full state every this many steps (1...1000000), and after the last. (default: 100)")
    var checkpointEvery: Int?
    @Option(parsing: .unconditional, help: "Keep the newest this many checkpoints (1...1000000). (default: 3)") var keepCheckpoints: Int?
    @Flag(help: "Continue the run in --out from its newest valid checkpoint, bit for bit, with its settings; flags other than --threads, --time-limit, --checkpoint-every and --keep-checkpoints must agree with the run's.")
    var resume = false

    func validate() throws {
        if !resume { _ = try options.resolved() }
        if let threads, !(1...Parallel.maximumThreadCount).contains(threads) {
            throw CommandError("--threads is \(threads); allowed: 1...\(Parallel.maximumThreadCount)")
        }
        if let checkpointEvery, !(1...1_000_000).contains(checkpointEvery) {
            throw CommandError("--checkpoint-every is \(checkpointEvery); allowed: 1...1000000")
        }
        if let keepCheckpoints, !(1...1_000_000).contains(keepCheckpoints) {
            throw CommandError("--keep-checkpoints is \(keepCheckpoints); allowed: 1...1000000")
        }
        guard !out.isEmpty else { throw CommandError("--out is empty; allowed: a folder path") }
    }

    func run() throws {
        try onThreads(threads) { try startOrResume() }
    }

    /// The run, on the threads asked for.
    private func startOrResume() throws {
        let folder = RunFolder(url: URL(fileURLWithPath: out))
        if resume { return try resumeRun(folder) }
        let resolved = try options.resolved()
        try folder.checkNew()
        try folder.create()
        try folder.removeUnfinishedWrites()  // a run killed during its first write left only these
        let settings = RunSettings(steps: nil, checkpointEvery: checkpointEvery ?? 100, keepCheckpoints: keepCheckpoints ?? 3)
        // The time limit is this invocation's (`train(timeLimit:)`), as `vapo train`'s: not part of the run, so a
        // run stopped by it and continued ends with the bytes of one never stopped.
        var configuration = resolved.configuration
        configuration.timeLimit = nil
        let run = try SFTRun(configuration)
        // The state before any step first: from the moment config.json exists the run can be resumed.
        try folder.save(settings.recorded(in: run.checkpoint()), step: 0, keep: settings.keepCheckpoints)
        try Checkpoint.writeFileAtomically(Array(JSONEncoder.pretty.encode(configuration)), to: folder.config.path)
        try train(run, in: folder, settings: settings, resuming: false)
    }

    /// `--resume`: the run in `--out` from its newest valid checkpoint, its metrics cut back to that step; a
    /// finished run says so and exits successfully.
    func resumeRun(_ folder: RunFolder) throws {
        try folder.checkExists("vapo sft")
        try folder.removeUnfinishedWrites()
        let (checkpoint, step) = try folder.newestValidCheckpoint(of: "vapo sft")
        try RunFolder.requireKind(of: checkpoint, SFTRun.stateKind, command: "vapo sft", in: folder)
        let run: SFTRun
        do { run = try SFTRun(resumingFrom: checkpoint, path: folder.checkpoint(step: step).path) } catch { throw CommandError("--resume: \(error)") }
        let recorded = run.resolved.configuration
        if let field = options.firstChange(to: recorded), let flag = field.flag {
            throw CommandError("--resume: \(flag) would change the run (its \(field.key) is \(field.text(recorded))); "
                + "allowed with --resume: --threads, --time-limit, --checkpoint-every, --keep-checkpoints")
        }
        var settings = try RunSettings(recordedIn: checkpoint) ?? RunSettings(steps: nil, checkpointEvery: 100, keepCheckpoints: 3)
        if let checkpointEvery { settings.checkpointEvery = checkpointEvery }
        if let keepCheckpoints { settings.keepCheckpoints = keepCheckpoints }
        if run.isFinished && FileManager.default.fileExists(atPath: folder.policy.path) {
            output("\(folder.url.path): the run is finished (stopped at step \(step): \(run.stop!.rawValue)); nothing to do")
            return
        }
        try folder.cut(folder.metrics, throughStep: step)
        output("resuming \(folder.url.path) from \(folder.checkpoint(step: step).lastPathComponent)")
        try train(run, in: folder, settings: settings, resuming: true)
    }

    /// Trains `run` to its end in `folder`: a metrics line per step, a progress line per evaluation, a checkpoint
    /// every `settings.checkpointEvery` steps and after the last; then the policy, its evaluation and the table.
    func train(_ run: SFTRun, in folder: RunFolder, settings: RunSettings, resuming: Bool) throws {
        let c = run.resolved.configuration
        let metrics = try MetricsWriter(url: folder.metrics, appending: resuming)
        let m = c.model
        output("vapo sft: \(c.task) difficulties \(run.resolved.difficulties.lowerBound)...\(run.resolved.difficulties.upperBound), "
            + "sequence length \(run.resolved.sequenceLength), GPT \(plural(m.layers, "layer")) × width \(m.width), \(m.heads) heads, "
            + "batch \(c.batchSize), lr \(c.learningRate), \(plural(c.steps, "step")), seed \(c.seed), \(plural(Parallel.threadCount, "thread")); "
            + "run folder \(folder.url.path), a checkpoint every \(plural(settings.checkpointEvery, "step"))")
        Interruption.onSignal(print: "vapo sft stopped by a signal; its newest checkpoint is kept. Continue it with: vapo sft --resume --out \(out)")
        let accuracyKey = HeldOutEvaluation.passAt1Key(task: c.task)
        let clock = ContinuousClock(), start = clock.now
        if !run.isFinished {
            try run.train(timeLimit: options.timeLimit) { record in
                var line: Metrics = ["sft/loss": Double(record.update.loss), "sft/grad_norm": Double(record.update.gradientNorm),
                                     "sft/learning_rate": record.update.learningRate]
                if let progress = record.progress {
                    line[accuracyKey] = progress.accuracy
                    output(String(format: "step %6d  loss %.4f  held-out greedy %5.1f%%  elapsed %7.1f s", progress.step, progress.loss,
                                  100 * progress.accuracy, progress.elapsed))
                }
                try metrics.write(step: record.step, line)
                if record.step % settings.checkpointEvery == 0 || record.stop != nil {
                    try folder.save(settings.recorded(in: run.checkpoint()), step: record.step, keep: settings.keepCheckpoints)
                }
            }
        }
        let trainingSeconds = seconds(start.duration(to: clock.now))
        let stop = run.stop ?? .steps
        let report = try run.finalEvaluation()
        try run.policy.write(to: folder.policy.path)
        try Checkpoint.writeFileAtomically(Array((report.table + "\n").utf8), to: folder.evaluation.path)
        output(String(format: "stopped (%@) after %@, %.1f s; wrote %@", stop.rawValue, plural(run.trainer.step, "step"), trainingSeconds, folder.policy.path))
        output(report.table)
        if stop == .timeLimit {
            output("the time limit stopped the run at step \(run.trainer.step) of \(c.steps); continue it with: vapo sft --resume --out \(out)")
        }
    }
}

/// "1 step", "2 steps".
func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

/// Writes a line to standard output unbuffered, so progress shows at once when the output is a pipe or a file.
func output(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
