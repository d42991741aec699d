import Testing
import Training
import VAPO

@testable import VapoCLI

/// The flags of the configurations' field tables (Specs/vapo.md, "Configuration"; Specs/training.md, "Command line").
@Suite("Configuration field flags")
struct FieldFlagTests {
    /// A value every flag of this name accepts.
    static func value(for key: String) -> String { ["algorithm": "vapo", "task": "addition"][key] ?? "1" }

    @Test("every flag of a configuration's field table is an option of its command, and given alone it sets exactly its field")
    func everyFlagIsAnOption() throws {
        for field in TrainingConfiguration.fields {
            guard let flag = field.flag else { continue }
            let options = try TrainOptions.parse([flag, Self.value(for: field.key)])
            #expect(options.fieldsGiven.map(\.key) == [field.key], "vapo train \(flag)")
        }
        for field in SFTConfiguration.fields {
            guard let flag = field.flag else { continue }
            let options = try SFTOptions.parse([flag, Self.value(for: field.key)])
            #expect(SFTConfiguration().applying(flags: options.given).set.map(\.key) == [field.key], "vapo sft \(flag)")
        }
    }
}
