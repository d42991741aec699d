import Foundation
import TestSupport
import Testing

/// The `vapo` commands, their errors, help and version, run as the user runs them: the built executable in a
/// child process (`swift test` builds it next to the test bundle).
@Suite("Command line")
struct CommandLineTests {
    /// Runs `vapo` with `arguments`; returns the exit status, standard output and standard error.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String)? {
        let result = try ChildProcess.run(arguments)
        return (result.status, result.output, result.errors)
    }

    @Test("bad input to any command, and a command line the parser cannot read, is exactly one line `Error: …` on standard error naming what was given and what is allowed, no usage text, and exit status 1, before any work", arguments: [
        (["sft", "--batch-size", "0"], "Error: --batch-size is 0; allowed: 1...4096"),
        (["sft", "--task", "sorting"], #"Error: --task is "sorting"; allowed: addition, multiplication, counting, countdown"#),
        (["sft", "--max-digits", "9"], "Error: --max-difficulty is 9; allowed: 1...6 for addition"),
        (["sft", "--lr", "0"], "Error: --lr is 0.0; allowed: (0, 1]"),
        (["sft", "--heads", "3"], "Error: --heads is 3; allowed: a divisor of width 128"),
        (["sft", "--sequence-length", "40"], "Error: --sequence-length is 40; allowed: 85...128 (the longest addition sequence at difficulty 4 to the context)"),
        (["sft", "--target-accuracy", "95"], "Error: --target-accuracy is 95.0; allowed: (0, 1]"),
        (["sft", "--threads", "0"], "Error: --threads is 0; allowed: 1...64"),
        (["eval", "--checkpoint", "/nonexistent/policy.safetensors"], "Error: --checkpoint: /nonexistent/policy.safetensors does not exist; allowed: policy.safetensors written by vapo sft or checkpoint-step-N.safetensors written by vapo train"),
        (["eval", "--checkpoint", "policy.safetensors", "--threads", "0"], "Error: --threads is 0; allowed: 1...64"),
        (["sample", "--checkpoint", "/nonexistent/policy.safetensors"], "Error: --checkpoint: /nonexistent/policy.safetensors does not exist; allowed: a policy checkpoint written by vapo sft or vapo train"),
        (["probe-critic", "--checkpoint", "checkpoint-step-2.safetensors", "--problems", "0"], "Error: --problems is 0; allowed: 1...100000"),
        (["demo", "--steps", "0"], "Error: --steps is 0; allowed: 1...100000"),
        (["eval", "--checkpoint", "policy.safetensors", "--bogus"], "Error: Unknown option '--bogus'"),
        (["eval", "--checkpoint"], "Error: Missing value for '--checkpoint <checkpoint>'"),
        (["evaluate"], "Error: Unexpected argument 'evaluate'"),
    ])
    func badInput(arguments: [String], message: String) throws {
        guard let (status, output, errors) = try Self.run(arguments) else { return }
        #expect(status == 1)
        #expect(errors == message + "\n")
        #expect(output.isEmpty)
    }

    @Test("--help prints the help of the root command and of a subcommand on standard output, nothing on standard error, and exits 0; the root's help states the exit statuses", arguments: [
        (["--help"], "OVERVIEW: VAPO: value-based reinforcement learning"),
        (["eval", "--help"], "OVERVIEW: Evaluate a policy checkpoint"),
        (["help", "eval"], "OVERVIEW: Evaluate a policy checkpoint"),
    ])
    func help(arguments: [String], overview: String) throws {
        guard let (status, output, errors) = try Self.run(arguments) else { return }
        #expect(status == 0)
        #expect(output.hasPrefix(overview), "\(output.prefix(200))")
        #expect(output.contains("USAGE: vapo"))
        #expect(errors.isEmpty)
        if arguments == ["--help"] {
            #expect(output.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains("Exit status: 0 on success, and for --help and --version; 1 on any error"))
        }
    }

    @Test("vapo --version prints one line: vapo, the package version and the short hash of the git revision built from (or revision unknown outside a git checkout), and exits 0")
    func version() throws {
        let git = URL(fileURLWithPath: "/usr/bin/git")
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let head = FileManager.default.isExecutableFile(atPath: git.path)
            ? try ChildProcess.run(["rev-parse", "--short", "HEAD"], executable: git, in: package) : nil
        let revision = head.flatMap { $0.status == 0 ? "git " + $0.output.trimmingCharacters(in: .whitespacesAndNewlines) + ", " : nil }
        guard let (status, output, errors) = try Self.run(["--version"]) else { return }
        #expect(status == 0)
        #expect(errors.isEmpty)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "\(output)")
        #expect(output.hasPrefix("vapo "), "\(output)")
        #expect(output.contains("(" + (revision ?? "revision unknown")), "\(output)")
    }
}
