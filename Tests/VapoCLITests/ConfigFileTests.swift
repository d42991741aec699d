import ArgumentParser
import Foundation
import Testing

@testable import VapoCLI

/// `vapo train --config FILE`: the file's own errors name the file, then the line and column or the field.
@Suite("vapo train --config errors")
struct ConfigFileTests {
    @Test("a bad configuration file is one line naming the file and the line and column, the unknown field and its nearest name (or the flag, for a setting of the command), or the field and the value found")
    func fileErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vapo-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases = [
            ("{\n  \"seed\": 1,\n  \"mu\": 0.1,\n}\n", "not valid JSON at line 4, column 1: expected a string key"),
            (#"{"actor_lr": 0.001}"#, #"unknown field "actor_lr"; did you mean "actorLearningRate"?"#),
            (#"{"promptsPerStep": "eight"}"#, #"promptsPerStep must be an integer; found "eight""#),
            (#"{"topP": 2}"#, "topP is 2.0; allowed: (0, 1]"),
            (#"{"steps": 5}"#, #"unknown field "steps": it is a setting of the command, not of the training; allowed: the flag --steps"#),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = folder.appendingPathComponent("c\(index).json").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let options = try TrainOptions.parse(["--config", path])
            do {
                _ = try options.resolved()
                Issue.record("\(text) was accepted")
            } catch {
                let message = Vapo.message(for: error)
                #expect(message.hasSuffix(expected), "\(message)")
                #expect(message.hasPrefix("--config \(path): "), "\(message)")
                #expect(!message.contains("\n"))
            }
        }
    }
}
