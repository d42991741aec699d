// Specs/vapo.md, "The command line: `vapo train`".
import ArgumentParser
import Checkpoints
import Foundation
import Kernels
import Tasks
import Training
import Transformer
import VAPO

/// `vapo train`: RL fine-tuning of a policy with VAPO, PPO, GRPO or DAPO, writing a run folder
/// (`RunFolder`): the resolved configuration, metrics as JSON lines, the trainer's full state every
/// `--checkpoint-every` steps (the newest `--keep-checkpoints` kept) and optional rollout dumps. Everything is
/// checked before the first file is written. `--resume` continues a run from its newest valid checkpoint, bit
/// for bit (TrainCommand+Resume.swift). The starting policy: TrainCommand+StartingPoint.swift; the RL loop:
/// TrainCommand+Loop.swift; the final tables: TrainCommand+Tables.swift.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "RL-train a policy with VAPO, PPO, GRPO or DAPO on a reasoning task.",
        discussion: """
            Writes a run folder (--out, which must be new, or hold only an sft.safetensors to start from): \
            config.json (the resolved configuration), metrics.jsonl (a line per step), \
            checkpoint-step-<N>.safetensors (the trainer's full state, every --checkpoint-every steps and after \
            the last, the newest --keep-checkpoints kept) and, with --dump-rollouts, rollouts.jsonl. The policy \
            starts from --init-checkpoint, else <out>/sft.safetensors, else (with --fresh) a fresh GPT, else a \
            short SFT on the run's task, saved as <out>/sft.safetensors. An interrupted run (Ctrl-C, SIGTERM, a \
            crash) continues with --resume, bit for bit, with the run's own settings. --dry-run prints the \
            resolved configuration and the starting policy and writes nothing; vapo presets lists the presets.
            """)

    @OptionGroup var options: TrainOptions
    @Option(parsing: .unconditional, help: "RL steps to reach (0...1000000; 0: only the critic's set-up, then a checkpoint of it). (default: 300; with --resume: the run's)")
    var steps: Int?
    @Option(parsing: .unconditional, help: "Stop after the first RL step that ends this many seconds after the command started (a short SFT and the critic's set-up count); --resume continues the run. (default: none)")
    var timeLimit: Double?
    @Option(help: "Run folder (new, or holding only an sft.safetensors to start from; with --resume, the run's).") var out = "runs/train"
    @Option(parsing: .unconditional, help: threadsHelp) var threads: Int?
    @Option(parsing: .unconditional, help: "Write the trainer's full state every this many steps (1...1000000), and after the last. (default: 10; with --resume: the run's)")
    var checkpointEvery: Int?
    @Option(parsing: .unconditional, help: "Keep the newest this many checkpoints (1...1000000); older ones are deleted once a newer one is written. (default: 3; with --resume: the run's)")
    var keepCheckpoints: Int?
    @Option(help: "Starting policy: a policy.safetensors of vapo sft or a checkpoint of vapo train. (default: <out>/sft.safetensors if it exists, else a fresh GPT with --fresh, else a short SFT)")
    var initCheckpoint: String?
    @Flag(help: "Start from a fresh GPT of --layers/--width/--heads/--context instead of a short SFT.") var fresh = false
    @Option(parsing: .unconditional, help: "Steps of the short SFT that makes the starting policy when there is none: vapo sft's defaults on the run's task (addition: up to 4 digits, or the run's highest difficulty if higher), a GPT of --layers/--width/--heads/--context. (default: 300; 36% held-out greedy accuracy on addition)")
    var sftSteps: Int?
    @Option(parsing: .unconditional, help: "Transformer blocks of a fresh or short-SFT policy. (default: 4)") var layers: Int?
    @Option(parsing: .unconditional, help: "Width of a fresh or short-SFT policy. (default: 128)") var width: Int?
    @Option(parsing: .unconditional, help: "Attention heads of a fresh or short-SFT policy. (default: 4)") var heads: Int?
    @Option(parsing: .unconditional, help: "Context (positions) of a fresh or short-SFT policy. (default: 128)") var context: Int?
    @Flag(help: "Continue the run in --out from its newest valid checkpoint with its config.json and settings, bit for bit.") var resume = false
    @Flag(help: "Write every step's rollout to rollouts.jsonl.") var dumpRollouts = false
    @Flag(name: [.customLong("dry-run"), .customLong("print-config")], help: "Print the resolved configuration and the starting policy (or, with --resume, what would be resumed); write nothing.")
    var dryRun = false

    /// The defaults of the settings `--resume` takes from the run.
    static let defaultSettings = RunSettings(steps: 300, checkpointEvery: 10, keepCheckpoints: 3)

    func validate() throws {
        if let steps, !(0...1_000_000).contains(steps) { throw CommandError("--steps is \(steps); allowed: 0...1000000") }
        if let threads, !(1...Parallel.maximumThreadCount).contains(threads) {
            throw CommandError("--threads is \(threads); allowed: 1...\(Parallel.maximumThreadCount)")
        }
        if let timeLimit, !(timeLimit > 0 && timeLimit.isFinite) {
            throw CommandError("--time-limit is \(timeLimit); allowed: a positive number of seconds")
        }
        if let checkpointEvery, !(1...1_000_000).contains(checkpointEvery) {
            throw CommandError("--checkpoint-every is \(checkpointEvery); allowed: 1...1000000")
        }
        if let keepCheckpoints, !(1...1_000_000).contains(keepCheckpoints) {
            throw CommandError("--keep-checkpoints is \(keepCheckpoints); allowed: 1...1000000")
        }
        if let sftSteps, !(1...10_000_000).contains(sftSteps) { throw CommandError("--sft-steps is \(sftSteps); allowed: 1...10000000") }
        guard !out.isEmpty else { throw CommandError("--out is empty; allowed: a folder path") }
    }

    func run() throws {
        let started = ContinuousClock.now
        // Around all the work: the short SFT runs on the threads asked for too.
        try onThreads(threads) { try startOrResume(started: started) }
    }

    /// The run, on the threads asked for.
    private func startOrResume(started: ContinuousClock.Instant) throws {
        if resume { return try resumeRun(started: started) }
        let configuration = try options.resolved()
        let folder = RunFolder(url: URL(fileURLWithPath: out))
        let start = try startingPoint(folder: folder, configuration: configuration)
        if dryRun {
            output("starting policy: \(start.description)")
            output(String(decoding: configuration.jsonData(), as: UTF8.self))
            return
        }
        try folder.checkNew(reusable: [folder.sftCheckpoint.lastPathComponent])
        try folder.create()
        try folder.removeUnfinishedWrites()  // a run killed during its first write left only these
        Interruption.onSignal(print: "vapo train stopped by a signal before its first checkpoint; nothing to resume: run the same command again")
        if case .shortSFT = start {} else { output("starting policy: \(start.description)") }
        let policy: GPT<Float>
        switch start {
        case .checkpoint(_, let read): policy = read
        case .fresh(let shape):
            policy = try GPT(configuration: shape, head: .languageModel, stream: RandomStream(seed: configuration.seed, name: "train/policy-init"))
        case .shortSFT(let sft): policy = try shortSFT(sft, into: folder)
        }
        let trainer = try Trainer<Float>(configuration: configuration, policy: policy)
        let settings = RunSettings(
            steps: steps ?? Self.defaultSettings.steps, checkpointEvery: checkpointEvery ?? Self.defaultSettings.checkpointEvery,
            keepCheckpoints: keepCheckpoints ?? Self.defaultSettings.keepCheckpoints)
        // The state before any step first: from the moment config.json exists the run can be resumed.
        try folder.save(settings.recorded(in: trainer.checkpoint()), step: 0, keep: settings.keepCheckpoints)
        // rollouts.jsonl before config.json too: a resumed run dumps rollouts iff the file exists.
        if dumpRollouts { try Checkpoint.writeFileAtomically([], to: folder.rollouts.path) }
        try Checkpoint.writeFileAtomically(Array(configuration.jsonData()), to: folder.config.path)
        try train(trainer, in: folder, settings: settings, dumpingRollouts: dumpRollouts, resuming: false, before: nil, started: started)
    }
}
