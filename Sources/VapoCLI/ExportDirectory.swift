// Specs/export.md, "vapo export": an export directory appears whole or not at all.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Publishes an export directory atomically: its files are written into a temporary sibling directory, which
/// is renamed to the destination only when every file is written. A failure removes the temporary directory,
/// so the destination never holds part of an export, and a user's files are never overwritten.
enum ExportDirectory {
    /// Refuses a destination that exists and is not an empty directory.
    static func checkFree(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw CommandError("--out: \(path) is a file; allowed: a new directory or an empty one (nothing is overwritten)")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard entries.isEmpty else {
            throw CommandError("--out: \(path) is not empty (\(entries.count) entries); allowed: a new directory or an empty one (nothing is overwritten)")
        }
    }

    /// Calls `write` with a fresh temporary directory beside `path`, then renames it to `path` (which must be
    /// absent or an empty directory; checked again just before the rename). Returns the names of the files
    /// written, sorted.
    static func publish(at path: String, _ write: (URL) throws -> Void) throws -> [String] {
        try checkFree(path)
        let destination = URL(fileURLWithPath: path).standardizedFileURL
        let parent = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let temporary = parent.appendingPathComponent(".\(destination.lastPathComponent).tmp-\(getpid())")
        try? FileManager.default.removeItem(at: temporary)
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false)
        do {
            try write(temporary)
            try checkFree(path)
            // rename(2) replaces an empty directory and refuses a non-empty one, so a directory filled since the
            // check is not overwritten either.
            guard rename(temporary.path, destination.path) == 0 else {
                throw CommandError("--out: cannot rename \(temporary.path) to \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        return try FileManager.default.contentsOfDirectory(atPath: destination.path).sorted()
    }
}
