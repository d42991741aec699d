// Specs/training.md, "Command line": the `vapo` tool, its subcommands and one error style.
import ArgumentParser
import Foundation

/// The `vapo` command-line tool: its subcommands, its version, and one error style for every command.
@main
struct Vapo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vapo",
        abstract: "VAPO: value-based reinforcement learning for reasoning, reference implementation.",
        discussion: """
            Exit status: 0 on success, and for --help and --version; 1 on any error: a command line that \
            cannot be read (an unknown flag, a missing value) or input a command refuses (a value out of \
            range, a file of the wrong kind) or cannot process. An error is one line on standard error, \
            "Error: " and the message naming what was given and what is allowed, with no usage text.
            """,
        version: Version.text,
        subcommands: [
            DemoCommand.self, SFTCommand.self, EvalCommand.self, TrainCommand.self, PresetsCommand.self, SampleCommand.self, ProbeCriticCommand.self,
            ExperimentCommand.self, ReportCommand.self, ExportCommand.self,
        ])

    /// Parses the command line and runs the command. Help and the version print as ArgumentParser prints
    /// them; any error prints `Error: <message>` on one line of standard error and exits with status 1.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            let message = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(1)
        }
    }
}
