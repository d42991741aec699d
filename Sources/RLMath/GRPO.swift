// Specs/rl-math.md, "Group-normalised advantages".
/// GRPO's group-normalised advantages (DeepSeekMath, arXiv 2402.03300, §4.1.2 "outcome supervision"; verl
/// `compute_grpo_outcome_advantage`) of one group of G responses to the same prompt, from their rewards:
///
///     A_i = (r_i − mean)/(std + 1e-6),   std = √(Σ_j (r_j − mean)²/(G − 1))  (unbiased)
///
/// A group of one has mean 0 and std 1 (verl's rule) and gets A = r exactly (verl divides by 1 + 1e-6, a
/// relative difference of 1e-6). A group whose rewards are all equal gets exactly 0. Sums run in index order.
public func groupNormalizedAdvantages<S: RLRealScalar>(rewards: [S]) -> [S] {
    guard rewards.count >= 2 else { return rewards }
    let deviations = groupCenteredAdvantages(rewards: rewards)
    let squares = deviations.reduce(S.zero) { $0 + $1 * $1 }
    let std = (squares / S(rewards.count - 1)).squareRoot()
    let epsilon = S(1) / S(1_000_000)
    return deviations.map { $0 / (std + epsilon) }
}

/// The no-std ("Dr. GRPO") group advantages A_i = r_i − mean, with mean = (Σ_j r_j)/G summed in index order.
/// Exact on rationals, where a group's advantages sum to exactly 0. A group of one has mean 0 (A = r, as in
/// verl). A group whose rewards are all equal gets exactly 0: it carries no signal, and in floating point the
/// computed mean of equal rewards can differ from them by a rounding.
public func groupCenteredAdvantages<S: RLScalar>(rewards: [S]) -> [S] {
    guard let first = rewards.first, rewards.count >= 2 else { return rewards }
    if rewards.allSatisfy({ $0 == first }) { return rewards.map { _ in S.zero } }
    let mean = rewards.reduce(S.zero, +) / S(rewards.count)
    return rewards.map { $0 - mean }
}

/// A response-level advantage on every valid token of its response (GRPO: Â_{i,t} = A_i), 0 on masked ones.
public func broadcastToTokens<S: RLScalar>(_ advantage: S, mask: [Bool]) -> [S] {
    mask.map { $0 ? advantage : .zero }
}

/// `broadcastToTokens` for a batch: response i's advantage on every valid token of `masks[i]`.
///
/// - Precondition: one advantage per mask.
public func broadcastToTokens<S: RLScalar>(_ advantages: [S], masks: [[Bool]]) -> [[S]] {
    requireSameLength([("advantages", advantages.count), ("masks", masks.count)], in: "broadcastToTokens")
    return zip(advantages, masks).map { broadcastToTokens($0, mask: $1) }
}
