// Specs/vapo.md, "The command line: `vapo train`", and Specs/reliability.md, "Resume and checkpoints": the run folder.
import ArgumentParser
import Checkpoints
import Foundation
import Training
import VAPO

/// The files of a run folder of `vapo train` or `vapo sft`: `config.json` (the resolved configuration),
/// `metrics.jsonl` and `checkpoint-step-<N>.safetensors` (the run's full state after step N, the newest
/// `--keep-checkpoints` of them); for `vapo train`, `rollouts.jsonl` (with `--dump-rollouts`) and
/// `sft.safetensors`, the starting point of the default run, an input that a later run may reuse; for `vapo sft`,
/// once it has stopped, `policy.safetensors` and `evaluation.txt`.
struct RunFolder {
    let url: URL

    var config: URL { url.appendingPathComponent("config.json") }
    var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
    var rollouts: URL { url.appendingPathComponent("rollouts.jsonl") }
    var sftCheckpoint: URL { url.appendingPathComponent("sft.safetensors") }
    var policy: URL { url.appendingPathComponent("policy.safetensors") }
    var evaluation: URL { url.appendingPathComponent("evaluation.txt") }
    func checkpoint(step: Int) -> URL { url.appendingPathComponent("checkpoint-step-\(step).safetensors") }

    /// Fails, before anything is written, when the folder already holds a run's output (any file other than
    /// those named in `reusable`, inputs such as the `sft.safetensors` a `vapo train` run may start from): no
    /// file of an existing run is ever overwritten.
    func checkNew(reusable: Set<String> = []) throws {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: url.path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else {
            throw CommandError("--out: \(url.path) is a file; allowed: a new or empty folder")
        }
        let existing = (try manager.contentsOfDirectory(atPath: url.path)).filter { !reusable.contains($0) && !Self.isUnfinishedWrite($0) }.sorted()
        if let first = existing.first {
            throw CommandError(
                "--out: \(url.path) already holds a run (\(first)); allowed: a new or empty folder, or --resume to continue it")
        }
    }

    /// Creates the folder (and its parents) if needed and checks that files can be created in it, so that an
    /// unwritable `--out` is refused before any work rather than when the first result is saved.
    func create() throws {
        let probe = url.appendingPathComponent(".write-check.tmp-\(getpid())")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try Data().write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            throw CommandError("--out: cannot write in \(url.path) (\((error as NSError).localizedDescription)); allowed: a folder you can write to")
        }
    }

    /// The checkpoints in the folder, by step, oldest first.
    func checkpoints() throws -> [(step: Int, url: URL)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        return names.compactMap { name -> (step: Int, url: URL)? in
            guard name.hasPrefix("checkpoint-step-"), name.hasSuffix(".safetensors"),
                let step = Int(name.dropFirst("checkpoint-step-".count).dropLast(".safetensors".count)), step >= 0
            else { return nil }
            return (step, url.appendingPathComponent(name))
        }.sorted { $0.step < $1.step }
    }

    /// Removes the temporary files of writes a killed run left unfinished (`.<name>.tmp-<pid>`): the files they
    /// would have replaced are intact (the writes are atomic), so nothing is lost.
    func removeUnfinishedWrites() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) where Self.isUnfinishedWrite(name) {
            try FileManager.default.removeItem(at: url.appendingPathComponent(name))
        }
    }

    /// Whether `name` is the temporary file of a write never finished (`.<name>.tmp-<pid>`).
    static func isUnfinishedWrite(_ name: String) -> Bool { name.hasPrefix(".") && name.contains(".tmp-") }

    /// Writes `checkpoint` as the one of `step`, durably, and only then deletes the checkpoints beyond the
    /// newest `keep`: a run killed at any moment still has its last completed checkpoint.
    func save(_ checkpoint: Checkpoint, step: Int, keep: Int) throws {
        try checkpoint.write(to: self.checkpoint(step: step).path)
        for old in try checkpoints().dropLast(keep) { try FileManager.default.removeItem(at: old.url) }
    }

    /// Cuts the JSON-lines file at `file` back to its lines of steps 0...`step` (each line's `"step"`), dropping
    /// later ones and an unfinished last line, atomically; returns the lines kept. A missing file is left missing.
    @discardableResult
    func cut(_ file: URL, throughStep step: Int) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: file.path) else { return [] }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // after the last newline: empty, or a line the killed run did not finish
        let kept = lines.filter { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let number = object["step"] as? NSNumber
            else { return false }
            return number.intValue <= step
        }
        try Checkpoint.writeFileAtomically(Array(kept.map { $0 + "\n" }.joined().utf8), to: file.path)
        return kept
    }

    /// The newest checkpoint of the folder that reads back with a valid checksum, and its step. Corrupted newer
    /// ones are reported on standard error and renamed `<name>.corrupt` (their steps are run again). `command`
    /// names the command whose run folder this is, for the message when there is none.
    func newestValidCheckpoint(of command: String) throws -> (checkpoint: Checkpoint, step: Int) {
        for (step, url) in try checkpoints().reversed() {
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
        throw CommandError("--resume: \(url.path) has no valid checkpoint-step-<N>.safetensors; allowed: a run folder written by \(command)")
    }

    /// Fails unless the folder exists: `--resume` continues a run that is there.
    func checkExists(_ command: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandError("--resume: \(url.path) is not a run folder; allowed: the --out of an earlier \(command)")
        }
    }

    /// Fails unless `checkpoint` is of `kind` (metadata `vapo.kind`): a folder of the other command's run is
    /// named as such, with the command that continues it.
    static func requireKind(of checkpoint: Checkpoint, _ kind: (key: String, value: String), command: String, in folder: RunFolder) throws {
        let found = checkpoint.metadata[kind.key] ?? "(none)"
        guard found != kind.value else { return }
        let owner = [Trainer<Float>.stateKind.value: "vapo train", SFTRun.stateKind.value: "vapo sft"][found]
        throw CommandError("--resume: \(folder.url.path) holds " + (owner.map { "a \($0) run (continue it with \($0) --resume)" } ?? "checkpoints of kind \(found)")
            + "; allowed: the folder of a \(command) run")
    }
}
