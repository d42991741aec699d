import Foundation
import TestSupport
import Testing

/// The `vapo sft` and `vapo eval` commands, run as the user runs them: the built executable in a child
/// process (`swift test` builds it next to the test bundle).
@Suite("Command line")
struct CommandLineTests {
    /// The `vapo` executable beside the test bundle, or nil (recorded as an issue) when it is not built.
    static var executable: URL? {
        if let found = builtExecutable("vapo") { return found }
        Issue.record("no vapo executable near \(Bundle.main.bundleURL.path); build it with swift build -c release")
        return nil
    }

    /// Runs `vapo` with `arguments`; returns the exit status and standard error. The child writes to files,
    /// not pipes (a pipe read can be interrupted by another test's child process).
    static func run(_ arguments: [String]) throws -> (status: Int32, errors: String)? {
        guard let executable else { return nil }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let errorsURL = directory.appendingPathComponent("stderr"), outputURL = directory.appendingPathComponent("stdout")
        for url in [errorsURL, outputURL] where !FileManager.default.createFile(atPath: url.path, contents: nil) {
            Issue.record("could not create \(url.path)")
            return nil
        }
        let errors = try FileHandle(forWritingTo: errorsURL), output = try FileHandle(forWritingTo: outputURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardError = errors
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        try errors.close()
        try output.close()
        return (process.terminationStatus, try String(contentsOf: errorsURL, encoding: .utf8))
    }

    @Test("bad flags are one clear line naming the flag and the allowed values, and a non-zero exit, before any work", arguments: [
        (["sft", "--batch-size", "0"], "Error: --batch-size is 0; allowed: 1...4096"),
        (["sft", "--task", "sorting"], #"Error: --task is "sorting"; allowed: addition, multiplication, counting, countdown"#),
        (["sft", "--max-digits", "9"], "Error: --max-difficulty is 9; allowed: 1...6 for addition"),
        (["sft", "--lr", "0"], "Error: --lr is 0.0; allowed: (0, 1]"),
        (["sft", "--heads", "3"], "Error: --heads is 3; allowed: a divisor of width 128"),
        (["sft", "--sequence-length", "40"], "Error: --sequence-length is 40; allowed: 85...128 (the longest addition sequence at difficulty 4 to the context)"),
        (["sft", "--target-accuracy", "95"], "Error: --target-accuracy is 95.0; allowed: (0, 1]"),
        (["sft", "--threads", "0"], "Error: --threads is 0; allowed: 1...64"),
        (["eval", "--checkpoint", "/nonexistent/policy.safetensors"], "Error: --checkpoint: /nonexistent/policy.safetensors does not exist; allowed: policy.safetensors written by vapo sft or checkpoint-step-N.safetensors written by vapo train"),
    ])
    func badFlags(arguments: [String], message: String) throws {
        guard let (status, errors) = try Self.run(arguments) else { return }
        #expect(status != 0)
        #expect(errors.split(separator: "\n").first.map(String.init) == message)
    }
}
