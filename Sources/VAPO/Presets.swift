/// The named presets: the four algorithms, and VAPO without each of its seven components.
extension TrainingConfiguration {
    /// The seven ablations, each VAPO with exactly one component switched off, in the paper's order.
    public static let ablationNames = [
        "vapo-no-value-pretrain", "vapo-no-decoupled-gae", "vapo-no-length-adaptive-gae", "vapo-no-token-level-loss",
        "vapo-no-clip-higher", "vapo-no-positive-lm-loss", "vapo-no-group-sampling",
    ]

    /// Every preset name, as `preset(named:)` and the command line accept them.
    public static let presetNames = ["vapo", "vapo-paper", "ppo", "grpo", "dapo"] + ablationNames

    /// The preset called `name`; another name is an error listing the known ones.
    ///
    /// - `vapo`: every default (all seven components on), sized for toy lengths (Specs/vapo.md, "Defaults").
    /// - `vapo-paper`: VAPO with the paper's own constants where they are scale-free: α = 0.05, μ = 0.1, actor
    ///   and critic learning rates 1e-6 and 2e-6, 16 samples per prompt, 50 Value-Pretraining steps, and the paper's
    ///   critic, which reads the tokens only (`criticReadsSurprise` off), without dynamic sampling. Batch sizes stay
    ///   at toy scale.
    /// - `ppo`, the paper's vanilla PPO: the seven components off, so λ = 0.95 for the policy and the critic,
    ///   a symmetric ε = 0.2, a sample-level loss and 1 sample per prompt (`promptsPerStep · samplesPerPrompt`
    ///   prompts); the critic still starts from a reward model.
    /// - `grpo`: group-normalised advantages, no critic, k3 KL (β = `grpoBeta`), sample-level loss, symmetric clip.
    /// - `dapo`: no critic, no KL, clip-higher, token-level loss, dynamic sampling, overlong shaping.
    /// - `vapo-no-<component>`: `vapo` with that one component's switch off, nothing else changed.
    public static func preset(named name: String) throws(TrainingConfigurationError) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        switch name {
        case "vapo": break
        case "vapo-paper":
            configuration.alpha = 0.05
            configuration.mu = 0.1
            configuration.actorLearningRate = 1e-6
            configuration.criticLearningRate = 2e-6
            configuration.samplesPerPrompt = 16
            configuration.valuePretrainingSteps = 50
            configuration.criticReadsSurprise = false
            configuration.dynamicSampling = false
        case "ppo":
            configuration.algorithm = .ppo
            configuration.switchOffVAPOComponents()
            configuration.dynamicSampling = false
        case "grpo", "dapo":
            configuration.algorithm = name == "grpo" ? .grpo : .dapo
            configuration.valuePretraining = false
            configuration.decoupledGAE = false
            configuration.lengthAdaptiveGAE = false
            configuration.positiveExampleLoss = false
            configuration.tokenLevelLoss = name == "dapo"
            configuration.clipHigher = name == "dapo"
            configuration.dynamicSampling = name == "dapo"
        case "vapo-no-value-pretrain": configuration.valuePretraining = false
        case "vapo-no-decoupled-gae": configuration.decoupledGAE = false
        case "vapo-no-length-adaptive-gae": configuration.lengthAdaptiveGAE = false
        case "vapo-no-token-level-loss": configuration.tokenLevelLoss = false
        case "vapo-no-clip-higher": configuration.clipHigher = false
        case "vapo-no-positive-lm-loss": configuration.positiveExampleLoss = false
        case "vapo-no-group-sampling": configuration.groupSampling = false
        default:
            throw .outOfRange(field: "preset", value: name.debugDescription, allowed: presetNames.joined(separator: ", "))
        }
        return configuration
    }

    private mutating func switchOffVAPOComponents() {
        valuePretraining = false
        decoupledGAE = false
        lengthAdaptiveGAE = false
        tokenLevelLoss = false
        clipHigher = false
        positiveExampleLoss = false
        groupSampling = false
    }
}
