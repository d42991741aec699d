import Foundation
import PackagePlugin

/// The BuildRevision build-tool plugin: a build command writes `BuildRevision.swift`, declaring
/// `let buildRevision` = the git revision of the package's folder when it runs
/// (`git ff848fa, built from a clean tree` or `git ff848fa, with uncommitted changes`), or `revision unknown`
/// when git is missing or the folder is not a git checkout of the package.
///
/// The command runs whenever one of its inputs changed since it last ran: the repository's `HEAD`, index,
/// HEAD reflog, current branch ref and packed refs (a commit, a checkout, a `git add`) and every tracked
/// file (an edit), or when SwiftPM re-plans the build (a file added or removed, a manifest change). A
/// prebuild command would not do: SwiftPM runs those only when it re-plans, so a commit alone would leave
/// the old revision in the binary. The file is rewritten only when its text changes, so an unchanged
/// revision recompiles nothing.
@main
struct BuildRevision: BuildToolPlugin {
    /// The shell script of the build command; arguments: the package folder, the output file.
    /// `ls-files --error-unmatch Package.swift` makes sure the revision is the package's own, not that of a
    /// repository the folder merely lies in; `--no-optional-locks` keeps `status` from taking the index lock
    /// while the user runs git.
    static let script = #"""
        dir=$1
        out=$2
        mkdir -p "$(dirname "$out")" || exit 1
        text="revision unknown"
        git=$(command -v git 2>/dev/null || echo /usr/bin/git)
        if [ -x "$git" ] && "$git" -C "$dir" ls-files --error-unmatch Package.swift >/dev/null 2>&1 \
            && hash=$("$git" -C "$dir" rev-parse --short HEAD 2>/dev/null); then
            changes=$("$git" --no-optional-locks -C "$dir" status --porcelain -- . 2>/dev/null) || changes="unknown"
            if [ -z "$changes" ]; then text="git $hash, built from a clean tree"; else text="git $hash, with uncommitted changes"; fi
        fi
        printf '%s\n\n%s\n%s\n' \
            "// Generated at build time by the BuildRevision plugin (Plugins/BuildRevision); do not edit." \
            "/// The git revision the binary was built from, or \"revision unknown\"." \
            "let buildRevision = \"$text\"" > "$out.new" || exit 1
        if cmp -s "$out.new" "$out"; then rm -f "$out.new"; else mv -f "$out.new" "$out"; fi
        """#

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildRevision.swift")
        return [
            .buildCommand(
                displayName: "Recording the git revision of \(package.path)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "build-revision", package.path, output.path],
                inputFiles: Self.revisionInputs(package), outputFiles: [output])
        ]
    }

    /// The existing files whose change can change the revision text: the git state files and every tracked
    /// file of `package`; none when git cannot tell (then the command runs when the output is missing or the
    /// build is re-planned).
    static func revisionInputs(_ package: URL) -> [URL] {
        guard let directories = git(["rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir"], in: package),
            let tracked = git(["ls-files", "-z"], in: package)
        else { return [] }
        let lines = directories.split(separator: "\n").map { URL(fileURLWithPath: String($0)) }
        guard lines.count == 2 else { return [] }
        let (gitDirectory, common) = (lines[0], lines[1])
        var state = ["HEAD", "index", "logs/HEAD"].map { gitDirectory.appending(path: $0) } + [common.appending(path: "packed-refs")]
        if let branch = git(["symbolic-ref", "-q", "HEAD"], in: package)?.trimmingCharacters(in: .whitespacesAndNewlines), !branch.isEmpty {
            state.append(common.appending(path: branch))
        }
        let files = tracked.split(separator: "\0").map { package.appending(path: String($0)) }
        return (state + files).filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The standard output of `git arguments` run in `folder`, or nil when git is missing or fails.
    static func git(_ arguments: [String], in folder: URL) -> String? {
        let executable = ["/usr/bin/git", "/usr/local/bin/git", "/opt/homebrew/bin/git"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let executable else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-C", folder.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
