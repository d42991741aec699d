// Specs/reliability.md, "Determinism scope": `--threads`, set for the command's task only.
import Kernels

/// Runs `body` on the `--threads` asked for (`threads`; nil: the process default), set for this command's task
/// only (`Parallel.withThreadCount`), not for the process: tests run commands in-process while other suites
/// run, and a process-wide setting would outlive the command and reach their work.
func onThreads<R>(_ threads: Int?, _ body: () throws -> R) rethrows -> R {
    guard let threads else { return try body() }
    return try Parallel.withThreadCount(threads, body)
}
