// Specs/training.md, "Command line": a refusal in one line, `Error: …`, exit 1.
/// A refusal of a command: one line naming the flag or file, what it is and what is allowed. `Vapo.main()`
/// prints it as `Error: <description>` with no usage text, so the line stands alone; the exit code is 1.
struct CommandError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
