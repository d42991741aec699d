// Specs/vapo.md, "The command line: `vapo train`": the configuration flags and how they resolve.
import ArgumentParser
import Foundation
import Training
import VAPO

/// The training-configuration flags of `vapo train`, and how they resolve with a JSON file into one
/// `TrainingConfiguration`: the base preset (`--preset`, else the file's `"preset"`, else the preset of
/// `--algo` or the file's `"algorithm"`, else `vapo`), then the file's fields, then each flag given.
struct TrainOptions: ParsableArguments {
    /// The `vapo` preset, whose values the help shows as the defaults.
    static let vapo: TrainingConfiguration = {
        do { return try TrainingConfiguration.preset(named: "vapo") } catch { preconditionFailure("the vapo preset: \(error)") }
    }()

    /// The help of a field's flag: the field's help (`TrainingConfiguration.fields`) and its default, the preset's.
    static func help(_ flag: String) -> ArgumentHelp {
        guard let field = TrainingConfiguration.field(flag: flag) else { preconditionFailure("no field has the flag \(flag)") }
        return ArgumentHelp("\(field.help) (default: the preset's; vapo's is \(field.text(vapo)))")
    }

    @Option(help: help("--algo")) var algo: String?
    @Option(help: "Preset: \(TrainingConfiguration.presetNames.joined(separator: ", ")); vapo presets shows how they differ. (default: the preset of --algo, else vapo)")
    var preset: String?
    @Option(help: "JSON training configuration; every field optional (Specs/vapo.md); flags override its fields. (default: none)") var config: String?
    @Option(parsing: .unconditional, help: help("--seed")) var seed: UInt64?
    @Option(parsing: .unconditional, help: help("--task")) var task: String?
    @Option(parsing: .unconditional, help: help("--min-difficulty")) var minDifficulty: Int?
    @Option(parsing: .unconditional, help: help("--max-difficulty")) var maxDifficulty: Int?
    @Option(parsing: .unconditional, help: help("--prompts")) var prompts: Int?
    @Option(parsing: .unconditional, help: help("--samples")) var samples: Int?
    @Option(parsing: .unconditional, help: help("--mini-batch")) var miniBatch: Int?
    @Option(parsing: .unconditional, help: help("--micro-batch")) var microBatch: Int?
    @Option(parsing: .unconditional, help: help("--epochs")) var epochs: Int?
    @Option(parsing: .unconditional, help: help("--actor-lr")) var actorLr: Double?
    @Option(parsing: .unconditional, help: help("--critic-lr")) var criticLr: Double?
    @Option(parsing: .unconditional, help: help("--alpha")) var alpha: Double?
    @Option(parsing: .unconditional, help: help("--mu")) var mu: Double?
    @Option(parsing: .unconditional, help: help("--max-new-tokens")) var maxNewTokens: Int?
    @Option(parsing: .unconditional, help: help("--eval-every")) var evalEvery: Int?
    @Option(parsing: .unconditional, help: help("--eval-problems")) var evalProblems: Int?

    /// The values of the configuration flags given, by flag (`--algo` chooses the preset too: `resolved()` applies
    /// it through the preset first, so setting it again changes nothing).
    var givenFieldFlags: [String: Any] { givenFlags(of: self, among: TrainingConfiguration.fields.compactMap(\.flag)) }

    /// The fields that a flag given sets, in the configuration's order.
    var fieldsGiven: [ConfigurationField<TrainingConfiguration>] { TrainingConfiguration().applying(flags: givenFieldFlags).set }

    /// The flag of each configuration field that has one.
    static var flags: [String: String] {
        Dictionary(uniqueKeysWithValues: TrainingConfiguration.fields.compactMap { field in field.flag.map { (field.key, $0) } })
    }

    /// `--algo`'s algorithm (nil when not given; an unknown name is refused by `resolved()` first).
    var algorithm: Algorithm? { algo.flatMap(Algorithm.init(rawValue:)) }

    /// Names a configuration file may hold by mistake: settings of the command, not of the training.
    static let commandSettings: [String: String] = [
        "steps": "--steps", "timeLimit": "--time-limit", "threads": "--threads", "out": "--out", "checkpointEvery": "--checkpoint-every",
        "keepCheckpoints": "--keep-checkpoints", "initCheckpoint": "--init-checkpoint", "sftSteps": "--sft-steps", "layers": "--layers",
        "width": "--width", "heads": "--heads", "context": "--context", "fresh": "--fresh", "resume": "--resume", "dumpRollouts": "--dump-rollouts",
    ]

    /// The configuration the flags and the file describe, validated: otherwise one line naming what the user
    /// wrote (before any file is written): the flag given, else the file and its field, else the preset's value
    /// and the flag that sets it.
    func resolved() throws -> TrainingConfiguration {
        var object: [String: Any] = [:]
        if let config {
            guard let data = FileManager.default.contents(atPath: config) else {
                throw CommandError("--config: cannot read \(config); allowed: a readable JSON file")
            }
            // The file alone first, so that its errors (line and column, unknown fields, types) name it.
            do { _ = try TrainingConfiguration.decode(json: data) } catch {
                if case .unknownField(let name, _) = error, let flag = Self.commandSettings[name] {
                    throw CommandError("--config \(config): unknown field \(name.debugDescription): it is a setting of the command, not of the training; allowed: the flag \(flag)")
                }
                throw CommandError("--config \(config): \(error.description)")
            }
            object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
        let inFile = Set(object.keys)
        if let algo {
            guard Algorithm(rawValue: algo) != nil else {
                throw CommandError("--algo is \(algo.debugDescription); allowed: \(Algorithm.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            object["algorithm"] = algo
            if preset == nil && object["preset"] == nil { object["preset"] = algo }
        }
        if let preset {
            guard TrainingConfiguration.presetNames.contains(preset) else {
                throw CommandError("--preset is \(preset.debugDescription); allowed: \(TrainingConfiguration.presetNames.joined(separator: ", "))")
            }
            object["preset"] = preset
        }
        var c: TrainingConfiguration
        do { c = try TrainingConfiguration.decode(json: try JSONSerialization.data(withJSONObject: object)) } catch {
            throw CommandError("--config \(config ?? "-"): \(error)")
        }
        c = c.applying(flags: givenFieldFlags).configuration
        do { return try c.validated() } catch {
            guard case .outOfRange(let field, let value, let allowed) = error else { throw CommandError(error.description) }
            throw CommandError(describe(field: field, value: value, allowed: allowed, inFile: inFile))
        }
    }

    /// The line of a field out of range, naming it as the user set it: by its flag, in the file, or (not set)
    /// as the preset's value with the flag or field that sets it.
    func describe(field: String, value: String, allowed: String, inFile: Set<String>) -> String {
        let flag = Self.flags[field]
        if fieldsGiven.contains(where: { $0.key == field }), let flag {
            return "\(flag) is \(value); allowed: \(Self.namingFlags(allowed))"
        }
        if inFile.contains(field), let config {
            return "--config \(config): \(field) is \(value); allowed: \(allowed)"
        }
        let preset = preset ?? algo ?? "vapo"
        return "\(flag ?? field) is \(value), the value of preset \(preset) (set it with \(flag ?? "\"\(field)\" in --config")); allowed: \(Self.namingFlags(allowed))"
    }

    /// `text` with each camel-case configuration field that has a flag named by its flag (`miniBatchSize` →
    /// `--mini-batch`); one-word fields such as `task` stay, as they are also plain words.
    static func namingFlags(_ text: String) -> String {
        flags.keys.filter { $0.contains { $0.isUppercase } }.sorted { $0.count > $1.count }.reduce(text) { text, field in
            text.replacingOccurrences(of: field, with: flags[field]!)
        }
    }
}
