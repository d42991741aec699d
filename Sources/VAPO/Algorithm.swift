/// The four training algorithms. VAPO and PPO estimate advantages with a critic (GAE); GRPO and DAPO
/// normalise rewards within each prompt's group of samples and have no critic.
///
/// `ppo` and `vapo` run the same loop: VAPO is PPO with seven modifications, each a switch of
/// `TrainingConfiguration`, and the `ppo` preset turns all seven off (Specs/vapo.md). The two names exist so
/// that a run says which baseline it is.
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

    /// Whether the algorithm trains a value model and estimates advantages by GAE.
    public var usesCritic: Bool { self == .vapo || self == .ppo }
}

/// Where the value model's parameters start.
public enum ValueInitialization: String, Sendable, Hashable, Codable, CaseIterable {
    /// Train a reward model (scalar head at EOS) on the starting policy's samples labelled by the verifier,
    /// then copy all of it, trunk and head (the paper's setting, with the bias Value-Pretraining removes).
    case fromRewardModel
    /// Copy the starting policy's trunk and put a freshly initialised scalar head on it.
    case fromPolicyTrunk
}
