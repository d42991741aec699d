// Specs/vapo.md, "Metrics": the metrics lines.
import Foundation
import StrictJSON

/// Writes metrics as JSON lines, one object per step, `{"step": N, "data": {...}}` (verl's file logger),
/// with the keys of `data` sorted so that equal metrics give equal bytes. Numbers are written in Swift's
/// shortest round-trip form; a NaN or an infinity, which JSON cannot hold, is written as null.
public final class MetricsWriter {
    private let handle: FileHandle

    /// Creates the file at `url` and writes to it; an existing file is an error (no run's file is ever
    /// overwritten) unless `appending`, which continues it (a resumed run).
    public init(url: URL, appending: Bool = false) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: url.path) {
            guard appending else { throw CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: url.path]) }
        } else {
            guard manager.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    /// Appends the line of `step` and flushes it to the file.
    public func write(step: Int, _ metrics: Metrics) throws {
        try handle.write(contentsOf: Data((Self.line(step: step, metrics) + "\n").utf8))
        try handle.synchronize()
    }

    /// Appends `lines` (each without its newline), for other JSON-lines files of a run such as rollout dumps.
    public func write(lines: [String]) throws {
        try handle.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
        try handle.synchronize()
    }

    /// The JSON line of one step (without the newline).
    public static func line(step: Int, _ metrics: Metrics) -> String {
        let fields = metrics.keys.sorted().map { "\(JSONWriter.quoted($0)): \(number(metrics[$0]!))" }
        return "{\"step\": \(step), \"data\": {" + fields.joined(separator: ", ") + "}}"
    }

    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
}
