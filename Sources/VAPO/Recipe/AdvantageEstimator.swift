// Specs/vapo.md, "Advantages": the recipe's advantage estimator, by the RL math of `RLMath`.
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

/// How a step's rewards (and values) become advantages: GAE over a critic's values (VAPO, PPO), or each
/// group's scores normalised (GRPO, DAPO).
public enum AdvantageEstimator: Sendable, Hashable, CustomStringConvertible {
    /// GAE with the policy's λ from `policyLambda`; the critic's targets from `criticLambda` (Decoupled-GAE),
    /// or from the policy's λ when it is nil; discount γ; advantages whitened over the batch's valid tokens
    /// when `whitens`.
    case gae(gamma: Double, policyLambda: LambdaRule, criticLambda: Double?, whitens: Bool)
    /// (r − mean)/(std + 1e-6) within each group when `dividesByStd`, else r − mean (Dr. GRPO), on every
    /// valid token of the response.
    case groupNormalized(dividesByStd: Bool)

    /// The estimator `configuration` describes (`advantageEstimator` and VAPO's components 2 and 3).
    public init(configuration c: TrainingConfiguration) {
        switch c.advantageEstimator {
        case .gae:
            self = .gae(
                gamma: c.gamma, policyLambda: c.lengthAdaptiveGAE ? .lengthAdaptive(alpha: c.alpha, minimum: c.lambdaMin) : .fixed(c.lambdaPolicy),
                criticLambda: c.decoupledGAE ? c.lambdaCritic : nil, whitens: c.whitenAdvantages)
        case .grpo:
            self = .groupNormalized(dividesByStd: c.normalizeByGroupStd)
        }
    }

    /// The estimate for `rollout` under `configuration`'s estimator.
    public static func estimate<S: RLRealScalar & BinaryFloatingPoint>(
        _ rollout: Rollout<S>, configuration: TrainingConfiguration
    ) -> AdvantageEstimate<S> {
        AdvantageEstimator(configuration: configuration).estimate(rollout)
    }

    /// The estimate for `rollout` (GAE needs `rollout.values`).
    public func estimate<S: RLRealScalar & BinaryFloatingPoint>(_ rollout: Rollout<S>) -> AdvantageEstimate<S> {
        switch self {
        case .gae(let gamma, let policyLambda, let criticLambda, let whitens):
            guard let values = rollout.values else { preconditionFailure("GAE needs the rollout's values") }
            return Self.generalized(
                rewards: rollout.rewards, values: values, masks: rollout.responseMasks, gamma: S(gamma),
                lambdas: policyLambda.lambdas(masks: rollout.responseMasks), criticLambda: criticLambda.map { S($0) }, whitens: whitens)
        case .groupNormalized(let dividesByStd):
            let k = rollout.samplesPerGroup
            let scores = rollout.scores
            let perResponse = stride(from: 0, to: scores.count, by: k).flatMap { start in
                let group = Array(scores[start..<(start + k)])
                return dividesByStd ? groupNormalizedAdvantages(rewards: group) : groupCenteredAdvantages(rewards: group)
            }
            return AdvantageEstimate(advantages: broadcastToTokens(perResponse, masks: rollout.responseMasks), returns: nil, policyLambdas: nil)
        }
    }

    /// VAPO and PPO: Decoupled GAE per response (`decoupledGAE`: the advantages with the response's λ, the
    /// critic's returns with `criticLambda`, or with the response's λ when it is nil); then, if `whitens`, the
    /// advantages whitened over all valid tokens of the batch (the returns are taken before).
    ///
    /// A λ = 1 return does not depend on the values (R_t = Σ_{k ≥ t} γ^{k−t} r_k), so it is taken from the
    /// rewards alone (`monteCarloReturns`): the same number without the roundings of A + V, so that with a
    /// terminal reward and γ = 1 every target is exactly the score and a batch of equal scores has returns of
    /// zero variance (explained variance 0, not the ratio of two rounding errors).
    static func generalized<S: RLRealScalar & BinaryFloatingPoint>(
        rewards: [[S]], values: [[S]], masks: [[Bool]], gamma: S, lambdas: [S], criticLambda: S?, whitens: Bool
    ) -> AdvantageEstimate<S> {
        let criticLambdas = criticLambda.map { lambda in masks.map { _ in lambda } } ?? lambdas
        let decoupled = masks.indices.map { i in
            decoupledGAE(rewards: rewards[i], values: values[i], mask: masks[i], gamma: gamma, lambdaCritic: criticLambdas[i], lambdaPolicy: lambdas[i])
        }
        let returns = masks.indices.map { i in
            criticLambdas[i] == .one ? monteCarloReturns(rewards: [rewards[i]], masks: [masks[i]], gamma: gamma)[0] : decoupled[i].returns
        }
        let advantages = decoupled.map(\.advantages)
        return AdvantageEstimate(advantages: whitens ? whiten(advantages, masks: masks) : advantages, returns: returns, policyLambdas: lambdas)
    }

    /// The λ = 1 returns of each response, R_t = Σ_{valid k ≥ t} γ^{k−t} r_k: GAE with λ = 1 and zero values
    /// (δ = r, so R = A = the discounted sum of rewards, which GAE with λ = 1 gives whatever the values).
    /// Value-Pretraining's targets, and the critic's under Decoupled-GAE with λ_critic = 1.
    public static func monteCarloReturns<S: RLScalar>(rewards: [[S]], masks: [[Bool]], gamma: S) -> [[S]] {
        masks.indices.map { i in
            RLMath.gae(rewards: rewards[i], values: masks[i].map { _ in .zero }, mask: masks[i], gamma: gamma, lambda: .one).returns
        }
    }

    public var description: String {
        switch self {
        case .gae(let gamma, let policyLambda, let criticLambda, let whitens):
            return "GAE (γ \(gamma), policy \(policyLambda), critic " + (criticLambda.map { "λ \($0), decoupled" } ?? "the policy's λ")
                + (whitens ? ", whitened)" : ")")
        case .groupNormalized(let dividesByStd):
            return dividesByStd ? "group-normalised scores (÷ std)" : "group-centred scores (no std)"
        }
    }
}
