// Specs/vapo.md, "The recipe": the recipe's advantage estimator, by the RL math of `RLMath`.
import RLMath
import Tasks

/// The per-token advantages of a step, the critic's targets, and the policy's λ per response.
public struct AdvantageEstimate<Scalar: RLScalar>: Sendable {
    /// Â per token (0 outside the response mask).
    public var advantages: [[Scalar]]
    /// The critic's targets R per token; nil without a critic.
    public var returns: [[Scalar]]?
    /// The λ each response's advantages used; nil without a critic.
    public var policyLambdas: [Scalar]?
}

/// How a step's rewards (and values) become advantages: GAE over a critic's values (VAPO, PPO), each group's
/// scores normalised (GRPO, DAPO), or VinePPO's Monte-Carlo values at chosen states.
public enum AdvantageEstimator: Sendable, Hashable, CustomStringConvertible {
    /// GAE with the policy's λ from `policyLambda`; the critic's targets from `criticLambda` (Decoupled-GAE),
    /// or from the policy's λ when it is nil; discount γ; advantages whitened over the batch's valid tokens
    /// when `whitens`.
    case gae(gamma: Double, policyLambda: LambdaRule, criticLambda: Double?, whitens: Bool)
    /// (r − mean)/(std + 1e-6) within each group when `dividesByStd`, else r − mean (Dr. GRPO), on every
    /// valid token of the response.
    case groupNormalized(dividesByStd: Bool)
    /// VinePPO (arXiv 2410.01679): V̂ at each state of `states` is the mean score of `continuations` samples of
    /// the current policy from it (`MonteCarloValues`), and each token's advantage is V̂(next state) − V̂(its
    /// state), the response's score after the last token (`vinePPOAdvantages`); not whitened.
    case monteCarlo(continuations: Int, states: StateRule)

    /// Where VinePPO's states are, in response tokens: the state before token b is the prompt and b tokens.
    public enum StateRule: Sendable, Hashable {
        /// Before the first token and every `n` tokens after it.
        case every(Int)
        /// Before the first token and after each step of the chain of thought (`|`) and the answer marker (`#`).
        case reasoningSteps
    }

    /// The estimator `configuration` describes (`advantageEstimator` and VAPO's components 2 and 3).
    public init(configuration c: TrainingConfiguration) {
        switch c.advantageEstimator {
        case .gae:
            self = .gae(
                gamma: c.gamma, policyLambda: c.lengthAdaptiveGAE ? .lengthAdaptive(alpha: c.alpha, minimum: c.lambdaMin) : .fixed(c.lambdaPolicy),
                criticLambda: c.decoupledGAE ? c.lambdaCritic : nil, whitens: c.whitenAdvantages)
        case .grpo:
            self = .groupNormalized(dividesByStd: c.normalizeByGroupStd)
        case .vineppo:
            self = .monteCarlo(continuations: c.vineppoContinuations, states: c.vineppoStateEvery.map { .every($0) } ?? .reasoningSteps)
        }
    }

    /// The estimate for `rollout` under `configuration`'s estimator.
    public static func estimate<S: RLRealScalar & BinaryFloatingPoint>(
        _ rollout: Rollout<S>, configuration: TrainingConfiguration
    ) -> AdvantageEstimate<S> {
        AdvantageEstimator(configuration: configuration).estimate(rollout)
    }

    /// The states whose Monte-Carlo values this estimator reads, per response of `rollout` (response-token
    /// boundaries, as `MonteCarloValues.estimate` takes them); nil for an estimator that reads none.
    public func monteCarloStates<S>(of rollout: Rollout<S>) -> [[Int]]? {
        guard case .monteCarlo(_, let rule) = self else { return nil }
        let delimiters: Set<Int> = [Tokenizer.characters.firstIndex(of: "|")!, Tokenizer.answerMarker]
        return rollout.responses.map { response in
            let length = response.responseTokens.count
            guard length > 0 else { return [0] }
            switch rule {
            case .every(let n): return stepBoundaries(length: length, every: n)
            case .reasoningSteps: return stepBoundaries(tokens: response.responseTokens, after: delimiters)
            }
        }
    }

    /// The estimate for `rollout`: GAE needs `rollout.values`, VinePPO `monteCarloValues` at the states
    /// `monteCarloStates(of:)` gives.
    public func estimate<S: RLRealScalar & BinaryFloatingPoint>(_ rollout: Rollout<S>, monteCarloValues: MonteCarloValues? = nil) -> AdvantageEstimate<S> {
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
        case .monteCarlo:
            guard let values = monteCarloValues, values.values.count == rollout.count else {
                preconditionFailure("VinePPO needs the Monte-Carlo values of every response")
            }
            let advantages = rollout.responseMasks.indices.map { i in
                vinePPOAdvantages(
                    mask: rollout.responseMasks[i], boundaries: values.boundaries[i], values: values.values[i].map { S($0) },
                    reward: S(rollout.responses[i].score))
            }
            return AdvantageEstimate(advantages: advantages, returns: nil, policyLambdas: nil)
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
            criticLambdas[i] == .one ? monteCarloReturns(rewards: rewards[i], mask: masks[i], gamma: gamma) : decoupled[i].returns
        }
        let advantages = decoupled.map(\.advantages)
        return AdvantageEstimate(advantages: whitens ? whiten(advantages, masks: masks) : advantages, returns: returns, policyLambdas: lambdas)
    }

    public var description: String {
        switch self {
        case .gae(let gamma, let policyLambda, let criticLambda, let whitens):
            return "GAE (γ \(gamma), policy \(policyLambda), critic " + (criticLambda.map { "λ \($0), decoupled" } ?? "the policy's λ")
                + (whitens ? ", whitened)" : ")")
        case .groupNormalized(let dividesByStd):
            return dividesByStd ? "group-normalised scores (÷ std)" : "group-centred scores (no std)"
        case .monteCarlo(let continuations, let states):
            let where_: String
            switch states {
            case .every(let n): where_ = "every \(n) tokens"
            case .reasoningSteps: where_ = "after each reasoning step"
            }
            return "VinePPO Monte-Carlo values (K \(continuations), states \(where_))"
        }
    }
}
