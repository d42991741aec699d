// Specs/training.md, "Command line": the fields of an SFT configuration, their flags and ranges.
import Tasks

extension SFTConfiguration {
    /// Every field in declaration order: its JSON key (and the key it had before the names were shared with
    /// `TrainingConfiguration`), range, flag and help. The model's fields are one JSON object, `model`; their
    /// flags are entries of their own. Fields that must agree are checked by `validated()`.
    public static var fields: [ConfigurationField<SFTConfiguration>] {
        [
            .init("task", \.task, flag: "--task", help: "Task: \(TaskRegistry.names.joined(separator: ", "))."),
            .init("minDifficulty", \.minDifficulty, flag: "--min-difficulty", help: "Lowest difficulty.", whenNil: "the task's lowest"),
            .init("maxDifficulty", \.maxDifficulty, flag: "--max-difficulty", help: "Highest difficulty; for addition, the most digits of an operand.",
                  whenNil: "the task's highest"),
            .init("model", \.model),
            .member("model.layers", \.model.layers, flag: "--layers", help: "Transformer blocks."),
            .member("model.width", \.model.width, flag: "--width", help: "Model width."),
            .member("model.heads", \.model.heads, flag: "--heads", help: "Attention heads."),
            .member("model.context", \.model.context, flag: "--context", help: "Model context (positions)."),
            .init("sequenceLength", \.sequenceLength, flag: "--sequence-length", help: "Padded tokens per training sequence.",
                  whenNil: "the longest sequence of the task at the highest difficulty"),
            .init("steps", \.steps, .within(1...10_000_000), flag: "--steps", help: "Optimizer steps."),
            .init("batchSize", \.batchSize, .within(1...4096), flag: "--batch-size", help: "Sequences per step."),
            .init("learningRate", \.learningRate, .positiveFraction, flag: "--lr", help: "Peak learning rate (AdamW, warm-up then cosine)."),
            .init("warmupSteps", \.warmupSteps, .atLeast(0), flag: "--warmup-steps", help: "Warm-up steps."),
            .init("finalLearningRateFraction", \.finalLearningRateFraction, .unitInterval, flag: "--final-lr-fraction",
                  help: "Final learning rate as a fraction of the peak."),
            .init("weightDecay", \.weightDecay, .belowOne, flag: "--weight-decay", help: "AdamW weight decay."),
            .init("gradientClip", \.gradientClip, .positive, flag: "--gradient-clip", help: "Gradient clipping: maximum global L2 norm.",
                  formerly: ["maxGradientNorm"]),
            .init("seed", \.seed, flag: "--seed", help: "Master random seed."),
            .init("evalProblems", \.evalProblems, .within(1...1_000_000), flag: "--eval-problems", help: "Held-out evaluation problems.",
                  formerly: ["evaluationProblems"]),
            .init("evalEvery", \.evalEvery, .atLeast(1), flag: "--eval-every", help: "Evaluate (greedy, held out) and print a line every this many steps.",
                  formerly: ["evaluateEvery"]),
            .init("evalSamples", \.evalSamples, .within(1...1024), flag: "--eval-samples", help: "k of mean@k in the final evaluation.",
                  formerly: ["samples"]),
            .init("evalTemperature", \.evalTemperature, .positive, flag: "--eval-temperature", help: "Temperature of the mean@k samples.",
                  formerly: ["temperature"]),
            .init("targetAccuracy", \.targetAccuracy, .positiveFraction, flag: "--target-accuracy",
                  help: "Stop once held-out greedy accuracy reaches this fraction, e.g. 0.95."),
            .init("timeLimit", \.timeLimit, Allowed("a positive number of seconds") { $0 > 0 && $0.isFinite }, flag: "--time-limit",
                  help: "Stop after the first step that ends this many seconds after training started, writing the policy as at the end; --resume continues the run.",
                  fixedOnResume: false),
        ]
    }

    /// "SFT configuration", as messages name it.
    public static var subject: String { "SFT configuration" }

    /// None: every key is a field.
    public static var extraKeys: [String] { [] }

    /// The defaults, which the fields present override.
    public static func base(for container: KeyedDecodingContainer<FieldKey>) throws -> SFTConfiguration { SFTConfiguration() }
}
