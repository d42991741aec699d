// Specs/rl-math.md, "GAE".
/// Per-token advantages and returns of one sequence, index-aligned with its tokens; 0 at masked positions.
public struct AdvantagesAndReturns<S: RLScalar>: Equatable, Sendable {
    /// Â_t, the policy's advantage of token t.
    public var advantages: [S]
    /// R_t = A_t + V_t, the critic's target for token t.
    public var returns: [S]

    public init(advantages: [S], returns: [S]) {
        self.advantages = advantages
        self.returns = returns
    }
}

/// Generalized advantage estimation (Schulman et al. 2016, eq. 16) of one sequence:
///
///     δ_t = r_t + γ·V_next − V_t,   A_t = δ_t + γλ·A_next,   R_t = A_t + V_t
///
/// over the valid positions only, in order: `next` is the next VALID position after t, and after the last
/// valid position V_next = 0 and A_next = 0 (no bootstrap past the end of the response). Masked positions
/// are skipped (their rewards and values are never read) and output advantage 0 and return 0. The caller
/// puts the terminal reward at the last valid token; `values[t]` is V(state before token t).
///
/// Order of operations (the Float error bound in Specs/rl-math.md depends on it): γλ is rounded once;
/// each valid step, from the last backwards, computes δ = (r + γ·V_next) − V, then A = δ + (γλ)·A_next,
/// then R = A + V; no fused multiply-add. On exact rationals the result equals the sum formula
/// A_t = Σ_l (γλ)^l δ_{t+l} exactly.
///
/// - Precondition: `rewards`, `values` and `mask` have the same length; `gamma` and `lambda` are in [0, 1].
public func gae<S: RLScalar>(rewards: [S], values: [S], mask: [Bool], gamma: S, lambda: S) -> AdvantagesAndReturns<S> {
    requireSameLength([("rewards", rewards.count), ("values", values.count), ("mask", mask.count)], in: "gae")
    requireUnitInterval(gamma, "gamma", in: "gae")
    requireUnitInterval(lambda, "lambda", in: "gae")
    let decay = gamma * lambda
    var advantages = [S](repeating: .zero, count: mask.count)
    var returns = advantages
    var nextValue = S.zero
    var nextAdvantage = S.zero
    for t in mask.indices.reversed() where mask[t] {
        let delta = rewards[t] + gamma * nextValue - values[t]
        nextAdvantage = delta + decay * nextAdvantage
        nextValue = values[t]
        advantages[t] = nextAdvantage
        returns[t] = nextAdvantage + values[t]
    }
    return AdvantagesAndReturns(advantages: advantages, returns: returns)
}
