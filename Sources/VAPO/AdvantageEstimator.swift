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

    /// VAPO and PPO: λ_policy per response (length-adaptive max(λ_min, 1 − 1/(α·l)), or `lambdaPolicy`);
    /// with Decoupled-GAE the returns from `lambdaCritic` and the advantages from λ_policy (`decoupledGAE`),
    /// without it both from λ_policy (`gae`); then, if `whitenAdvantages`, the advantages whitened over all
    /// valid tokens of the batch. The returns are taken before whitening.
    public static func generalized<S: RLRealScalar & BinaryFloatingPoint>(
        rewards: [[S]], values: [[S]], masks: [[Bool]], configuration c: TrainingConfiguration
    ) -> AdvantageEstimate<S> {
        let lambdas: [S] =
            c.lengthAdaptiveGAE
            ? lengthAdaptiveLambdas(masks: masks, alpha: S(c.alpha), lambdaMin: S(c.lambdaMin))
            : masks.map { _ in S(c.lambdaPolicy) }
        let estimates: [AdvantagesAndReturns<S>] =
            c.decoupledGAE
            ? decoupledGAE(
                rewards: rewards, values: values, masks: masks, gamma: S(c.gamma), lambdaCritic: S(c.lambdaCritic),
                lambdaPolicy: lambdas)
            : masks.indices.map { gae(rewards: rewards[$0], values: values[$0], mask: masks[$0], gamma: S(c.gamma), lambda: lambdas[$0]) }
        let advantages = estimates.map(\.advantages)
        return AdvantageEstimate(
            advantages: c.whitenAdvantages ? whiten(advantages, masks: masks) : advantages,
            returns: estimates.map(\.returns), policyLambdas: lambdas)
    }

    /// GRPO and DAPO: each group's scores normalised, (r − mean)/(std + 1e-6), and put on every valid token
    /// of its response (`groupNormalizedAdvantages`, `broadcastToTokens`).
    public static func groupNormalized<S: RLRealScalar>(scores: [S], samplesPerGroup k: Int, masks: [[Bool]]) -> AdvantageEstimate<S> {
        precondition(k >= 1 && scores.count % k == 0 && masks.count == scores.count, "groupNormalized: \(scores.count) scores in groups of \(k)")
        let perResponse = stride(from: 0, to: scores.count, by: k).flatMap { groupNormalizedAdvantages(rewards: Array(scores[$0..<($0 + k)])) }
        return AdvantageEstimate(advantages: broadcastToTokens(perResponse, masks: masks), returns: nil, policyLambdas: nil)
    }

    /// Monte-Carlo returns (GAE with λ = 1, the configured γ) of each response: Value-Pretraining's targets.
    public static func monteCarloReturns<S: RLScalar>(rewards: [[S]], values: [[S]], masks: [[Bool]], gamma: S) -> [[S]] {
        masks.indices.map { gae(rewards: rewards[$0], values: values[$0], mask: masks[$0], gamma: gamma, lambda: .one).returns }
    }
}
