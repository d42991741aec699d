// Specs/vapo.md, "Configuration", and Specs/reliability.md, "Configuration validation": the field table.
import Tasks
import Training

extension TrainingConfiguration: FieldConfigured {
    /// Every field, named as its property, in the order the type declares them: its JSON key, range, flag and
    /// help. A field that must agree with another is checked by `validated()` as well.
    public static var fields: [ConfigurationField<TrainingConfiguration>] {
        [
            .init("algorithm", choice: \.algorithm, flag: "--algo", help: "Algorithm: vapo, ppo, grpo or dapo (its preset is the base unless --preset says otherwise)."),
            .init("valuePretraining", \.valuePretraining), .init("decoupledGAE", \.decoupledGAE),
            .init("lengthAdaptiveGAE", \.lengthAdaptiveGAE), .init("tokenLevelLoss", \.tokenLevelLoss),
            .init("clipHigher", \.clipHigher), .init("positiveExampleLoss", \.positiveExampleLoss),
            .init("groupSampling", \.groupSampling),
            .init("promptsPerStep", \.promptsPerStep, .within(1...65536), flag: "--prompts", help: "Prompts per step (n)."),
            .init("samplesPerPrompt", \.samplesPerPrompt, .within(1...65536), flag: "--samples", help: "Samples per prompt (k)."),
            .init("miniBatchSize", \.miniBatchSize, flag: "--mini-batch", help: "Responses per optimizer update."),
            .init("microBatchSize", \.microBatchSize, flag: "--micro-batch", help: "Responses per forward/backward pass."),
            .init("ppoEpochs", \.ppoEpochs, .within(1...1000), flag: "--epochs", help: "PPO epochs per step."),
            .init("actorLearningRate", \.actorLearningRate, .positive, flag: "--actor-lr", help: "Actor peak learning rate."),
            .init("criticLearningRate", \.criticLearningRate, .positive, flag: "--critic-lr", help: "Critic peak learning rate."),
            .init("warmupSteps", \.warmupSteps, .atLeast(0)), .init("gradientClip", \.gradientClip, .positive),
            .init("skipNonFiniteBatches", \.skipNonFiniteBatches),
            .init("advantageEstimator", choice: \.advantageEstimator),
            .init("gamma", \.gamma, .unitInterval), .init("lambdaCritic", \.lambdaCritic, .unitInterval),
            .init("lambdaPolicy", \.lambdaPolicy, .unitInterval),
            .init("alpha", \.alpha, .positive, flag: "--alpha", help: "Alpha of Length-Adaptive GAE."),
            .init("lambdaMin", \.lambdaMin, .belowOne), .init("whitenAdvantages", \.whitenAdvantages),
            .init("vineppoContinuations", \.vineppoContinuations, .within(1...1024)),
            .init("vineppoStateEvery", \.vineppoStateEvery, Allowed("1 or more, or null (after each step of the chain of thought)") { $0 >= 1 }),
            .init("epsilonLow", \.epsilonLow, .belowOne), .init("epsilonHigh", \.epsilonHigh, .nonNegative),
            .init("dualClip", \.dualClip, Allowed("a finite number above 1, or null") { $0 > 1 && $0.isFinite }),
            .init("mu", \.mu, .nonNegative, flag: "--mu", help: "Weight mu of the positive-example NLL."),
            .init("valueInitialization", choice: \.valueInitialization), .init("criticReadsSurprise", \.criticReadsSurprise),
            .init("valueClipRange", \.valueClipRange, Allowed("0 or more, or null") { $0 >= 0 && $0.isFinite }),
            .init("valuePretrainingSteps", \.valuePretrainingSteps, .atLeast(0)),
            .init("valuePretrainingPrompts", \.valuePretrainingPrompts, .atLeast(1)),
            .init("valuePretrainingExplainedVariance", \.valuePretrainingExplainedVariance, Allowed("a finite number up to 1") { $0 <= 1 && $0.isFinite }),
            .init("rewardModelSteps", \.rewardModelSteps, .atLeast(0)), .init("rewardModelLearningRate", \.rewardModelLearningRate, .positive),
            .init("normalizeByGroupStd", \.normalizeByGroupStd), .init("referenceKL", \.referenceKL),
            .init("grpoBeta", \.grpoBeta, .nonNegative), .init("dynamicSampling", \.dynamicSampling),
            .init("dynamicSamplingMaxRetries", \.dynamicSamplingMaxRetries, .within(0...1000)),
            .init("overlongFiltering", \.overlongFiltering), .init("overlongPunishment", \.overlongPunishment),
            .init("overlongMaxLength", \.overlongMaxLength, .atLeast(1)), .init("overlongCacheLength", \.overlongCacheLength),
            .init("rewardCorrect", \.rewardCorrect, Allowed("a finite number") { $0.isFinite }), .init("rewardIncorrect", \.rewardIncorrect),
            .init("temperature", \.temperature, Allowed("a positive finite number (rollouts are scored under softmax(logits / temperature))") { $0 > 0 && $0.isFinite }),
            .init("topP", \.topP, .positiveFraction),
            .init("maxNewTokens", \.maxNewTokens, .within(1...1_000_000), flag: "--max-new-tokens", help: "Longest response in tokens."),
            .init("seed", \.seed, flag: "--seed", help: "Master random seed."),
            .init("task", \.task, flag: "--task", help: "Task: \(TaskRegistry.names.joined(separator: ", "))."),
            .init("minDifficulty", \.minDifficulty, flag: "--min-difficulty", help: "Lowest difficulty drawn."),
            .init("maxDifficulty", \.maxDifficulty, flag: "--max-difficulty", help: "Highest difficulty drawn."),
            .init("evalEvery", \.evalEvery, .atLeast(0), flag: "--eval-every", help: "Evaluate every this many steps (0: only before the first and after the last)."),
            .init("evalProblems", \.evalProblems, .within(0...1_000_000), flag: "--eval-problems", help: "Held-out problems per evaluation (0: no evaluation)."),
            .init("evalSamples", \.evalSamples, .within(1...1024)),
            .init("evalTemperature", \.evalTemperature, Allowed("0 (greedy) or a positive finite number") { $0 >= 0 && $0.isFinite }),
            .init("evalTopP", \.evalTopP, .positiveFraction), .init("evalSeed", \.evalSeed),
        ]
    }
}
