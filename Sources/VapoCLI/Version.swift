// Specs/training.md, "Command line": `vapo --version`.
/// The version `vapo --version` prints: the package's version, kept here and nowhere else, and the git
/// revision the binary was built from (`buildRevision`, generated at build time by Plugins/BuildRevision).
enum Version {
    /// The package's version.
    static let package = "0.1.0"

    /// One line, e.g. `vapo 0.1.0 (git ff848fa, built from a clean tree)`, `… (git ff848fa, with uncommitted
    /// changes)` or `vapo 0.1.0 (revision unknown)` when the build was not from a git checkout.
    static var text: String { "vapo \(package) (\(buildRevision))" }
}
