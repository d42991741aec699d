import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program run as its user runs it, in a child process whose standard output and error go to files, never
/// pipes (a pipe read can be interrupted by another test's child process): the built `vapo` (`vapo(_:)`) or
/// any executable (`git` for the revision a build reports).
public struct ChildProcess {
    public let process: Process
    let folder: URL

    /// What a finished child printed, and how it ended.
    public struct Result {
        public let status: Int32
        public let output: String
        public let errors: String
        /// Whether it ended by a signal (then `status` is the signal's number).
        public let signalled: Bool
        /// Standard output's lines (the last, after the final newline, empty).
        public var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        /// Standard error's first line, or "".
        public var firstErrorLine: String { errors.split(separator: "\n").first.map(String.init) ?? "" }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The built `vapo` beside the test bundle (`swift test` builds it there).
    public static func vapoExecutable() throws -> URL {
        guard let found = builtExecutable("vapo") else {
            throw Failure(description: "no built vapo executable beside \(Bundle.main.bundleURL.path); build it first (swift build -c release)")
        }
        return found
    }

    /// Starts `executable` (default: the built `vapo`) with `arguments` in `folder` (default: the current one),
    /// with `environment` added to this process's.
    public static func start(
        _ arguments: [String], executable: URL? = nil, in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> ChildProcess {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let outputURL = folder.appendingPathComponent("stdout"), errorsURL = folder.appendingPathComponent("stderr")
        for url in [outputURL, errorsURL] { try Data().write(to: url) }
        let process = Process()
        process.executableURL = try executable ?? vapoExecutable()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorsURL)
        try process.run()
        return ChildProcess(process: process, folder: folder)
    }

    /// Runs a child to its end as `start` starts it; one still running after `timeout` seconds is killed and a
    /// `Failure` thrown.
    public static func run(
        _ arguments: [String], executable: URL? = nil, in directory: URL? = nil, environment: [String: String] = [:], timeout: Double = 120
    ) throws -> Result {
        try start(arguments, executable: executable, in: directory, environment: environment).finish(timeout: timeout)
    }

    /// Waits for the child to end (killing it after `timeout` seconds: a `Failure`), and returns what it printed.
    public func finish(timeout: Double = 120) throws -> Result {
        defer { try? FileManager.default.removeItem(at: folder) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "\(process.executableURL?.lastPathComponent ?? "") \(process.arguments ?? []) still ran after \(timeout) s")
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            output: try String(contentsOf: folder.appendingPathComponent("stdout"), encoding: .utf8),
            errors: try String(contentsOf: folder.appendingPathComponent("stderr"), encoding: .utf8),
            signalled: process.terminationReason == .uncaughtSignal)
    }

    /// Waits up to `timeout` seconds until `condition` holds while the child runs; whether it held.
    public func wait(upTo timeout: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            if condition() { return true }
            usleep(1_000)
        }
        return condition()
    }
}
