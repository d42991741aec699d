// Specs/reliability.md, "Resume and checkpoints": `vapo train --resume`.
import ArgumentParser
import Checkpoints
import Foundation
import Kernels
import VAPO

extension TrainCommand {
    /// The flags given that would change the run (anything but `--steps`, `--time-limit`, `--threads`,
    /// `--checkpoint-every`, `--keep-checkpoints`, `--out`, `--dry-run`): a resumed run is the run in the folder.
    var flagsChangingTheRun: [String] {
        let o = options
        let files: [(String, Bool)] = [("--preset", o.preset != nil), ("--config", o.config != nil)]
        let startingPoint: [(String, Bool)] = [
            ("--init-checkpoint", initCheckpoint != nil), ("--fresh", fresh), ("--sft-steps", sftSteps != nil), ("--layers", layers != nil),
            ("--width", width != nil), ("--heads", heads != nil), ("--context", context != nil), ("--dump-rollouts", dumpRollouts),
        ]
        return files.filter(\.1).map(\.0) + o.fieldsGiven.filter(\.fixedOnResume).compactMap(\.flag) + startingPoint.filter(\.1).map(\.0)
    }

    /// `--resume`: the run in `--out` continued from its newest valid checkpoint (a corrupted newer one is
    /// reported, renamed `<name>.corrupt`, and the one before used), with the folder's `config.json` and the
    /// settings the checkpoint records (its steps to reach, checkpoint interval and count; a flag given changes
    /// them from now on). `metrics.jsonl` and `rollouts.jsonl` are first cut back to the lines of the
    /// checkpoint's steps, so the finished files equal those of a run that never stopped (wall-clock keys
    /// aside). A finished run says so and exits successfully.
    func resumeRun(started: ContinuousClock.Instant) throws {
        if let flag = flagsChangingTheRun.first {
            throw CommandError(
                "--resume: \(flag) would change the run; allowed with --resume: --steps, --time-limit, --threads, --checkpoint-every, --keep-checkpoints")
        }
        let folder = RunFolder(url: URL(fileURLWithPath: out))
        try folder.checkExists("vapo train")
        if !dryRun { try folder.removeUnfinishedWrites() }
        let (checkpoint, step) = try folder.newestValidCheckpoint(of: "vapo train")
        try RunFolder.requireKind(of: checkpoint, Trainer<Float>.stateKind, command: "vapo train", in: folder)
        let configurationText = FileManager.default.contents(atPath: folder.config.path) ?? checkpoint.metadata["vapo.configuration"].map { Data($0.utf8) }
        guard let configurationText else {
            throw CommandError("--resume: \(folder.config.path) is missing; allowed: a run folder written by vapo train")
        }
        let configuration: TrainingConfiguration
        do { configuration = try TrainingConfiguration.decode(json: configurationText) } catch {
            throw CommandError("--resume: \(folder.config.path): \(error.description)")
        }
        var settings = try RunSettings(recordedIn: checkpoint) ?? Self.defaultSettings
        if let steps { settings.steps = steps }
        if let checkpointEvery { settings.checkpointEvery = checkpointEvery }
        if let keepCheckpoints { settings.keepCheckpoints = keepCheckpoints }
        let target = settings.steps ?? Self.defaultSettings.steps!
        guard step <= target else {
            throw CommandError("--steps is \(target) but the run is at step \(step); allowed: \(step) or more with --resume")
        }
        // Finished: at its last step, with the critic set up (a `--steps 0` run killed during the set-up is not).
        if step == target && checkpoint.metadata["vapo.prepared"] == "true" {
            output("\(folder.url.path): the run is finished (step \(step) of \(target)); nothing to do (--steps continues it further)")
            return
        }
        if dryRun {
            output("would resume \(folder.url.path) from \(folder.checkpoint(step: step).lastPathComponent) to step \(target), "
                + "a checkpoint every \(plural(settings.checkpointEvery, "step")), keeping \(settings.keepCheckpoints)")
            output(String(decoding: configuration.jsonData(), as: UTF8.self))
            return
        }
        if !FileManager.default.fileExists(atPath: folder.config.path) {
            // Killed between the first checkpoint and config.json: the checkpoint holds the same resolved configuration.
            try Checkpoint.writeFileAtomically(Array(configurationText), to: folder.config.path)
        }
        let trainer: Trainer<Float>
        do { trainer = try Trainer<Float>(resumingFrom: checkpoint, configuration: configuration) } catch {
            throw CommandError("--resume: \(folder.checkpoint(step: step).path): \(error.description)")
        }
        let kept = try folder.cut(folder.metrics, throughStep: step)
        try folder.cut(folder.rollouts, throughStep: step)
        let dumping = FileManager.default.fileExists(atPath: folder.rollouts.path)
        // Killed before the step-0 line (the evaluation before training) was written: `train` writes it again.
        let before = kept.first.flatMap(Self.stepZeroMetrics)
        guard before != nil || step == 0 else {
            throw CommandError("--resume: \(folder.metrics.path) has no step-0 line; allowed: the metrics of a run written by vapo train")
        }
        output("resuming \(folder.url.path) from \(folder.checkpoint(step: step).lastPathComponent)")
        try train(trainer, in: folder, settings: settings, dumpingRollouts: dumping, resuming: true, before: before, started: started)
    }

    /// The metrics of a step-0 line (the evaluation before training), nil for any other line.
    static func stepZeroMetrics(_ line: String) -> [String: Double]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            (object["step"] as? NSNumber)?.intValue == 0, let data = object["data"] as? [String: Any]
        else { return nil }
        return data.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
