// Specs/reliability.md, "The command line": `vapo presets`.
import ArgumentParser
import Foundation
import StrictJSON
import VAPO

/// `vapo presets`: every preset of `vapo train --preset`, as the fields where it differs from `vapo` (whose
/// every field it lists first), in the order the configuration declares them.
struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List the presets of vapo train: vapo's every field, then each other preset's differences from it.")

    func run() throws {
        for line in Self.lines() { output(line) }
    }

    /// The listing: `vapo` with every field, then a line per other preset with its differing fields.
    static func lines() -> [String] {
        let base = fields(of: TrainOptions.vapo)
        var lines = ["vapo (the default; every field):"]
        lines += TrainingConfiguration.fieldNames.map { "  \($0): \(base[$0] ?? "null")" }
        for name in TrainingConfiguration.presetNames where name != "vapo" {
            let preset: TrainingConfiguration
            do { preset = try TrainingConfiguration.preset(named: name) } catch { preconditionFailure("preset \(name): \(error)") }
            let values = fields(of: preset)
            let differences = TrainingConfiguration.fieldNames.filter { values[$0] != base[$0] }.map { "\($0) \(values[$0] ?? "null")" }
            lines.append("\(name): " + (differences.isEmpty ? "(as vapo)" : differences.joined(separator: ", ")))
        }
        return lines
    }

    /// Each field of `configuration` as its JSON text (strings quoted).
    static func fields(of configuration: TrainingConfiguration) -> [String: String] {
        guard let members = (try? JSONValue.parse(Array(configuration.jsonData())))?.members else { return [:] }
        return Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value.summary) })
    }
}
