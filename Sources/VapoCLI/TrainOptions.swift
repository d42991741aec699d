import ArgumentParser
import Foundation
import VAPO

/// The training-configuration flags of `vapo train`, and how they resolve with a JSON file into one
/// `TrainingConfiguration`: the base preset (`--preset`, else the file's `"preset"`, else the preset of
/// `--algo` or the file's `"algorithm"`, else `vapo`), then the file's fields, then each flag given.
struct TrainOptions: ParsableArguments {
    @Option(help: "Algorithm: vapo, ppo, grpo or dapo (its preset is the base unless --preset says otherwise).")
    var algo: String?
    @Option(help: "Preset: \(TrainingConfiguration.presetNames.joined(separator: ", ")).")
    var preset: String?
    @Option(help: "JSON training configuration; every field optional (Specs/vapo.md).") var config: String?
    @Option(help: "Master random seed.") var seed: UInt64?
    @Option(help: "Task: addition, multiplication, counting or countdown.") var task: String?
    @Option(help: "Lowest difficulty drawn.") var minDifficulty: Int?
    @Option(help: "Highest difficulty drawn.") var maxDifficulty: Int?
    @Option(help: "Prompts per step (n).") var prompts: Int?
    @Option(help: "Samples per prompt (k).") var samples: Int?
    @Option(help: "Responses per optimizer update.") var miniBatch: Int?
    @Option(help: "Responses per forward/backward pass.") var microBatch: Int?
    @Option(help: "PPO epochs per step.") var epochs: Int?
    @Option(help: "Actor peak learning rate.") var actorLr: Double?
    @Option(help: "Critic peak learning rate.") var criticLr: Double?
    @Option(help: "Alpha of Length-Adaptive GAE.") var alpha: Double?
    @Option(help: "Weight mu of the positive-example NLL.") var mu: Double?
    @Option(help: "Longest response in tokens.") var maxNewTokens: Int?
    @Option(help: "Evaluate every this many steps (0: never).") var evalEvery: Int?
    @Option(help: "Held-out problems per evaluation.") var evalProblems: Int?

    /// The configuration the flags and the file describe, validated: one line naming the first field out of
    /// range otherwise (before any file is written).
    func resolved() throws -> TrainingConfiguration {
        var object: [String: Any] = [:]
        if let config {
            guard let data = FileManager.default.contents(atPath: config) else {
                throw CommandError("--config: cannot read \(config); allowed: a readable JSON file")
            }
            // The file alone first, so that its errors (line and column, unknown fields, types) name it.
            do { _ = try TrainingConfiguration.decode(json: data) } catch { throw CommandError("--config \(config): \(error.description)") }
            object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
        if let algo {
            guard Algorithm(rawValue: algo) != nil else {
                throw TrainingConfigurationError.outOfRange(
                    field: "algorithm", value: algo.debugDescription, allowed: Algorithm.allCases.map(\.rawValue).joined(separator: ", "))
            }
            object["algorithm"] = algo
            if preset == nil && object["preset"] == nil { object["preset"] = algo }
        }
        if let preset { object["preset"] = preset }
        var c = try TrainingConfiguration.decode(json: try JSONSerialization.data(withJSONObject: object))
        if let seed { c.seed = seed }
        if let task { c.task = task }
        if let minDifficulty { c.minDifficulty = minDifficulty }
        if let maxDifficulty { c.maxDifficulty = maxDifficulty }
        if let prompts { c.promptsPerStep = prompts }
        if let samples { c.samplesPerPrompt = samples }
        if let miniBatch { c.miniBatchSize = miniBatch }
        if let microBatch { c.microBatchSize = microBatch }
        if let epochs { c.ppoEpochs = epochs }
        if let actorLr { c.actorLearningRate = actorLr }
        if let criticLr { c.criticLearningRate = criticLr }
        if let alpha { c.alpha = alpha }
        if let mu { c.mu = mu }
        if let maxNewTokens { c.maxNewTokens = maxNewTokens }
        if let evalEvery { c.evalEvery = evalEvery }
        if let evalProblems { c.evalProblems = evalProblems }
        return try c.validated()
    }
}
