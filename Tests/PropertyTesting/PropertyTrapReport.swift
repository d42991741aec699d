import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The input of the property body running in the current task, and the signal handler that prints it when the
/// body traps (SIGILL on x86-64, SIGTRAP on arm64; SIGABRT and SIGSEGV for completeness), then lets the signal
/// do what it did before (the Swift runtime's backtrace, or the default action).
public enum PropertyTrapReport {
    /// An input, kept unformatted: describing every input of every property up front would cost more than the
    /// properties themselves; it is described only if its body traps.
    final class Input: @unchecked Sendable {
        let value: Any
        let test: String
        init(_ value: Any, test: String) {
            self.value = value
            self.test = test
        }
    }

    @TaskLocal static var current: Input?

    /// Runs `body` with `value` recorded as the current property input.
    static func recording<Value>(_ value: Value, _ body: () async throws -> Void) async throws {
        _ = installed
        try await $current.withValue(Input(value, test: Test.current?.name ?? "a test")) { try await body() }
    }

    /// The text the handler writes for `input`.
    static func report(_ input: Input) -> String {
        var text = String(describing: input.value)
        if text.count > 4000 { text = String(text.prefix(4000)) + "…" }
        return "\nproperty body trapped in \"\(input.test)\" on input: \(text)\n"
    }

    static let signals = [SIGILL, SIGTRAP, SIGABRT, SIGSEGV]

    /// Installs the handler once, keeping each signal's previous action to hand the signal on to.
    static let installed: Void = {
        for signal in signals {
            var action = sigaction()
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))  // the handler runs once; the re-raised signal gets the previous action
            withUnsafeMutablePointer(to: &action) { pointer in
                #if canImport(Glibc)
                pointer.pointee.__sigaction_handler.sa_handler = reportTrap
                #else
                pointer.pointee.__sigaction_u.__sa_handler = reportTrap
                #endif
            }
            var old = sigaction()
            sigaction(signal, &action, &old)
            previousActions[Int(signal)] = old
        }
    }()
}

/// The actions the handler replaced, by signal number (written once, before any handler can run).
private nonisolated(unsafe) let previousActions: UnsafeMutablePointer<sigaction> = {
    let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    actions.initialize(repeating: sigaction(), count: 65)
    return actions
}()

private func reportTrap(_ signal: Int32) {
    // Best effort in a process about to die: formatting allocates, which a signal handler should not; a trap
    // inside the allocator itself would lose this line, never the crash.
    if let input = PropertyTrapReport.current {
        let text = PropertyTrapReport.report(input)
        _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }
    sigaction(signal, previousActions + Int(signal), nil)
    raise(signal)
}
