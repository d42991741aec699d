// Specs/reliability.md, "The command line": the line a signal prints.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What Ctrl-C (SIGINT) or SIGTERM prints before the command exits: one line saying what was kept and how to
/// continue. The line is set as the run moves on (a short SFT cannot be resumed, a run with a checkpoint can);
/// the handler only writes bytes prepared beforehand and exits, which is all a signal handler may do.
enum Interruption {
    /// Makes SIGINT and SIGTERM print `line` on standard error and exit with 128 + the signal's number; with
    /// `stoppingChildren`, first send SIGTERM to the experiment runner's children (`ExperimentChildren`).
    static func onSignal(print line: String, stoppingChildren: Bool = false) {
        interruptionLine = strdup("\n" + line + "\n")  // the previous line is never freed: a handler may be reading it
        interruptionStopsChildren = stoppingChildren
        if stoppingChildren { _ = ExperimentChildren.deferringToLaunch(0) }  // its flags exist before any signal
        signal(SIGINT, handleInterruption)
        signal(SIGTERM, handleInterruption)
        // A parent may have started us with the signals blocked (the mask is inherited): unblock them here.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// What the handler does: stop the experiment runner's children if asked to, print the line, and exit with
    /// 128 + `signal`. Async-signal-safe.
    static func stop(_ signal: Int32) -> Never {
        if interruptionStopsChildren { ExperimentChildren.stopAll() }
        if let line = interruptionLine { _ = write(STDERR_FILENO, line, strlen(line)) }
        _exit(128 + signal)
    }
}

/// The line the handler writes (C memory: a signal handler must not touch Swift's runtime).
private nonisolated(unsafe) var interruptionLine: UnsafeMutablePointer<CChar>? = nil

/// Whether the handler stops the experiment runner's children first.
private nonisolated(unsafe) var interruptionStopsChildren = false

/// The handler; while the experiment runner is launching a child, it leaves the stop to the runner
/// (`ExperimentChildren.endLaunch`), which then knows that child too.
private func handleInterruption(_ signal: Int32) {
    if interruptionStopsChildren && ExperimentChildren.deferringToLaunch(signal) { return }
    Interruption.stop(signal)
}
