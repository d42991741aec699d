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
        abstract: "RL-train a policy with VAPO, PPO, GRPO or DAPO on a reasoning task.")

    @OptionGroup var options: TrainOptions
    @Option(help: "RL steps (0...1000000; 0: only the critic's set-up, then a checkpoint of it); with --resume, the total to reach.")
    var steps = 300
    @Option(help: "Stop after the first step that ends this many seconds after RL starts.") var timeLimit: Double?
    @Option(help: "Run folder (must not hold a run, unless --resume).") var out = "runs/train"
    @Option(help: "Worker threads (1...\(Parallel.maximumThreadCount)); results do not depend on it.") var threads: Int?
    @Option(help: "Write the trainer's full state every this many steps (1...1000000), and after the last step.")
    var checkpointEvery = 10
    @Option(help: "Keep the newest this many checkpoints (1...1000000); older ones are deleted once a newer one is written.")
    var keepCheckpoints = 3
    @Option(help: "Starting policy checkpoint (default: <out>/sft.safetensors if it exists, else a fresh GPT of --layers/--width/--heads/--context).")
    var initCheckpoint: String?
    @Flag(help: "Start from a fresh GPT of --layers/--width/--heads/--context instead of a short SFT.") var fresh = false
    @Option(help: "SFT steps of the short-SFT starting point (SFTConfiguration's defaults otherwise; 300 steps: 36% held-out greedy accuracy on addition up to 4 digits).")
    var sftSteps: Int?
    @Option(help: "Layers of a fresh policy (default 4).") var layers: Int?
    @Option(help: "Width of a fresh policy (default 128).") var width: Int?
    @Option(help: "Attention heads of a fresh policy (default 4).") var heads: Int?
    @Option(help: "Context of a fresh policy (default 128).") var context: Int?
    @Flag(help: "Continue the run in --out from its newest valid checkpoint, with its config.json, bit for bit.") var resume = false
    @Flag(help: "Write every step's rollout to rollouts.jsonl.") var dumpRollouts = false

    func validate() throws {
        guard (0...1_000_000).contains(steps) else { throw CommandError("--steps is \(steps); allowed: 0...1000000") }
        if let threads, !(1...Parallel.maximumThreadCount).contains(threads) {
            throw CommandError("--threads is \(threads); allowed: 1...\(Parallel.maximumThreadCount)")
        }
        if let timeLimit, !(timeLimit > 0 && timeLimit.isFinite) {
            throw CommandError("--time-limit is \(timeLimit); allowed: a positive number of seconds")
        }
        guard (1...1_000_000).contains(checkpointEvery) else {
            throw CommandError("--checkpoint-every is \(checkpointEvery); allowed: 1...1000000")
        }
        guard (1...1_000_000).contains(keepCheckpoints) else {
            throw CommandError("--keep-checkpoints is \(keepCheckpoints); allowed: 1...1000000")
        }
    }

    func run() throws {
        if resume { return try resumeRun() }
        let configuration = try options.resolved()
        let folder = RunFolder(url: URL(fileURLWithPath: out))
        var policy = try startingPolicy(folder: folder)
        try folder.checkNew()
        if policy == nil {
            try folder.create()
            policy = try shortSFT(into: folder)
        }
        if let threads { Parallel.threadCount = threads }
        let trainer = try Trainer<Float>(configuration: configuration, policy: policy!)
        try folder.create()
        // The state before any step first: from the moment config.json exists the run can be resumed.
        try folder.save(trainer.checkpoint(), step: 0, keep: keepCheckpoints)
        // rollouts.jsonl before config.json too: a resumed run dumps rollouts iff the file exists.
        if dumpRollouts { try Checkpoint.writeFileAtomically([], to: folder.rollouts.path) }
        try Checkpoint.writeFileAtomically(Array(configuration.jsonData()), to: folder.config.path)
        try train(trainer, in: folder, dumpingRollouts: dumpRollouts, resuming: false, before: nil)
    }

    /// The policy RL starts from: `--init-checkpoint`, else the run folder's `sft.safetensors` when it
    /// exists, else with `--fresh` a fresh GPT of the shape flags, else nil: a short SFT is to be run.
    func startingPolicy(folder: RunFolder) throws -> GPT<Float>? {
        if let initCheckpoint { return try StartingPolicy.read(from: initCheckpoint) }
        if FileManager.default.fileExists(atPath: folder.sftCheckpoint.path) {
            print("starting from \(folder.sftCheckpoint.path)")
            return try StartingPolicy.read(from: folder.sftCheckpoint.path)
        }
        guard fresh else { return nil }
        let shape: GPTConfiguration
        do {
            shape = try GPTConfiguration(
                layers: layers ?? 4, width: width ?? 128, heads: heads ?? 4, context: context ?? 128, vocabulary: Tokenizer.vocabularySize
            ).validated()
        } catch { throw CommandError("model: \(error.description)") }
        return try GPT(configuration: shape, head: .languageModel, stream: RandomStream(seed: options.seed ?? 0, name: "train/policy-init"))
    }

    /// The short-SFT starting point: `vapo sft`'s defaults (4-digit addition, the default GPT) for
    /// `--sft-steps` steps, saved as the run folder's `sft.safetensors` for later runs to reuse.
    func shortSFT(into folder: RunFolder) throws -> GPT<Float> {
        var sft = SFTConfiguration()
        sft.steps = sftSteps ?? 300
        sft.seed = options.seed ?? 0
        print("short SFT: \(sft.steps) steps of \(sft.task) up to difficulty \(sft.maxDifficulty ?? 0), saved as \(folder.sftCheckpoint.path)")
        let outcome = try SFTRun.run(sft) { p in
            print(String(format: "sft step %5d  loss %.4f  held-out greedy %5.1f%%  %6.1f s", p.step, p.loss, 100 * p.accuracy, p.elapsed))
            fflush(nil)  // a piped log shows each line as it happens
        }
        try outcome.checkpoint.write(to: folder.sftCheckpoint.path)
        return outcome.checkpoint.model
    }

    /// The RL loop from the trainer's step on, appending to the run's files when `resuming`: a held-out
    /// evaluation before the first step (unless `before`, the run's step-0 line, is given), a metrics line and a progress line per step, a checkpoint every
    /// `--checkpoint-every` steps and after the last.
    func train(_ trainer: Trainer<Float>, in folder: RunFolder, dumpingRollouts: Bool, resuming: Bool, before given: [String: Double]?) throws {
        let c = trainer.configuration
        let metrics = try MetricsWriter(url: folder.metrics, appending: resuming)
        let rollouts = dumpingRollouts ? try MetricsWriter(url: folder.rollouts, appending: true) : nil  // created by run()
        var display = ProgressDisplay()
        print("vapo train: \(c.algorithm.rawValue) on \(c.task), \(steps) steps of \(c.promptsPerStep) × \(c.samplesPerPrompt), "
            + "\(Parallel.threadCount) thread(s), run folder \(folder.url.path)")
        fflush(nil)
        var before: [String: Double]
        if let given {
            before = given
        } else {
            before = try trainer.evaluate()
            try metrics.write(step: 0, before)
        }
        let accuracyKey = HeldOutEvaluation.passAt1Key(task: trainer.task.name)
        let clock = ContinuousClock()
        let start = clock.now
        let firstStep = trainer.completedSteps
        func elapsed() -> Double { seconds(start.duration(to: clock.now)) }
        // The critic's set-up (reward model, Value-Pretraining) can take minutes: a line per set-up step, and the
        // remaining time estimated from RL steps alone. The time limit still counts the set-up.
        trainer.setUpProgress = { record in
            print(ProgressDisplay.setUpLine(record, configuration: c, elapsed: elapsed()))
            fflush(nil)
        }
        try trainer.prepare()
        trainer.setUpProgress = nil
        // The critic against Monte-Carlo truth as RL starts and as it ends (a small probe: seconds).
        let startProbe = trainer.completedSteps == 0 ? try criticProbe(trainer) : nil
        if let startProbe {
            print(criticLine("critic at the start", startProbe))
            fflush(nil)
        }
        let rlStart = elapsed()
        var last: [String: Double] = [:]
        var endFigures: CriticProbeReport?
        var saved = trainer.completedSteps
        while trainer.completedSteps < steps {
            last = try trainer.step()
            let step = trainer.completedSteps
            let overTime = timeLimit.map { elapsed() > $0 } ?? false
            if step == 1, let startProbe { last.merge(Self.probeMetrics(startProbe, phase: "start"), uniquingKeysWith: { $1 }) }
            if step == steps || overTime, let endProbe = try criticProbe(trainer) {
                last.merge(Self.probeMetrics(endProbe, phase: "end"), uniquingKeysWith: { $1 })
                endFigures = endProbe
            }
            try metrics.write(step: step, last)
            if let rollouts, let (rollout, estimate) = trainer.lastRollout {
                try rollouts.write(lines: RolloutDump.lines(step: step, rollout: rollout, estimate: estimate))
            }
            let time = elapsed()
            if step % checkpointEvery == 0 || step == steps || overTime {
                try folder.save(trainer.checkpoint(), step: step, keep: keepCheckpoints)
                saved = step
            }
            var left = (time - rlStart) / Double(step - firstStep) * Double(steps - step)
            if let timeLimit { left = min(left, max(0, timeLimit - time)) }
            display.show(
                ProgressDisplay.line(step: step, of: steps, metrics: last, accuracyKey: accuracyKey, elapsed: time, left: overTime ? 0 : left),
                keep: last[accuracyKey] != nil || step == steps || overTime)
            if overTime { break }
        }
        display.finish()
        // No step ran (`--steps 0`, or a resumed run already at --steps): the checkpoint of this step is written
        // again after `prepare()`, so that it holds the critic as set up (`vapo probe-critic` reads it).
        if saved != trainer.completedSteps || trainer.completedSteps == firstStep {
            try folder.save(trainer.checkpoint(), step: trainer.completedSteps, keep: keepCheckpoints)
        }
        let after = last[accuracyKey] != nil ? last : try trainer.evaluate()
        let path = folder.checkpoint(step: trainer.completedSteps)
        printTable(before: before[accuracyKey], after: after[accuracyKey], task: c.task, steps: trainer.completedSteps, seconds: elapsed())
        if startProbe != nil || endFigures != nil { printCriticTable(start: startProbe, end: endFigures) }
        print("wrote \(folder.config.path), \(folder.metrics.path), \(path.path)" + (dumpingRollouts ? ", \(folder.rollouts.path)" : ""))
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
        print("critic against Monte-Carlo values (\(options.problems) held-out problems, K = \(options.continuations); vapo probe-critic measures more):")
        print("          EV(V_MC)  EV(returns)  ceiling  first-error change (V_MC)")
        for (name, report) in [("  start", start), ("  end  ", end)] {
            guard let report else {
                print("\(name)         -            -        -  -")
                continue
            }
            let o = report.overall
            var drop = "-"
            if let e = report.firstError, let critic = e.criticDrop, let truth = e.monteCarloDrop { drop = String(format: "%+.2f (%+.2f)", critic, truth) }
            print(String(format: "%@     %5.2f        %5.2f    %5.2f  %@", name, o.explainedVarianceMonteCarlo, o.explainedVarianceReturns, o.ceilingReturns, drop))
        }
    }

    func printTable(before: Double?, after: Double?, task: String, steps: Int, seconds: Double) {
        func percent(_ value: Double?) -> String { value.map { String(format: "%6.1f%%", 100 * $0) } ?? "      -" }
        let gain = (before != nil && after != nil) ? String(format: "%+6.1f", 100 * (after! - before!)) : "     -"
        print("held-out greedy accuracy (\(task)), \(steps) RL steps in \(ProgressDisplay.clock(seconds)):")
        print("  before   after   points")
        print("\(percent(before)) \(percent(after))   \(gain)")
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys: deterministic bytes.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

/// A duration in seconds.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
