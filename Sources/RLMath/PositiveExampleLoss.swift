// Specs/rl-math.md, "Positive-example NLL and the actor loss".
/// VAPO's positive-example language-model loss of a part of a batch (rl-math convention §9): the negative
/// log-likelihood of the correct responses, token-normalised over the WHOLE batch's correct responses,
/// L_NLL = −(1/N_T) Σ_{o∈T} Σₜ m·logp, with no ratio and no clip.
///
/// N_T comes from the normalizer (built with `correct:` from the whole batch). With no correct response, or
/// none with a valid token, N_T = 0 and the loss and its gradient are exactly 0 — never 0/0.
public struct PositiveExampleLoss<S: RLScalar>: TokenLoss {
    public let value: S
    /// ∂value/∂logp: −1/N_T on valid tokens of correct responses, 0 elsewhere.
    public let gradient: [[S]]

    /// `correct[i]` says whether response i of this part is correct (T); masked positions are never read.
    public init(logProbabilities: [[S]], masks: [[Bool]], correct: [Bool], normalizer: LossNormalizer) {
        TokenLayout.require(logProbabilities, named: "logProbabilities", matches: masks, in: "PositiveExampleLoss")
        require(
            correct.count == masks.count,
            "PositiveExampleLoss: correct has \(correct.count) entries, masks has \(masks.count)")
        guard let positiveTokens = normalizer.positiveTokenCount else {
            fatalError("PositiveExampleLoss: normalizer must be a LossNormalizer built with correct:")
        }
        let correctTokens = zip(masks, correct).reduce(0) { $0 + ($1.1 ? TokenLayout.validCount($1.0) : 0) }
        require(
            correctTokens <= positiveTokens,
            "PositiveExampleLoss: a part with \(correctTokens) valid tokens of correct responses cannot belong to a batch with " +
                "\(positiveTokens): build the LossNormalizer from the whole batch")
        // The positive examples form their own batch: its token-level normalizer has N = N_T.
        let positives = LossNormalizer(
            tokenCount: positiveTokens, sequenceCount: normalizer.sequenceCount, positiveTokenCount: nil)
        let onlyCorrect = zip(masks, correct).map { mask, isCorrect in isCorrect ? mask : mask.map { _ in false } }
        let aggregate = positives.aggregate(logProbabilities, masks: onlyCorrect, .tokenLevel)
        // 0 − x rather than −x: with no positive token the result is +0, not Float's −0.
        value = .zero - aggregate.value
        gradient = aggregate.tokenWeights.map { $0.map { .zero - $0 } }
    }
}

/// VAPO's actor loss L = L_PPO + μ·L_NLL (μ default 0.1) and its gradient with respect to the
/// log-probabilities, g_PPO + μ·g_NLL.
public struct ActorLoss<S: RLScalar>: TokenLoss {
    public let value: S
    public let gradient: [[S]]
    public let policy: PolicyLoss<S>
    public let positiveExample: PositiveExampleLoss<S>
    /// μ ≥ 0.
    public let positiveExampleWeight: S

    public init(
        policy: PolicyLoss<S>, positiveExample: PositiveExampleLoss<S>, positiveExampleWeight weight: S = S(1) / S(10)
    ) {
        require(weight >= .zero, "ActorLoss: positiveExampleWeight must be ≥ 0, got \(weight)")
        TokenLayout.require(
            positiveExample.gradient, named: "positiveExample.gradient",
            matches: policy.gradient.map { $0.map { _ in true } }, in: "ActorLoss")
        self.policy = policy
        self.positiveExample = positiveExample
        positiveExampleWeight = weight
        value = policy.value + weight * positiveExample.value
        gradient = zip(policy.gradient, positiveExample.gradient).map { zip($0, $1).map { $0 + weight * $1 } }
    }
}
