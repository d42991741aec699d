import ArgumentParser
import Checkpoints
import Foundation
import Kernels
import VAPO

extension TrainCommand {
    /// The flags given that would change the run (anything but `--steps`, `--time-limit`, `--threads`,
    /// `--checkpoint-every`, `--keep-checkpoints`, `--out`): a resumed run is the run in the folder.
    var flagsChangingTheRun: [String] {
        let o = options
        let given: [(String, Bool)] = [
            ("--algo", o.algo != nil), ("--preset", o.preset != nil), ("--config", o.config != nil), ("--seed", o.seed != nil),
            ("--task", o.task != nil), ("--min-difficulty", o.minDifficulty != nil), ("--max-difficulty", o.maxDifficulty != nil),
            ("--prompts", o.prompts != nil), ("--samples", o.samples != nil), ("--mini-batch", o.miniBatch != nil),
            ("--micro-batch", o.microBatch != nil), ("--epochs", o.epochs != nil), ("--actor-lr", o.actorLr != nil),
            ("--critic-lr", o.criticLr != nil), ("--alpha", o.alpha != nil), ("--mu", o.mu != nil),
            ("--max-new-tokens", o.maxNewTokens != nil), ("--eval-every", o.evalEvery != nil), ("--eval-problems", o.evalProblems != nil),
            ("--init-checkpoint", initCheckpoint != nil), ("--fresh", fresh), ("--sft-steps", sftSteps != nil), ("--layers", layers != nil),
            ("--width", width != nil), ("--heads", heads != nil), ("--context", context != nil), ("--dump-rollouts", dumpRollouts),
        ]
        return given.filter(\.1).map(\.0)
    }

    /// `--resume`: the run in `--out` continued from its newest valid checkpoint (a corrupted newer one is
    /// reported, renamed `<name>.corrupt`, and the one before used), with the folder's `config.json`; `metrics.jsonl` and
    /// `rollouts.jsonl` are first cut back to the lines of the checkpoint's steps, so the finished files equal
    /// those of a run that never stopped (wall-clock keys aside).
    func resumeRun() throws {
        if let flag = flagsChangingTheRun.first {
            throw CommandError(
                "--resume: \(flag) would change the run; allowed with --resume: --steps, --time-limit, --threads, --checkpoint-every, --keep-checkpoints")
        }
        let folder = RunFolder(url: URL(fileURLWithPath: out))
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.url.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandError("--resume: \(folder.url.path) is not a run folder; allowed: the --out of an earlier vapo train")
        }
        try folder.removeUnfinishedWrites()
        let (checkpoint, step) = try newestValidCheckpoint(in: folder)
        if !FileManager.default.fileExists(atPath: folder.config.path), let text = checkpoint.metadata["vapo.configuration"] {
            // Killed between the first checkpoint and config.json: the checkpoint holds the same resolved configuration.
            try Checkpoint.writeFileAtomically(Array(text.utf8), to: folder.config.path)
        }
        guard let data = FileManager.default.contents(atPath: folder.config.path) else {
            throw CommandError("--resume: \(folder.config.path) is missing; allowed: a run folder written by vapo train")
        }
        let configuration = try TrainingConfiguration.decode(json: data)
        guard step <= steps else {
            throw CommandError("--steps is \(steps) but the run is at step \(step); allowed: \(step) or more with --resume")
        }
        if let threads { Parallel.threadCount = threads }
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
        print("resuming \(folder.url.path) from \(folder.checkpoint(step: step).lastPathComponent)")
        try train(trainer, in: folder, dumpingRollouts: dumping, resuming: true, before: before)
    }

    /// The newest checkpoint of the folder that reads back with a valid checksum, and its step. Corrupted newer
    /// ones are reported on standard error and renamed `<name>.corrupt` (their steps are run again).
    func newestValidCheckpoint(in folder: RunFolder) throws -> (Checkpoint, Int) {
        for (step, url) in try folder.checkpoints().reversed() {
            do {
                return (try Checkpoint.read(from: url.path), step)
            } catch {
                let aside = url.appendingPathExtension("corrupt")
                FileHandle.standardError.write(Data(
                    "--resume: \(url.lastPathComponent) is unusable (\(error)); moved aside as \(aside.lastPathComponent), trying the one before\n".utf8))
                try? FileManager.default.removeItem(at: aside)
                try FileManager.default.moveItem(at: url, to: aside)
            }
        }
        throw CommandError("--resume: \(folder.url.path) has no valid checkpoint-step-<N>.safetensors; allowed: a run folder written by vapo train")
    }

    /// The metrics of a step-0 line (the evaluation before training), nil for any other line.
    static func stepZeroMetrics(_ line: String) -> [String: Double]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            (object["step"] as? NSNumber)?.intValue == 0, let data = object["data"] as? [String: Any]
        else { return nil }
        return data.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
