// Specs/experiments.md, "The report": the VAPO paper's Table 1 (AIME 2024 avg@32, %) beside our presets.

/// The paper's numbers and names for the presets it reports.
public enum PaperTable {
    /// AIME 2024 scores of Table 1 of the VAPO paper, by preset name.
    public static let aime2024: [String: Double] = [
        "ppo": 5, "grpo": 47, "dapo": 50, "vapo": 60.4,
        "vapo-no-value-pretrain": 11, "vapo-no-decoupled-gae": 33, "vapo-no-length-adaptive-gae": 45,
        "vapo-no-clip-higher": 46, "vapo-no-token-level-loss": 53, "vapo-no-positive-lm-loss": 54,
        "vapo-no-group-sampling": 55,
    ]

    /// The configurations the paper says VAPO beats, in the order of its table: the seven one-component
    /// ablations, then vanilla PPO, GRPO and DAPO.
    public static let beatenByVAPO = [
        "vapo-no-value-pretrain", "vapo-no-decoupled-gae", "vapo-no-length-adaptive-gae", "vapo-no-clip-higher",
        "vapo-no-token-level-loss", "vapo-no-positive-lm-loss", "vapo-no-group-sampling", "ppo", "grpo", "dapo",
    ]

    /// The paper's name of a preset ("VAPO w/o Clip-Higher"), or the preset name itself.
    public static func label(_ preset: String) -> String {
        switch preset {
        case "vapo": "VAPO"
        case "ppo": "vanilla PPO"
        case "grpo": "GRPO (R1-Zero style)"
        case "dapo": "DAPO"
        case "vapo-no-value-pretrain": "VAPO w/o Value-Pretraining"
        case "vapo-no-decoupled-gae": "VAPO w/o Decoupled-GAE"
        case "vapo-no-length-adaptive-gae": "VAPO w/o Length-Adaptive GAE"
        case "vapo-no-clip-higher": "VAPO w/o Clip-Higher"
        case "vapo-no-token-level-loss": "VAPO w/o token-level loss"
        case "vapo-no-positive-lm-loss": "VAPO w/o positive-example LM loss"
        case "vapo-no-group-sampling": "VAPO w/o Group-Sampling"
        default: preset
        }
    }
}
