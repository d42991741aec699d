import ExactReferences
import Foundation

// golden-vectors [directory]: writes every golden file into directory (default Specs/golden, run from the
// repository root), replacing what is there.
let directory = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Specs/golden")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
let files = GoldenVectors.files()
for (name, contents) in files {
    try Data(contents.utf8).write(to: directory.appendingPathComponent(name))
}
print("wrote \(files.count) golden files to \(directory.path)")
