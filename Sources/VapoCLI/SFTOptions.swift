// Specs/training.md, "Command line": the flags of `vapo sft`.
import ArgumentParser
import Training

/// The flags of `vapo sft`, one per field of `SFTConfiguration` that has one (`SFTConfiguration.fields`, which
/// gives their help, applies them and names them in errors); an unset flag keeps the configuration's default,
/// so the defaults live in one place (the configuration that JSON fills too).
struct SFTOptions: ParsableArguments {
    static let defaults = SFTConfiguration()

    /// The help of a field's flag: the field's help and its default.
    static func help(_ flag: String) -> ArgumentHelp {
        guard let field = SFTConfiguration.field(flag: flag) else { preconditionFailure("no field has the flag \(flag)") }
        return ArgumentHelp("\(field.help) (default: \(field.text(defaults)))")
    }

    @Option(parsing: .unconditional, help: help("--task")) var task: String?
    @Option(parsing: .unconditional, help: help("--min-difficulty")) var minDifficulty: Int?
    @Option(name: [.customLong("max-difficulty"), .customLong("max-digits")], parsing: .unconditional, help: help("--max-difficulty"))
    var maxDifficulty: Int?
    @Option(parsing: .unconditional, help: help("--steps")) var steps: Int?
    @Option(parsing: .unconditional, help: help("--batch-size")) var batchSize: Int?
    @Option(parsing: .unconditional, help: help("--lr")) var lr: Double?
    @Option(parsing: .unconditional, help: help("--warmup-steps")) var warmupSteps: Int?
    @Option(parsing: .unconditional, help: help("--final-lr-fraction")) var finalLrFraction: Double?
    @Option(parsing: .unconditional, help: help("--weight-decay")) var weightDecay: Double?
    @Option(parsing: .unconditional, help: help("--gradient-clip")) var gradientClip: Double?
    @Option(parsing: .unconditional, help: help("--seed")) var seed: UInt64?
    @Option(parsing: .unconditional, help: help("--sequence-length")) var sequenceLength: Int?
    @Option(parsing: .unconditional, help: help("--layers")) var layers: Int?
    @Option(parsing: .unconditional, help: help("--width")) var width: Int?
    @Option(parsing: .unconditional, help: help("--heads")) var heads: Int?
    @Option(parsing: .unconditional, help: help("--context")) var context: Int?
    @Option(parsing: .unconditional, help: help("--eval-problems")) var evalProblems: Int?
    @Option(parsing: .unconditional, help: help("--eval-every")) var evalEvery: Int?
    @Option(parsing: .unconditional, help: help("--eval-samples")) var evalSamples: Int?
    @Option(parsing: .unconditional, help: help("--eval-temperature")) var evalTemperature: Double?
    @Option(parsing: .unconditional, help: help("--target-accuracy")) var targetAccuracy: Double?
    @Option(parsing: .unconditional, help: help("--time-limit")) var timeLimit: Double?

    /// The values of the flags given, by flag.
    var given: [String: Any] { givenFlags(of: self, among: SFTConfiguration.fields.compactMap(\.flag)) }

    /// The configuration: the defaults with every given flag applied.
    var configuration: SFTConfiguration { SFTConfiguration().applying(flags: given).configuration }

    /// The validated configuration; an invalid one is a `CommandError` naming the flag.
    func resolved() throws -> ResolvedSFTConfiguration {
        do { return try configuration.validated() } catch {
            throw CommandError("\(Self.name(error.field)) is \(error.value); allowed: \(error.allowed)")
        }
    }

    /// A configuration field as the user sets it: its flag (`batchSize` → `--batch-size`, `model.width` →
    /// `--width`), or its name when it has none.
    static func name(_ field: String) -> String { SFTConfiguration.field(key: field)?.flag ?? field }

    /// The first flag given that would change the run configured as `recorded` (`fixedOnResume`): the field,
    /// nil when there is none.
    func firstChange(to recorded: SFTConfiguration) -> ConfigurationField<SFTConfiguration>? {
        let (changed, set) = recorded.applying(flags: given)
        return set.first { $0.fixedOnResume && $0.text(changed) != $0.text(recorded) }
    }
}
