import ArgumentParser
import Foundation

/// The files of a `vapo train` run folder: `config.json` (the resolved configuration), `metrics.jsonl`,
/// `rollouts.jsonl` (with `--dump-rollouts`) and `checkpoint-step-<N>.safetensors`; `sft.safetensors`, the
/// starting point of the default run, is an input that a later run may reuse.
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
                "--out: \(url.path) already holds a run (\(first)); allowed: a new folder (or --resume, not yet possible)")
        }
    }

    /// Creates the folder (and its parents) if needed.
    func create() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
}
