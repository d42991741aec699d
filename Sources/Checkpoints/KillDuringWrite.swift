// Specs/reliability.md, "Resume and checkpoints" and "The command line": a kill inside an atomic write, for the tests.
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fault-injection point for the tests of Specs/reliability.md ("Resume and checkpoints"): with the
/// environment variable `VAPO_TEST_KILL_DURING_WRITE=<n>[:<bytes>]`, the process kills itself with SIGKILL
/// during its n-th atomic write (1-based, counting every `writeAtomically` of the process), after `bytes` bytes
/// of the temporary file are written, or, without `:<bytes>`, once the whole temporary file is written, fsynced
/// and closed, just before it is renamed over its target: the two moments where a kill leaves a temporary file
/// beside an intact older one. A kill at a random moment lands in a write only by luck; this lands there
/// every time. Unset (always, outside tests), it costs one comparison per write.
enum KillDuringWrite {
    /// Where a write stops.
    enum Point: Equatable {
        /// After this many bytes of the temporary file.
        case afterBytes(Int)
        /// With the temporary file complete, before the rename.
        case beforeRename
    }

    /// Which write to stop in, and where; nil when the variable is unset. A value of another form stops the
    /// process with one line at its first write: a test that meant to kill must not pass by writing normally.
    static let target: (write: Int, point: Point)? = {
        guard let text = getenv("VAPO_TEST_KILL_DURING_WRITE").map({ String(cString: $0) }) else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard let write = parts.first ?? nil, write >= 1, parts.count <= 2, parts.count == 1 || (parts[1] ?? -1) >= 0 else {
            fatalError("VAPO_TEST_KILL_DURING_WRITE is \(text.debugDescription); allowed: <n>[:<bytes>], n ≥ 1 and bytes ≥ 0")
        }
        return parts.count == 2 ? (write, .afterBytes(parts[1]!)) : (write, .beforeRename)
    }()

    private static let writes = Mutex(0)

    /// Counts a write starting; where this write must stop, or nil to finish it.
    static func beginWrite() -> Point? {
        guard let target else { return nil }
        let number = writes.withLock { count in
            count += 1
            return count
        }
        return number == target.write ? target.point : nil
    }

    /// Ends the process as a SIGKILL does.
    static func kill() -> Never {
        raise(SIGKILL)
        _exit(137)
    }
}
