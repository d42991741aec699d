// Specs/vapo.md, "The command line: `vapo train`": the RL loop, its metrics, checkpoints and progress lines.
import Foundation
import Kernels
import Training
import VAPO

extension TrainCommand {
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
            if step == 1, let startProbe { last.merge(Self.probeMetrics(startProbe, phase: .start), uniquingKeysWith: { $1 }) }
            if final, let endProbe = try criticProbe(trainer) {
                last.merge(Self.probeMetrics(endProbe, phase: .end), uniquingKeysWith: { $1 })
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
}
