import ArgumentParser
import Checkpoints
import Foundation

/// The files of a `vapo train` run folder: `config.json` (the resolved configuration), `metrics.jsonl`,
/// `rollouts.jsonl` (with `--dump-rollouts`) and `checkpoint-step-<N>.safetensors` (the trainer's full state
/// after step N, the newest `--keep-checkpoints` of them); `sft.safetensors`, the starting point of the default
/// run, is an input that a later run may reuse.
struct RunFolder {
    let url: URL

    var config: URL { url.appendingPathComponent("config.json") }
    var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
    var rollouts: URL { url.appendingPathComponent("rollouts.jsonl") }
    var sftCheckpoint: URL { url.appendingPathComponent("sft.safetensors") }
    func checkpoint(step: Int) -> URL { url.appendingPathComponent("checkpoint-step-\(step).safetensors") }

    /// Fails, before anything is written, when the folder already holds a run's output (any file other
    /// than a reusable `sft.safetensors`): no file of an existing run is ever overwritten.
    func checkNew() throws {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: url.path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else {
            throw CommandError("--out: \(url.path) is a file; allowed: a new or empty folder")
        }
        let existing = (try manager.contentsOfDirectory(atPath: url.path)).filter { $0 != "sft.safetensors" }.sorted()
        if let first = existing.first {
            throw CommandError(
                "--out: \(url.path) already holds a run (\(first)); allowed: a new folder, or --resume to continue it")
        }
    }

    /// Creates the folder (and its parents) if needed.
    func create() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
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
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) where name.hasPrefix(".") && name.contains(".tmp-") {
            try FileManager.default.removeItem(at: url.appendingPathComponent(name))
        }
    }

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
}
