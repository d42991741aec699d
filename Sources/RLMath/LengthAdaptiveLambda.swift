// Specs/rl-math.md, "Length-adaptive λ_policy".
/// VAPO's length-adaptive λ_policy (arXiv 2504.05118, "Managing Heterogeneous Sequence Lengths",
/// Length-Adaptive GAE) for a response with `validLength` = l valid tokens:
///
///     λ_policy(l) = max(λ_min, 1 − 1/(α·l)),   l = 0 → λ_min
///
/// VAPO picks λ so that the effective horizon Σ_t λ^t = 1/(1 − λ) equals α·l. The raw formula is ≤ 0 for
/// l ≤ 1/α (20 tokens at α = 0.05), which covers many toy responses; the floor λ_min = 0.5 keeps an effective
/// horizon of 2 tokens there and leaves responses longer than 2/α (40 tokens) untouched. With the defaults:
/// l ≤ 40 → 0.5, l = 100 → 0.8, l = 1000 → 0.98.
///
/// The result is non-decreasing in l (every operation is monotone, also when rounded) and lies in
/// [λ_min, 1): exactly so on rationals; in floating point λ < 1 is guaranteed while α·l ≤ 2^24 (Float) or
/// 2^53 (Double), beyond which 1 − 1/(α·l) may round to 1.
///
/// - Precondition: `validLength` ≥ 0, `alpha` > 0, `lambdaMin` in [0, 1).
public func lengthAdaptiveLambda<S: RLScalar>(
    validLength: Int, alpha: S = S(1) / S(20), lambdaMin: S = S(1) / S(2)
) -> S {
    require(validLength >= 0, "lengthAdaptiveLambda: validLength must be ≥ 0, got \(validLength)")
    require(alpha > .zero, "lengthAdaptiveLambda: alpha must be > 0, got \(alpha)")
    require(
        lambdaMin >= .zero && lambdaMin < .one, "lengthAdaptiveLambda: lambdaMin must be in [0, 1), got \(lambdaMin)")
    guard validLength > 0 else { return lambdaMin }
    return max(lambdaMin, S.one - S.one / (alpha * S(validLength)))
}

/// Each sequence's length-adaptive λ_policy, from its number of valid tokens (`masks[i]`'s true entries).
///
/// - Precondition: as `lengthAdaptiveLambda`.
public func lengthAdaptiveLambdas<S: RLScalar>(
    masks: [[Bool]], alpha: S = S(1) / S(20), lambdaMin: S = S(1) / S(2)
) -> [S] {
    masks.map { mask in
        lengthAdaptiveLambda(validLength: mask.lazy.filter { $0 }.count, alpha: alpha, lambdaMin: lambdaMin)
    }
}
