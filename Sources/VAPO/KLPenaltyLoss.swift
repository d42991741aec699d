// Specs/vapo.md, "The loop, step by step": GRPO's KL term of the actor's objective (Specs/rl-math.md, "k3 KL estimator").
import RLMath

/// GRPO's KL term of a part of a batch: β·agg(D) with D the k3 estimator of KL(π_θ ‖ π_ref) per token
/// (`k3KL`, rl-math convention §5), aggregated like the policy loss with the whole batch's normalizer.
///
/// ∂D/∂logp = 1 − e^x with x = ref − logp (the derivative of e^x − x − 1), so the gradient per token is
/// β·weight·(1 − π_ref/π_θ): it pulls logp towards ref from either side and vanishes where they agree.
public struct KLPenaltyLoss<S: RLRealScalar>: TokenLoss {
    public let value: S
    public let gradient: [[S]]
    /// agg(D) without β: the mean KL estimate the metrics report (the parts sum to the batch's).
    public let divergence: S

    /// The term for `logProbabilities` against `referenceLogProbabilities`; masked positions are never read.
    public init(
        logProbabilities: [[S]], referenceLogProbabilities: [[S]], masks: [[Bool]], coefficient: S,
        aggregation: LossAggregation, normalizer: LossNormalizer
    ) {
        precondition(coefficient >= .zero, "KL coefficient must be ≥ 0, got \(coefficient)")
        let divergences = masks.indices.map {
            k3KL(logProbs: logProbabilities[$0], referenceLogProbs: referenceLogProbabilities[$0], mask: masks[$0])
        }
        let aggregate = normalizer.aggregate(divergences, masks: masks, aggregation)
        divergence = aggregate.value
        value = coefficient * aggregate.value
        gradient = masks.indices.map { i in
            masks[i].indices.map { t in
                guard masks[i][t] else { return .zero }
                let slope = S.one - S.exp(referenceLogProbabilities[i][t] - logProbabilities[i][t])
                return coefficient * aggregate.tokenWeights[i][t] * slope
            }
        }
    }
}
