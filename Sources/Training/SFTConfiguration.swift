// Specs/training.md, "Runs, stopping and checkpoints": the configuration of a warm-up.
import Tasks
import Transformer

/// Everything a supervised warm-up run depends on, with a default for every field: the task, the model, the
/// optimisation, the evaluation and the stopping rules. JSON with every field optional (a missing field takes
/// its default; `FieldConfigured`, the fields in `fields`), so that a configuration file and command-line flags
/// can both fill it; `validated()` checks it and names the first field out of range. The fields are named as
/// `TrainingConfiguration`'s where they mean the same (`gradientClip`, `evalEvery`, `evalProblems`,
/// `evalSamples`, `evalTemperature`).
///
/// The defaults are the tuned column-addition run of the README ("Supervised warm-up"): operands of up to
/// 4 digits, the default 0.8M-parameter GPT.
public struct SFTConfiguration: Sendable, Hashable, FieldConfigured {
    /// The registry name of the task (`TaskRegistry.names`).
    public var task: String = "addition"
    /// Lowest difficulty trained and evaluated; nil: the task's lowest.
    public var minDifficulty: Int? = nil
    /// Highest difficulty trained and evaluated; nil: the task's highest. (For addition: the most digits.)
    public var maxDifficulty: Int? = 4
    /// The policy's shape (default: 4 layers, width 128, 4 heads, context 128, vocabulary 26).
    public var model = GPTConfiguration()
    /// Tokens per training sequence, padded: nil means the longest sequence of the task at the highest
    /// difficulty (`ReasoningTask.maximumTokenCount`); a given value may not be shorter than that, nor
    /// longer than the model's context.
    public var sequenceLength: Int? = nil
    /// Optimizer updates (the cosine schedule's length).
    public var steps = 1600
    /// Sequences per update.
    public var batchSize = 32
    /// Peak learning rate of AdamW.
    public var learningRate = 2e-3
    /// Linear warm-up steps before the cosine decay (a run shorter than this warms up for all of it).
    public var warmupSteps = 50
    /// The learning rate at the end of the cosine, as a fraction of the peak.
    public var finalLearningRateFraction = 0.1
    /// AdamW's decoupled weight decay.
    public var weightDecay = 0.01
    /// Gradients are clipped to this global L2 norm.
    public var gradientClip = 1.0
    /// The master seed: the initial weights, the data order, the evaluation set and its samples all derive
    /// from it by name.
    public var seed: UInt64 = 0
    /// Held-out evaluation problems (cycling through the difficulties).
    public var evalProblems = 400
    /// Run the greedy held-out evaluation (one progress line) every this many steps.
    public var evalEvery = 100
    /// k of mean@k in the final evaluation: samples per problem.
    public var evalSamples = 4
    /// Temperature of the mean@k samples.
    public var evalTemperature = 1.0
    /// Stop at the first evaluation whose held-out greedy accuracy reaches this fraction; nil: never.
    public var targetAccuracy: Double? = nil
    /// Stop after the first step that ends later than this many seconds after the start; nil: never.
    public var timeLimit: Double? = nil

    /// The defaults.
    public init() {}

    /// Decodes a JSON object in which every field is optional: a missing field keeps its default, an unknown
    /// one (a key renamed since included) is an error. Decoding does not validate; call `validated()`.
    public init(from decoder: any Decoder) throws { self = try Self.decodeFields(from: decoder) }

    /// Encodes every field (nil as null).
    public func encode(to encoder: any Encoder) throws { try encodeFields(to: encoder) }
}
