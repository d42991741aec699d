import Foundation
import PackagePlugin

/// The BuildRevision build-tool plugin: on every build, a prebuild command writes `BuildRevision.swift`,
/// declaring `let buildRevision` = the git revision of the package's folder at build time
/// (`git ff848fa, built from a clean tree` or `git ff848fa, with uncommitted changes`), or `revision unknown`
/// when git is missing or the folder is not a git checkout of the package. The file is rewritten only when
/// its text changes, so an unchanged revision recompiles nothing.
@main
struct BuildRevision: BuildToolPlugin {
    /// The shell script of the prebuild command; arguments: the package folder, the output folder.
    /// `ls-files --error-unmatch Package.swift` makes sure the revision is the package's own, not that of a
    /// repository the folder merely lies in; `--no-optional-locks` keeps `status` from taking the index lock
    /// while the user runs git.
    static let script = #"""
        dir=$1
        out=$2/BuildRevision.swift
        mkdir -p "$2" || exit 1
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
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        return [
            .prebuildCommand(
                displayName: "Recording the git revision of \(context.package.directoryURL.path)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "build-revision", context.package.directoryURL.path, output.path],
                outputFilesDirectory: output)
        ]
    }
}
