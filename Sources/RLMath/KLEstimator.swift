// Specs/rl-math.md, "k3 KL estimator".
/// The k3 estimator of KL(π_θ ‖ π_ref) for one token (Schulman, "Approximating KL divergence", 2020; used by
/// GRPO, DeepSeekMath arXiv 2402.03300 §4.1.1), from the token's log-probabilities under the policy and the reference:
///
///     x = ref − logp,   D = e^x − x − 1 = π_ref/π_θ − log(π_ref/π_θ) − 1 ≥ 0
///
/// evaluated as max(0, (e^x − 1) − x): for |x| < ln 2, e^x − 1 is exact (Sterbenz), so only the rounding of e^x
/// and of the last subtraction remain. Where the true value x²/2 is below that rounding (|x| ≲ √u) the
/// difference can come out slightly negative; the clamp keeps D ≥ 0 and only moves it towards the true value.
/// D = 0 exactly when logp = ref. Not clamped in x: e^x overflows to +∞ (Float: x > 88.7), which is the
/// right limit.
public func k3KL<S: RLRealScalar>(logProb: S, referenceLogProb: S) -> S {
    let x = referenceLogProb - logProb
    return max(.zero, (S.exp(x) - .one) - x)
}

/// `k3KL` per token of one sequence; masked positions output 0.
///
/// - Precondition: `logProbs`, `referenceLogProbs` and `mask` have the same length.
public func k3KL<S: RLRealScalar>(logProbs: [S], referenceLogProbs: [S], mask: [Bool]) -> [S] {
    requireSameLength(
        [("logProbs", logProbs.count), ("referenceLogProbs", referenceLogProbs.count), ("mask", mask.count)],
        in: "k3KL")
    return mask.indices.map { mask[$0] ? k3KL(logProb: logProbs[$0], referenceLogProb: referenceLogProbs[$0]) : .zero }
}
