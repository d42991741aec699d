import ArgumentParser
import Foundation
import Tasks
import VAPO

/// The training-configuration flags of `vapo train`, and how they resolve with a JSON file into one
/// `TrainingConfiguration`: the base preset (`--preset`, else the file's `"preset"`, else the preset of
/// `--algo` or the file's `"algorithm"`, else `vapo`), then the file's fields, then each flag given.
struct TrainOptions: ParsableArguments {
    /// The `vapo` preset, whose values the help shows as the defaults.
    static let vapo: TrainingConfiguration = {
        do { return try TrainingConfiguration.preset(named: "vapo") } catch { preconditionFailure("the vapo preset: \(error)") }
    }()

    /// "(default: the preset's; vapo's is <value>)".
    static func presetDefault(_ value: Any?) -> String { "(default: the preset's; vapo's is \(value.map { "\($0)" } ?? "the task's"))" }

    @Option(help: "Algorithm: vapo, ppo, grpo or dapo (its preset is the base unless --preset says otherwise). (default: vapo)")
    var algo: String?
    @Option(help: "Preset: \(TrainingConfiguration.presetNames.joined(separator: ", ")); vapo presets shows how they differ. (default: the preset of --algo, else vapo)")
    var preset: String?
    @Option(help: "JSON training configuration; every field optional (Specs/vapo.md); flags override its fields. (default: none)") var config: String?
    @Option(parsing: .unconditional, help: "Master random seed. \(presetDefault(vapo.seed))") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Task: \(TaskRegistry.names.joined(separator: ", ")). \(presetDefault(vapo.task))") var task: String?
    @Option(parsing: .unconditional, help: "Lowest difficulty drawn. \(presetDefault(vapo.minDifficulty))") var minDifficulty: Int?
    @Option(parsing: .unconditional, help: "Highest difficulty drawn. \(presetDefault(vapo.maxDifficulty))") var maxDifficulty: Int?
    @Option(parsing: .unconditional, help: "Prompts per step (n). \(presetDefault(vapo.promptsPerStep))") var prompts: Int?
    @Option(parsing: .unconditional, help: "Samples per prompt (k). \(presetDefault(vapo.samplesPerPrompt))") var samples: Int?
    @Option(parsing: .unconditional, help: "Responses per optimizer update. \(presetDefault(vapo.miniBatchSize))") var miniBatch: Int?
    @Option(parsing: .unconditional, help: "Responses per forward/backward pass. \(presetDefault(vapo.microBatchSize))") var microBatch: Int?
    @Option(parsing: .unconditional, help: "PPO epochs per step. \(presetDefault(vapo.ppoEpochs))") var epochs: Int?
    @Option(parsing: .unconditional, help: "Actor peak learning rate. \(presetDefault(vapo.actorLearningRate))") var actorLr: Double?
    @Option(parsing: .unconditional, help: "Critic peak learning rate. \(presetDefault(vapo.criticLearningRate))") var criticLr: Double?
    @Option(parsing: .unconditional, help: "Alpha of Length-Adaptive GAE. \(presetDefault(vapo.alpha))") var alpha: Double?
    @Option(parsing: .unconditional, help: "Weight mu of the positive-example NLL. \(presetDefault(vapo.mu))") var mu: Double?
    @Option(parsing: .unconditional, help: "Longest response in tokens. \(presetDefault(vapo.maxNewTokens))") var maxNewTokens: Int?
    @Option(parsing: .unconditional, help: "Evaluate every this many steps (0: only before the first and after the last). \(presetDefault(vapo.evalEvery))") var evalEvery: Int?
    @Option(parsing: .unconditional, help: "Held-out problems per evaluation (0: no evaluation). \(presetDefault(vapo.evalProblems))") var evalProblems: Int?

    /// A configuration field that has a flag: its JSON name, the flag, and how the flag's value, when given, is
    /// set in a configuration. The one list behind applying the flags, naming them in errors and refusing them
    /// on `--resume`.
    struct FieldFlag {
        let field: String
        let flag: String
        /// Sets the flag's value in the configuration if it was given; whether it was.
        let apply: (TrainOptions, inout TrainingConfiguration) -> Bool

        init<T>(_ field: String, _ flag: String, _ value: KeyPath<TrainOptions, T?>, _ target: WritableKeyPath<TrainingConfiguration, T>) {
            (self.field, self.flag) = (field, flag)
            apply = { options, c in
                guard let given = options[keyPath: value] else { return false }
                c[keyPath: target] = given
                return true
            }
        }

        init<T>(_ field: String, _ flag: String, _ value: KeyPath<TrainOptions, T?>, _ target: WritableKeyPath<TrainingConfiguration, T?>) {
            (self.field, self.flag) = (field, flag)
            apply = { options, c in
                guard let given = options[keyPath: value] else { return false }
                c[keyPath: target] = given
                return true
            }
        }
    }

    /// Every configuration field with a flag, in the configuration's order. (`--algo` chooses the preset too:
    /// `resolved()` applies it through the preset first, so setting it again here changes nothing.)
    static var fieldFlags: [FieldFlag] {
        [
            FieldFlag("algorithm", "--algo", \.algorithm, \.algorithm),
            FieldFlag("promptsPerStep", "--prompts", \.prompts, \.promptsPerStep),
            FieldFlag("samplesPerPrompt", "--samples", \.samples, \.samplesPerPrompt),
            FieldFlag("miniBatchSize", "--mini-batch", \.miniBatch, \.miniBatchSize),
            FieldFlag("microBatchSize", "--micro-batch", \.microBatch, \.microBatchSize),
            FieldFlag("ppoEpochs", "--epochs", \.epochs, \.ppoEpochs),
            FieldFlag("actorLearningRate", "--actor-lr", \.actorLr, \.actorLearningRate),
            FieldFlag("criticLearningRate", "--critic-lr", \.criticLr, \.criticLearningRate),
            FieldFlag("alpha", "--alpha", \.alpha, \.alpha),
            FieldFlag("mu", "--mu", \.mu, \.mu),
            FieldFlag("maxNewTokens", "--max-new-tokens", \.maxNewTokens, \.maxNewTokens),
            FieldFlag("seed", "--seed", \.seed, \.seed),
            FieldFlag("task", "--task", \.task, \.task),
            FieldFlag("minDifficulty", "--min-difficulty", \.minDifficulty, \.minDifficulty),
            FieldFlag("maxDifficulty", "--max-difficulty", \.maxDifficulty, \.maxDifficulty),
            FieldFlag("evalEvery", "--eval-every", \.evalEvery, \.evalEvery),
            FieldFlag("evalProblems", "--eval-problems", \.evalProblems, \.evalProblems),
        ]
    }

    /// The flag of each configuration field that has one.
    static var flags: [String: String] { Dictionary(uniqueKeysWithValues: fieldFlags.map { ($0.field, $0.flag) }) }

    /// `--algo`'s algorithm (nil when not given; an unknown name is refused by `resolved()` first).
    var algorithm: Algorithm? { algo.flatMap(Algorithm.init(rawValue:)) }

    /// Names a configuration file may hold by mistake: settings of the command, not of the training.
    static let commandSettings: [String: String] = [
        "steps": "--steps", "timeLimit": "--time-limit", "threads": "--threads", "out": "--out", "checkpointEvery": "--checkpoint-every",
        "keepCheckpoints": "--keep-checkpoints", "initCheckpoint": "--init-checkpoint", "sftSteps": "--sft-steps", "layers": "--layers",
        "width": "--width", "heads": "--heads", "context": "--context", "fresh": "--fresh", "resume": "--resume", "dumpRollouts": "--dump-rollouts",
    ]

    /// The configuration fields set by a flag given, in the configuration's order.
    var fieldFlagsGiven: [FieldFlag] {
        Self.fieldFlags.filter { entry in
            var scratch = TrainingConfiguration()
            return entry.apply(self, &scratch)
        }
    }

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
        for entry in Self.fieldFlags { _ = entry.apply(self, &c) }
        do { return try c.validated() } catch {
            guard case .outOfRange(let field, let value, let allowed) = error else { throw CommandError(error.description) }
            throw CommandError(describe(field: field, value: value, allowed: allowed, inFile: inFile))
        }
    }

    /// The line of a field out of range, naming it as the user set it: by its flag, in the file, or (not set)
    /// as the preset's value with the flag or field that sets it.
    func describe(field: String, value: String, allowed: String, inFile: Set<String>) -> String {
        let flag = Self.flags[field]
        if fieldFlagsGiven.contains(where: { $0.field == field }), let flag {
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
