import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The built `vapo` run as its user runs it, in a child process whose output goes to files (a pipe read can be
/// interrupted by another test's child process).
struct VapoProcess {
    let process: Process
    let folder: URL

    /// What a finished child printed, and how it ended.
    struct Result {
        let status: Int32
        let output: String
        let errors: String
        /// Standard output's lines.
        var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `vapo <arguments>`, with `environment` added to this process's.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> VapoProcess {
        guard let executable = builtExecutable("vapo") else {
            throw Failure(description: "no built vapo executable beside \(Bundle.main.bundleURL.path); build it first (swift build -c release)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vapo-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let outputURL = folder.appendingPathComponent("stdout"), errorsURL = folder.appendingPathComponent("stderr")
        for url in [outputURL, errorsURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorsURL)
        try process.run()
        return VapoProcess(process: process, folder: folder)
    }

    /// Runs `vapo <arguments>` to its end (killed, and a `Failure` thrown, after `timeout` seconds).
    static func run(_ arguments: [String], timeout: Double = 120) throws -> Result {
        try start(arguments).finish(timeout: timeout)
    }

    /// Waits for the child to end (killing it after `timeout` seconds: a `Failure`), and returns what it printed.
    func finish(timeout: Double = 120) throws -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "vapo \(process.arguments ?? []) still ran after \(timeout) s")
        }
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: folder) }
        return Result(
            status: process.terminationStatus,
            output: try String(contentsOf: folder.appendingPathComponent("stdout"), encoding: .utf8),
            errors: try String(contentsOf: folder.appendingPathComponent("stderr"), encoding: .utf8))
    }

    /// Waits up to `timeout` seconds until `condition` holds while the child runs; whether it held.
    func wait(upTo timeout: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            if condition() { return true }
            usleep(1_000)
        }
        return condition()
    }
}
