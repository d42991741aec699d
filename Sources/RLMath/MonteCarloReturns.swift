// Specs/rl-math.md, "Monte-Carlo returns (λ = 1)".

/// The λ = 1 (Monte-Carlo) returns of one sequence, R_t = Σ_{valid k ≥ t} γ^{n(t,k)} r_k, where n(t, k) is
/// the number of valid positions in t ..< k (masked positions are skipped, as in `gae`); 0 at masked
/// positions. With a terminal reward and γ = 1 every valid R_t is that reward.
///
/// Computed as `gae(rewards:values:mask:gamma:lambda:)` with λ = 1 and zero values, whose returns are
/// these sums whatever the values (δ = r + γ·0 − 0, R = A + 0): bit for bit the numbers GAE with λ = 1 gives,
/// so a caller may take either. Value-Pretraining's targets, and the critic's under Decoupled-GAE with
/// λ_critic = 1.
///
/// - Precondition: `rewards` and `mask` have the same length; `gamma` is in [0, 1].
public func monteCarloReturns<S: RLScalar>(rewards: [S], mask: [Bool], gamma: S) -> [S] {
    requireSameLength([("rewards", rewards.count), ("mask", mask.count)], in: "monteCarloReturns")
    requireUnitInterval(gamma, "gamma", in: "monteCarloReturns")
    return gae(rewards: rewards, values: [S](repeating: .zero, count: mask.count), mask: mask, gamma: gamma, lambda: .one).returns
}

/// The λ = 1 returns of every sequence of a batch (ragged lengths allowed); element i equals the
/// single-sequence call on sequence i.
///
/// - Precondition: `rewards` and `masks` have one entry per sequence; each sequence satisfies the
///   preconditions of the single-sequence call.
public func monteCarloReturns<S: RLScalar>(rewards: [[S]], masks: [[Bool]], gamma: S) -> [[S]] {
    requireSameLength([("rewards", rewards.count), ("masks", masks.count)], in: "monteCarloReturns")
    return masks.indices.map { monteCarloReturns(rewards: rewards[$0], mask: masks[$0], gamma: gamma) }
}
