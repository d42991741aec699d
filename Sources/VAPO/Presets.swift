// Specs/vapo.md, "Presets": every algorithm and ablation as a few switches over the recipe's parts.

extension TrainingConfiguration {
    /// A named configuration: its base preset's (or every default, for `vapo`) with a few fields changed.
    public struct Preset: Sendable {
        /// The name `--preset`, `"preset"` and `preset(named:)` take.
        public let name: String
        /// What the preset is, in a line.
        public let summary: String
        let base: String?
        let change: @Sendable (inout TrainingConfiguration) -> Void

        init(_ name: String, base: String? = "vapo", _ summary: String, _ change: @escaping @Sendable (inout TrainingConfiguration) -> Void = { _ in }) {
            (self.name, self.base, self.summary, self.change) = (name, base, summary, change)
        }
    }

    /// Every preset, in the order `vapo presets` lists them: the four algorithms (and VAPO with the paper's
    /// constants), VAPO's seven one-component ablations in the paper's order, then presets that take one part
    /// away from DAPO or GRPO or move a part from one algorithm to another.
    public static let presets: [Preset] = [
        Preset("vapo", base: nil, "every default: VAPO's seven components on, sized for toy lengths (Specs/vapo.md, \"Defaults\")"),
        Preset("vapo-paper", "VAPO with the paper's scale-free constants and its tokens-only critic, without dynamic sampling") {
            $0.alpha = 0.05
            $0.mu = 0.1
            $0.actorLearningRate = 1e-6
            $0.criticLearningRate = 2e-6
            $0.samplesPerPrompt = 16
            $0.valuePretrainingSteps = 50
            $0.criticReadsSurprise = false
            $0.dynamicSampling = false
        },
        Preset("ppo", "the paper's vanilla PPO: the seven components off (λ 0.95, ε 0.2, sample-level, 1 sample per prompt), critic from a reward model") {
            $0.algorithm = .ppo
            $0.switchOffVAPOComponents()
            $0.dynamicSampling = false
        },
        Preset("grpo", "GRPO: group-normalised scores, no critic, k3 KL to the starting policy (β grpoBeta), sample-level, symmetric clip") {
            $0.algorithm = .grpo
            $0.withoutCritic()
            $0.tokenLevelLoss = false
            $0.clipHigher = false
            $0.dynamicSampling = false
            $0.referenceKL = true
        },
        Preset("dapo", "DAPO: group-normalised scores, no critic, no KL, Clip-Higher, token-level, dynamic sampling, overlong filtering and punishment") {
            $0.algorithm = .dapo
            $0.withoutCritic()
            $0.overlongFiltering = true
            $0.overlongPunishment = true
        },
        Preset("vapo-no-value-pretrain", "VAPO without Value-Pretraining") { $0.valuePretraining = false },
        Preset("vapo-no-decoupled-gae", "VAPO without Decoupled-GAE") { $0.decoupledGAE = false },
        Preset("vapo-no-length-adaptive-gae", "VAPO without Length-Adaptive GAE") { $0.lengthAdaptiveGAE = false },
        Preset("vapo-no-token-level-loss", "VAPO with a sample-level loss") { $0.tokenLevelLoss = false },
        Preset("vapo-no-clip-higher", "VAPO with a symmetric clip") { $0.clipHigher = false },
        Preset("vapo-no-positive-lm-loss", "VAPO without the positive-example LM loss") { $0.positiveExampleLoss = false },
        Preset("vapo-no-group-sampling", "VAPO with one sample per prompt") { $0.groupSampling = false },
        Preset("vapo-no-dynamic-sampling", "VAPO without dynamic sampling (not one of the seven; on in vapo at toy scale)") { $0.dynamicSampling = false },
        Preset("dapo-no-dynamic-sampling", base: "dapo", "DAPO without dynamic sampling") { $0.dynamicSampling = false },
        Preset("dapo-no-overlong-shaping", base: "dapo", "DAPO without overlong filtering and punishment") {
            $0.overlongFiltering = false
            $0.overlongPunishment = false
        },
        Preset("grpo-no-kl", base: "grpo", "GRPO without its KL term") { $0.referenceKL = false },
        Preset("grpo-no-std", base: "grpo", "GRPO with centred, not std-normalised, group scores (Dr. GRPO's estimator)") { $0.normalizeByGroupStd = false },
        Preset("vapo+overlong-shaping", "VAPO with DAPO's overlong filtering and soft punishment") {
            $0.overlongFiltering = true
            $0.overlongPunishment = true
        },
        Preset("vapo+kl", "VAPO with GRPO's k3 KL to the starting policy") { $0.referenceKL = true },
        Preset("dapo+positive-lm-loss", base: "dapo", "DAPO with VAPO's positive-example LM loss") { $0.positiveExampleLoss = true },
        Preset("vineppo", "VAPO's actor with VinePPO's Monte-Carlo values (K = 4 continuations after each reasoning step) instead of a critic") {
            $0.algorithm = .ppo
            $0.advantageEstimator = .vineppo
            $0.valuePretraining = false
            $0.decoupledGAE = false
            $0.lengthAdaptiveGAE = false
        },
    ]

    /// The seven ablations, each VAPO with exactly one component switched off, in the paper's order.
    public static let ablationNames = [
        "vapo-no-value-pretrain", "vapo-no-decoupled-gae", "vapo-no-length-adaptive-gae", "vapo-no-token-level-loss",
        "vapo-no-clip-higher", "vapo-no-positive-lm-loss", "vapo-no-group-sampling",
    ]

    /// Every preset name, as `preset(named:)` and the command line accept them.
    public static var presetNames: [String] { presets.map(\.name) }

    /// The preset called `name`; another name is an error listing the known ones.
    public static func preset(named name: String) throws(TrainingConfigurationError) -> TrainingConfiguration {
        guard let preset = presets.first(where: { $0.name == name }) else {
            throw .outOfRange(field: "preset", value: name.debugDescription, allowed: presetNames.joined(separator: ", "))
        }
        var configuration = try preset.base.map { base throws(TrainingConfigurationError) in try Self.preset(named: base) } ?? TrainingConfiguration()
        preset.change(&configuration)
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

    /// Group-normalised scores instead of a critic, so none of VAPO's critic-side parts; no positive-example loss.
    private mutating func withoutCritic() {
        advantageEstimator = .grpo
        valuePretraining = false
        decoupledGAE = false
        lengthAdaptiveGAE = false
        positiveExampleLoss = false
    }
}
