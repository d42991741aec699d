// Specs/checkpoints.md, "Atomic writes".
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Checkpoint {
    /// Writes the checkpoint to `path` atomically: the bytes go to a temporary file in the same directory
    /// (`.<name>.tmp-<pid>`), which is fsynced, renamed over `path`, and the directory is fsynced. A reader
    /// sees the old file or the new one, never a mix; if any step fails the temporary file is removed and
    /// an existing file at `path` is untouched.
    public func write(to path: String) throws {
        try writeAtomically(encoded(path: path), to: path)
    }

    /// Replaces the file at `path` with `bytes` with the same atomicity and durability as `write(to:)`: for a
    /// run's other files (metrics cut back on resume) that must never be seen half-written.
    public static func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
        try writeAtomically(bytes, to: path)
    }

    /// Reads and checks the checkpoint at `path` (see `init(decoding:path:checksum:)`).
    public static func read(from path: String, checksum: ChecksumPolicy = .required) throws -> Checkpoint {
        try Checkpoint(decoding: readWholeFile(path), path: path, checksum: checksum)
    }
}

private func systemError(_ path: String, _ operation: String, _ code: Int32 = errno) -> CheckpointError {
    .io(path: path, operation: operation, reason: String(cString: strerror(code)))
}

/// The whole file; `fileMissing` when there is none.
func readWholeFile(_ path: String) throws -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        throw errno == ENOENT ? CheckpointError.fileMissing(path: path) : systemError(path, "open")
    }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count >= 0 else { throw systemError(path, "read") }
        if count == 0 { return bytes }
        bytes.append(contentsOf: chunk[0..<count])
    }
}

/// The directory part of `path` ("." when it has none) and the file name.
private func split(_ path: String) -> (directory: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let directory = String(path[..<slash])
    return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
}

/// Replaces `path` with `bytes` atomically and durably (see `Checkpoint.write(to:)`).
func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let (directory, name) = split(path)
    guard !name.isEmpty else { throw CheckpointError.invalidContent(path: path, reason: "the path names a directory, not a file") }
    let temporary = directory + "/." + name + ".tmp-\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw systemError(path, "creating the temporary file \(temporary)") }
    var failure: CheckpointError? = nil
    var written = 0
    let stop = KillDuringWrite.beginWrite()  // nil outside tests
    var end = bytes.count
    if case .afterBytes(let count) = stop { end = min(count, bytes.count) }
    while written < end {
        let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, end - written) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { failure = systemError(path, "writing \(temporary)"); break }
        written += count
    }
    if case .afterBytes = stop { KillDuringWrite.kill() }
    if failure == nil && fsync(descriptor) != 0 { failure = systemError(path, "fsync of \(temporary)") }
    // Closed exactly once, whatever happened: a second close could close a descriptor another thread just opened.
    if close(descriptor) != 0 && failure == nil { failure = systemError(path, "closing \(temporary)") }
    if let failure {
        unlink(temporary)
        throw failure
    }
    if stop == .beforeRename { KillDuringWrite.kill() }
    guard rename(temporary, path) == 0 else {
        let code = errno
        unlink(temporary)
        throw systemError(path, "renaming \(temporary) over it", code)
    }
    let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard directoryDescriptor >= 0 else { throw systemError(path, "opening its directory \(directory) to fsync it") }
    defer { close(directoryDescriptor) }
    guard fsync(directoryDescriptor) == 0 else { throw systemError(path, "fsync of its directory \(directory)") }
}
