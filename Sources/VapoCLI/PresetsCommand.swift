// Specs/reliability.md, "The command line": `vapo presets`.
import ArgumentParser
import Foundation
import StrictJSON
import VAPO

// Specs/vapo.md, "Presets": the presets and their recipes, as the command line shows them.

/// `vapo presets`: every preset of `vapo train --preset`, as the fields where it differs from `vapo` (whose
/// every field it lists first), in the order the configuration declares them; `vapo presets NAME`: that preset's
/// summary and its recipe, part by part.
struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List the presets of vapo train: vapo's every field, then each other preset's differences from it; with a name, that preset's recipe.")

    @Argument(help: "A preset whose recipe to show, part by part. (default: list every preset)") var name: String?

    func run() throws {
        guard let name else {
            for line in Self.lines() { output(line) }
            return
        }
        guard let preset = TrainingConfiguration.presets.first(where: { $0.name == name }) else {
            throw CommandError("vapo presets: \(name.debugDescription) is not a preset; allowed: \(TrainingConfiguration.presetNames.joined(separator: ", "))")
        }
        for line in try Self.recipeLines(preset) { output(line) }
    }

    /// A preset's summary, then its recipe's table: one line per part with its setting.
    static func recipeLines(_ preset: TrainingConfiguration.Preset) throws -> [String] {
        let recipe = TrainingRecipe(configuration: try TrainingConfiguration.preset(named: preset.name))
        let width = RecipePart.allCases.map(\.rawValue.count).max() ?? 0
        return ["\(preset.name): \(preset.summary)"]
            + recipe.table.map { "  " + $0.part.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.setting }
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
