import RLMath

/// The per-token advantages of a step, the critic's targets, and the policy's λ per response.
public struct AdvantageEstimate<Scalar: RLScalar>: Sendable {
    /// Â per token (0 outside the response mask).
    public var advantages: [[Scalar]]
    /// The critic's targets R per token; nil without a critic.
    public var returns: [[Scalar]]?
    /// The λ each response's advantages used; nil without a critic.
    public var policyLambdas: [Scalar]?
}

/// How each algorithm turns rewards (and values) into advantages, by the RL math of `RLMath`.
public enum AdvantageEstimator {
    /// The estimate for a rollout under `configuration`: GAE for VAPO and PPO (needs `rollout.values`),
    /// group-normalised scores for GRPO and DAPO.
    public static func estimate<S: RLRealScalar & BinaryFloatingPoint>(
        _ rollout: Rollout<S>, configuration: TrainingConfiguration
    ) -> AdvantageEstimate<S> {
        if configuration.algorithm.usesCritic {
            guard let values = rollout.values else { preconditionFailure("a critic algorithm's rollout needs values") }
            return generalized(rewards: rollout.rewards, values: values, masks: rollout.responseMasks, configuration: configuration)
        }
        return groupNormalized(scores: rollout.scores, samplesPerGroup: rollout.samplesPerGroup, masks: rollout.responseMasks)
    }

    /// VAPO and PPO: λ_policy per response (length-adaptive max(λ_min, 1 − 1/(α·l)), or `lambdaPolicy`); the
    /// advantages from GAE with λ_policy, the critic's returns from GAE with `lambdaCritic` under
    /// Decoupled-GAE and with λ_policy without it (decoupled GAE as two GAE runs, rl-math convention §2); then,
    /// if `whitenAdvantages`, the advantages whitened over all valid tokens of the batch (the returns are taken
    /// before).
    ///
    /// A λ = 1 return does not depend on the values (R_t = Σ_{k ≥ t} γ^{k−t} r_k), so it is computed from the
    /// rewards alone (`monteCarloReturns`): the same number without the roundings of A + V, so that with a
    /// terminal reward and γ = 1 every target is exactly the score and a batch of equal scores has returns of
    /// zero variance (explained variance 0, not the ratio of two rounding errors).
    public static func generalized<S: RLRealScalar & BinaryFloatingPoint>(
        rewards: [[S]], values: [[S]], masks: [[Bool]], configuration c: TrainingConfiguration
    ) -> AdvantageEstimate<S> {
        let gamma = S(c.gamma)
        let lambdas: [S] =
            c.lengthAdaptiveGAE
            ? lengthAdaptiveLambdas(masks: masks, alpha: S(c.alpha), lambdaMin: S(c.lambdaMin))
            : masks.map { _ in S(c.lambdaPolicy) }
        let criticLambdas = c.decoupledGAE ? masks.map { _ in S(c.lambdaCritic) } : lambdas
        let policy = masks.indices.map { gae(rewards: rewards[$0], values: values[$0], mask: masks[$0], gamma: gamma, lambda: lambdas[$0]) }
        let monteCarlo = monteCarloReturns(rewards: rewards, masks: masks, gamma: gamma)
        let returns = masks.indices.map { i in
            if criticLambdas[i] == .one { return monteCarlo[i] }
            if criticLambdas[i] == lambdas[i] { return policy[i].returns }
            return gae(rewards: rewards[i], values: values[i], mask: masks[i], gamma: gamma, lambda: criticLambdas[i]).returns
        }
        let advantages = policy.map(\.advantages)
        return AdvantageEstimate(
            advantages: c.whitenAdvantages ? whiten(advantages, masks: masks) : advantages, returns: returns,
            policyLambdas: lambdas)
    }

    /// GRPO and DAPO: each group's scores normalised, (r − mean)/(std + 1e-6), and put on every valid token
    /// of its response (`groupNormalizedAdvantages`, `broadcastToTokens`).
    public static func groupNormalized<S: RLRealScalar>(scores: [S], samplesPerGroup k: Int, masks: [[Bool]]) -> AdvantageEstimate<S> {
        precondition(k >= 1 && scores.count % k == 0 && masks.count == scores.count, "groupNormalized: \(scores.count) scores in groups of \(k)")
        let perResponse = stride(from: 0, to: scores.count, by: k).flatMap { groupNormalizedAdvantages(rewards: Array(scores[$0..<($0 + k)])) }
        return AdvantageEstimate(advantages: broadcastToTokens(perResponse, masks: masks), returns: nil, policyLambdas: nil)
    }

    /// The λ = 1 returns of each response, R_t = Σ_{valid k ≥ t} γ^{k−t} r_k: GAE with λ = 1 and zero values
    /// (δ = r, so R = A = the discounted sum of rewards, which GAE with λ = 1 gives whatever the values).
    /// Value-Pretraining's targets, and the critic's under Decoupled-GAE with λ_critic = 1.
    public static func monteCarloReturns<S: RLScalar>(rewards: [[S]], masks: [[Bool]], gamma: S) -> [[S]] {
        masks.indices.map { i in
            gae(rewards: rewards[i], values: masks[i].map { _ in .zero }, mask: masks[i], gamma: gamma, lambda: .one).returns
        }
    }
}
