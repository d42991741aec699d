// Specs/vapo.md, "The recipe": the four algorithms' names, each a preset over the parts.
/// The four algorithms' names: the preset a configuration starts from, and the label a run reports. A name
/// decides nothing: the four are one loop with interchangeable parts (`TrainingRecipe`), and each name's
/// preset sets those parts (Presets.swift). VAPO is PPO with seven switches on; GRPO and DAPO swap the critic
/// for group-normalised scores and switch on their own parts.
public enum Algorithm: String, Sendable, Hashable, Codable, CaseIterable {
    /// Value-based augmented PPO (VAPO, arXiv 2504.05118): PPO with the seven components switched on.
    case vapo
    /// Vanilla PPO with a critic initialised from a reward model (the paper's baseline).
    case ppo
    /// Group-relative policy optimisation (DeepSeekMath §4.1): group-normalised advantages, no critic, k3 KL
    /// to a frozen reference policy in the loss.
    case grpo
    /// DAPO (arXiv 2503.14476): GRPO without KL, with clip-higher, dynamic sampling, token-level loss and
    /// overlong filtering and soft overlong punishment.
    case dapo
}

/// Where the value model's parameters start.
public enum ValueInitialization: String, Sendable, Hashable, Codable, CaseIterable {
    /// Train a reward model (scalar head at EOS) on the starting policy's samples labelled by the verifier,
    /// then copy all of it, trunk and head (the paper's setting, with the bias Value-Pretraining removes).
    case fromRewardModel
    /// Copy the starting policy's trunk and put a freshly initialised scalar head on it.
    case fromPolicyTrunk
}
