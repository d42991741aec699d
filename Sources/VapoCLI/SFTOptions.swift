import ArgumentParser
import Tasks
import Training
import Transformer

/// The flags of `vapo sft`, one per field of `SFTConfiguration`; an unset flag keeps the configuration's
/// default, so the defaults live in one place (the Codable struct that JSON configs will fill too).
struct SFTOptions: ParsableArguments {
    static let defaults = SFTConfiguration()

    @Option(parsing: .unconditional, help: "Task: \(TaskRegistry.names.joined(separator: ", ")). (default: \(defaults.task))") var task: String?
    @Option(parsing: .unconditional, help: "Lowest difficulty. (default: the task's lowest)") var minDifficulty: Int?
    @Option(name: [.customLong("max-difficulty"), .customLong("max-digits")], parsing: .unconditional,
        help: "Highest difficulty; for addition, the most digits of an operand. (default: \(defaults.maxDifficulty.map(String.init) ?? "the task's highest"))")
    var maxDifficulty: Int?
    @Option(parsing: .unconditional, help: "Optimizer steps. (default: \(defaults.steps))") var steps: Int?
    @Option(parsing: .unconditional, help: "Sequences per step. (default: \(defaults.batchSize))") var batchSize: Int?
    @Option(parsing: .unconditional, help: "Peak learning rate (AdamW, warm-up then cosine). (default: \(defaults.learningRate))") var lr: Double?
    @Option(parsing: .unconditional, help: "Warm-up steps. (default: \(defaults.warmupSteps))") var warmupSteps: Int?
    @Option(parsing: .unconditional, help: "Final learning rate as a fraction of the peak. (default: \(defaults.finalLearningRateFraction))") var finalLrFraction: Double?
    @Option(parsing: .unconditional, help: "AdamW weight decay. (default: \(defaults.weightDecay))") var weightDecay: Double?
    @Option(parsing: .unconditional, help: "Gradient clipping: maximum global L2 norm. (default: \(defaults.maxGradientNorm))") var maxGradientNorm: Double?
    @Option(parsing: .unconditional, help: "Master random seed. (default: \(defaults.seed))") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Padded tokens per training sequence. (default: the longest sequence of the task at the highest difficulty)") var sequenceLength: Int?
    @Option(parsing: .unconditional, help: "Transformer blocks. (default: \(defaults.model.layers))") var layers: Int?
    @Option(parsing: .unconditional, help: "Model width. (default: \(defaults.model.width))") var width: Int?
    @Option(parsing: .unconditional, help: "Attention heads. (default: \(defaults.model.heads))") var heads: Int?
    @Option(parsing: .unconditional, help: "Model context (positions). (default: \(defaults.model.context))") var context: Int?
    @Option(parsing: .unconditional, help: "Held-out evaluation problems. (default: \(defaults.evaluationProblems))") var evalProblems: Int?
    @Option(parsing: .unconditional, help: "Evaluate (greedy, held out) and print a line every this many steps. (default: \(defaults.evaluateEvery))") var evalEvery: Int?
    @Option(parsing: .unconditional, help: "k of mean@k in the final evaluation. (default: \(defaults.samples))") var samples: Int?
    @Option(parsing: .unconditional, help: "Temperature of the mean@k samples. (default: \(defaults.temperature))") var temperature: Double?
    @Option(parsing: .unconditional, help: "Stop once held-out greedy accuracy reaches this fraction, e.g. 0.95. (default: none)") var targetAccuracy: Double?
    @Option(parsing: .unconditional, help: "Stop after the first step that ends this many seconds after training started, writing the policy as at the end; --resume continues the run. (default: none)") var timeLimit: Double?

    /// The configuration: the defaults with every given flag applied.
    var configuration: SFTConfiguration { applied(to: SFTConfiguration()) }

    /// `base` with every given flag applied.
    func applied(to base: SFTConfiguration) -> SFTConfiguration {
        var c = base
        if let task { c.task = task }
        if let minDifficulty { c.minDifficulty = minDifficulty }
        if let maxDifficulty { c.maxDifficulty = maxDifficulty }
        if let steps { c.steps = steps }
        if let batchSize { c.batchSize = batchSize }
        if let lr { c.learningRate = lr }
        if let warmupSteps { c.warmupSteps = warmupSteps }
        if let finalLrFraction { c.finalLearningRateFraction = finalLrFraction }
        if let weightDecay { c.weightDecay = weightDecay }
        if let maxGradientNorm { c.maxGradientNorm = maxGradientNorm }
        if let seed { c.seed = seed }
        if let sequenceLength { c.sequenceLength = sequenceLength }
        if let layers { c.model.layers = layers }
        if let width { c.model.width = width }
        if let heads { c.model.heads = heads }
        if let context { c.model.context = context }
        if let evalProblems { c.evaluationProblems = evalProblems }
        if let evalEvery { c.evaluateEvery = evalEvery }
        if let samples { c.samples = samples }
        if let temperature { c.temperature = temperature }
        if let targetAccuracy { c.targetAccuracy = targetAccuracy }
        if let timeLimit { c.timeLimit = timeLimit }
        return c
    }

    /// The validated configuration; an invalid one is a `CommandError` naming the flag.
    func resolved() throws -> ResolvedSFTConfiguration {
        do { return try configuration.validated() } catch {
            throw CommandError("--\(Self.flag(error.field)) is \(error.value); allowed: \(error.allowed)")
        }
    }

    /// The flag of a configuration field (`batchSize` → `batch-size`, `model.width` → `width`).
    static func flag(_ field: String) -> String {
        let renamed = ["learningRate": "lr", "evaluationProblems": "eval-problems", "evaluateEvery": "eval-every",
                       "finalLearningRateFraction": "final-lr-fraction", "model.vocabulary": "vocabulary"]
        if let name = renamed[field] { return name }
        let name = field.hasPrefix("model.") ? String(field.dropFirst(6)) : field
        return name.reduce(into: "") { text, c in text += c.isUppercase ? "-" + c.lowercased() : String(c) }
    }
}
