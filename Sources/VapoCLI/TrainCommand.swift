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
/// for bit (TrainCommand+Resume.swift).
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

    /// Where the policy comes from.
    enum StartingPoint: CustomStringConvertible {
        /// A policy read from a checkpoint file, once (the file's path, and the policy).
        case checkpoint(String, GPT<Float>)
        case fresh(GPTConfiguration), shortSFT(SFTConfiguration)

        var description: String {
            switch self {
            case .checkpoint(let path, _): return path
            case .fresh(let m): return "a fresh GPT of \(plural(m.layers, "layer")) × width \(m.width), \(m.heads) heads, context \(m.context)"
            case .shortSFT(let c):
                let m = c.model
                return "a short SFT of \(plural(c.steps, "step")) on \(c.task) up to difficulty \(c.maxDifficulty.map(String.init) ?? "the task's highest"), "
                    + "a GPT of \(plural(m.layers, "layer")) × width \(m.width), \(m.heads) heads, context \(m.context)"
            }
        }
    }

    /// The policy RL starts from: `--init-checkpoint`, else the run folder's `sft.safetensors` when it exists,
    /// else with `--fresh` a fresh GPT of the shape flags, else a short SFT on the run's task. A flag the chosen
    /// starting point would ignore is refused, in one line naming it.
    func startingPoint(folder: RunFolder, configuration: TrainingConfiguration) throws -> StartingPoint {
        let shapeFlags = [("--layers", layers != nil), ("--width", width != nil), ("--heads", heads != nil), ("--context", context != nil)]
            .filter(\.1).map(\.0)
        let ignored = (fresh ? ["--fresh"] : []) + (sftSteps != nil ? ["--sft-steps"] : []) + shapeFlags
        if let initCheckpoint {
            if let flag = ignored.first {
                throw CommandError("\(flag): the policy comes from --init-checkpoint \(initCheckpoint); allowed: \(flag) without --init-checkpoint")
            }
            return .checkpoint(initCheckpoint, try StartingPolicy.read(from: initCheckpoint))  // refused now, before anything is written
        }
        var shape = GPTConfiguration()
        if let layers { shape.layers = layers }
        if let width { shape.width = width }
        if let heads { shape.heads = heads }
        if let context { shape.context = context }
        var sft = SFTConfiguration()
        sft.model = shape
        sft.steps = sftSteps ?? 300
        sft.seed = configuration.seed
        if configuration.task != sft.task {
            sft.task = configuration.task
            sft.maxDifficulty = configuration.maxDifficulty
        } else if let highest = configuration.maxDifficulty, highest > sft.maxDifficulty ?? highest {
            sft.maxDifficulty = highest
        }
        if FileManager.default.fileExists(atPath: folder.sftCheckpoint.path) {
            // The folder's policy is used; flags that describe another one are refused. A short SFT these flags
            // made (the same command run again after a stop) is the one they describe.
            let (checkpoint, policy) = try StartingPolicy.checkpointAndPolicy(from: folder.sftCheckpoint.path, flag: "--out")
            let made = checkpoint.metadata[PolicyCheckpoint.sftKey].flatMap { try? JSONDecoder().decode(SFTConfiguration.self, from: Data($0.utf8)) }
            if let flag = ignored.first, fresh || made != sft {
                throw CommandError("\(flag): the policy comes from \(folder.sftCheckpoint.path), which the folder holds; allowed: \(flag) with a new --out")
            }
            return .checkpoint(folder.sftCheckpoint.path, policy)
        }
        if fresh {
            if sftSteps != nil { throw CommandError("--sft-steps: --fresh starts from a fresh GPT, without a short SFT; allowed: one of the two") }
            do { return .fresh(try shape.validated()) } catch {
                guard case .outOfRange(let field, let value, let allowed) = error else { throw CommandError("--fresh: \(error)") }
                throw CommandError("--\(field) is \(value); allowed: \(allowed)")
            }
        }
        do { _ = try sft.validated() } catch {
            let flag = ["model.layers": "--layers", "model.width": "--width", "model.heads": "--heads", "model.context": "--context", "steps": "--sft-steps"][error.field]
            throw CommandError("\(flag ?? "short SFT: \(error.field)") is \(error.value); allowed: \(error.allowed)")
        }
        return .shortSFT(sft)
    }

    /// The short-SFT starting point, saved as the run folder's `sft.safetensors` for later runs to reuse.
    func shortSFT(_ sft: SFTConfiguration, into folder: RunFolder) throws -> GPT<Float> {
        output("starting policy: \(StartingPoint.shortSFT(sft).description), on \(plural(Parallel.threadCount, "thread")); saved as \(folder.sftCheckpoint.path)")
        let outcome = try SFTRun.run(sft) { p in
            output(String(format: "sft step %5d  loss %.4f  held-out greedy %5.1f%%  %6.1f s", p.step, p.loss, 100 * p.accuracy, p.elapsed))
        }
        try outcome.checkpoint.write(to: folder.sftCheckpoint.path)
        return outcome.checkpoint.model
    }

    /// The RL loop from the trainer's step to `settings.steps`, appending to the run's files when `resuming`: a
    /// held-out evaluation before the first step (unless `before`, the run's step-0 line, is given), a metrics
    /// line and a progress line per step, a checkpoint every `settings.checkpointEvery` steps and after the last,
    /// whose metrics line always holds the held-out evaluation the final table shows. `started`: when the
    /// command started, the clock of `--time-limit`.
    func train(
        _ trainer: Trainer<Float>, in folder: RunFolder, settings: RunSettings, dumpingRollouts: Bool, resuming: Bool, before given: Metrics?,
        started: ContinuousClock.Instant
    ) throws {
        let c = trainer.configuration
        let steps = settings.steps ?? Self.defaultSettings.steps!
        let metrics = try MetricsWriter(url: folder.metrics, appending: resuming)
        let rollouts = dumpingRollouts ? try MetricsWriter(url: folder.rollouts, appending: true) : nil  // created by run()
        var display = ProgressDisplay()
        output("vapo train: \(c.algorithm.rawValue) on \(c.task), \(plural(steps, "step")) of \(plural(c.promptsPerStep, "prompt")) × "
            + "\(plural(c.samplesPerPrompt, "sample")), \(plural(Parallel.threadCount, "thread")), run folder \(folder.url.path), "
            + "a checkpoint every \(plural(settings.checkpointEvery, "step"))")
        output(ProgressDisplay.legend(c))
        Interruption.onSignal(print: "vapo train stopped by a signal; its newest checkpoint is kept. Continue it with: vapo train --resume --out \(out)")
        var before: Metrics
        if let given {
            before = given
        } else {
            before = try trainer.evaluate()
            try metrics.write(step: 0, before)
        }
        let accuracyKey = HeldOutEvaluation.passAt1Key(task: trainer.task.name)
        let clock = ContinuousClock()
        let firstStep = trainer.completedSteps
        func elapsed() -> Double { seconds(started.duration(to: clock.now)) }
        // The critic's set-up (reward model, Value-Pretraining) can take minutes: a line per set-up step, and the
        // remaining time estimated from RL steps alone. The time limit counts the set-up.
        trainer.setUpProgress = { record in output(ProgressDisplay.setUpLine(record, configuration: c, elapsed: elapsed())) }
        try trainer.prepare()
        trainer.setUpProgress = nil
        // The critic against Monte-Carlo truth as RL starts and as it ends (a small probe: seconds).
        let startProbe = trainer.completedSteps == 0 ? try criticProbe(trainer) : nil
        if let startProbe { output(criticLine("critic at the start", startProbe)) }
        let rlStart = elapsed()
        var last: Metrics = [:]
        var endFigures: CriticProbeReport?
        var saved = trainer.completedSteps
        var stoppedByTime = false
        while trainer.completedSteps < steps {
            last = try trainer.step()
            let step = trainer.completedSteps
            stoppedByTime = timeLimit.map { elapsed() > $0 } ?? false
            let final = step == steps || stoppedByTime
            if step == 1, let startProbe { last.merge(Self.probeMetrics(startProbe, phase: "start"), uniquingKeysWith: { $1 }) }
            if final, let endProbe = try criticProbe(trainer) {
                last.merge(Self.probeMetrics(endProbe, phase: "end"), uniquingKeysWith: { $1 })
                endFigures = endProbe
            }
            // The final table's "after" is in the metrics too, evaluated now if this step had no evaluation.
            if final && last[accuracyKey] == nil { last.merge(try trainer.evaluate(), uniquingKeysWith: { $1 }) }
            try metrics.write(step: step, last)
            if let rollouts, let (rollout, estimate) = trainer.lastRollout {
                try rollouts.write(lines: RolloutDump.lines(step: step, rollout: rollout, estimate: estimate))
            }
            let time = elapsed()
            if step % settings.checkpointEvery == 0 || final {
                try folder.save(settings.recorded(in: trainer.checkpoint()), step: step, keep: settings.keepCheckpoints)
                saved = step
            }
            var left = (time - rlStart) / Double(step - firstStep) * Double(steps - step)
            if let timeLimit { left = min(left, max(0, timeLimit - time)) }
            display.show(
                ProgressDisplay.line(step: step, of: steps, metrics: last, accuracyKey: accuracyKey, elapsed: time, left: stoppedByTime ? 0 : left),
                keep: last[accuracyKey] != nil || final)
            if stoppedByTime { break }
        }
        display.finish()
        // No step ran (`--steps 0`): the checkpoint of this step is written again after `prepare()`, so that it
        // holds the critic as set up (`vapo probe-critic` reads it).
        if saved != trainer.completedSteps || trainer.completedSteps == firstStep {
            try folder.save(settings.recorded(in: trainer.checkpoint()), step: trainer.completedSteps, keep: settings.keepCheckpoints)
        }
        let path = folder.checkpoint(step: trainer.completedSteps)
        printTable(before: before[accuracyKey], after: last[accuracyKey], task: c.task, steps: trainer.completedSteps, seconds: elapsed())
        if startProbe != nil || endFigures != nil { printCriticTable(start: startProbe, end: endFigures) }
        output("wrote \(folder.config.path), \(folder.metrics.path), \(path.path)" + (dumpingRollouts ? ", \(folder.rollouts.path)" : ""))
        if stoppedByTime {
            output("the time limit (\(timeLimit!) s) stopped the run at step \(trainer.completedSteps) of \(steps); continue it with: vapo train --resume --out \(out)")
        }
    }

    /// The probe of the final table: 64 held-out problems, 4 prefixes each (and both sides of the first error),
    /// K = 4 continuations; nil without a critic. A few seconds: it shows the critic's quality, the full probe
    /// (`vapo probe-critic`) measures it.
    static let tableProbe = CriticProbeOptions(problems: 64, continuations: 4, prefixesPerResponse: 4)

    func criticProbe(_ trainer: Trainer<Float>) throws -> CriticProbeReport? {
        guard let critic = trainer.critic else { return nil }
        return try CriticProbe.measure(
            policy: trainer.policy, critic: critic, task: trainer.task, configuration: trainer.configuration,
            options: Self.tableProbe.withFirstError(trainer.task.hasTeacherTrace))
    }

    /// The probe's figures as metrics: `critic_probe/<phase>/ev_vmc`, `…/ev_returns`, `…/ceiling`,
    /// `…/first_error_drop` and `…/first_error_drop_vmc`.
    static func probeMetrics(_ report: CriticProbeReport, phase: String) -> [String: Double] {
        var metrics = [
            "critic_probe/\(phase)/ev_vmc": report.overall.explainedVarianceMonteCarlo,
            "critic_probe/\(phase)/ev_returns": report.overall.explainedVarianceReturns,
            "critic_probe/\(phase)/ceiling": report.overall.ceilingReturns,
        ]
        if let drop = report.firstError?.criticDrop { metrics["critic_probe/\(phase)/first_error_drop"] = drop }
        if let drop = report.firstError?.monteCarloDrop { metrics["critic_probe/\(phase)/first_error_drop_vmc"] = drop }
        return metrics
    }

    func criticLine(_ title: String, _ report: CriticProbeReport) -> String {
        let o = report.overall
        var line = String(format: "%@: explained variance %.2f against V_MC, %.2f against returns (ceiling %.2f)", title,
                          o.explainedVarianceMonteCarlo, o.explainedVarianceReturns, o.ceilingReturns)
        if let e = report.firstError, let critic = e.criticDrop, let truth = e.monteCarloDrop {
            line += String(format: "; value change at the first error %+.2f (V_MC %+.2f)", critic, truth)
        }
        return line
    }

    func printCriticTable(start: CriticProbeReport?, end: CriticProbeReport?) {
        let options = Self.tableProbe
        output("critic against Monte-Carlo values (\(options.problems) held-out problems, K = \(options.continuations); vapo probe-critic measures more):")
        output("          EV(V_MC)  EV(returns)  ceiling  first-error change (V_MC)")
        for (name, report) in [("  start", start), ("  end  ", end)] {
            guard let report else {
                output("\(name)         -            -        -  -")
                continue
            }
            let o = report.overall
            var drop = "-"
            if let e = report.firstError, let critic = e.criticDrop, let truth = e.monteCarloDrop { drop = String(format: "%+.2f (%+.2f)", critic, truth) }
            output(String(format: "%@     %5.2f        %5.2f    %5.2f  %@", name, o.explainedVarianceMonteCarlo, o.explainedVarianceReturns, o.ceilingReturns, drop))
        }
    }

    func printTable(before: Double?, after: Double?, task: String, steps: Int, seconds: Double) {
        func percent(_ value: Double?) -> String { value.map { String(format: "%6.1f%%", 100 * $0) } ?? "      -" }
        let gain = (before != nil && after != nil) ? String(format: "%+6.1f", 100 * (after! - before!)) : "     -"
        output("held-out greedy accuracy (\(task)), \(plural(steps, "RL step")) in \(ProgressDisplay.clock(seconds)) since the command started:")
        output("  before   after   points")
        output("\(percent(before)) \(percent(after))   \(gain)")
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys: deterministic bytes.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// An encoder with sorted keys, indented: deterministic bytes a person can read.
    static var pretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}
