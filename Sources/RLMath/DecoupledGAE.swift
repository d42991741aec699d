// Specs/rl-math.md, "Decoupled GAE".
/// Decoupled GAE (VAPO, arXiv 2504.05118, "Mitigating Value Model Bias over Long Sequences"): the critic's
/// targets come from GAE with `lambdaCritic` (VAPO: 1, unbiased returns with no reward decay), the policy's
/// advantages from GAE with `lambdaPolicy`, both over the same rewards and values. The result's `returns`
/// are exactly `gae(λ_critic).returns` and its `advantages` exactly `gae(λ_policy).advantages`, bit for bit,
/// because they are those two calls.
///
/// - Precondition: as `gae`, with `lambdaCritic` and `lambdaPolicy` in [0, 1].
public func decoupledGAE<S: RLScalar>(
    rewards: [S], values: [S], mask: [Bool], gamma: S, lambdaCritic: S, lambdaPolicy: S
) -> AdvantagesAndReturns<S> {
    let critic = gae(rewards: rewards, values: values, mask: mask, gamma: gamma, lambda: lambdaCritic)
    if lambdaPolicy == lambdaCritic { return critic }
    let policy = gae(rewards: rewards, values: values, mask: mask, gamma: gamma, lambda: lambdaPolicy)
    return AdvantagesAndReturns(advantages: policy.advantages, returns: critic.returns)
}

/// Decoupled GAE over a batch of sequences (ragged lengths allowed), each with its own λ_policy (for
/// example from `lengthAdaptiveLambdas(masks:)`); element i equals the single-sequence call on sequence i.
///
/// - Precondition: `rewards`, `values`, `masks` and `lambdaPolicy` have one entry per sequence; each
///   sequence satisfies the preconditions of the single-sequence call.
public func decoupledGAE<S: RLScalar>(
    rewards: [[S]], values: [[S]], masks: [[Bool]], gamma: S, lambdaCritic: S, lambdaPolicy: [S]
) -> [AdvantagesAndReturns<S>] {
    requireSameLength(
        [("rewards", rewards.count), ("values", values.count), ("masks", masks.count),
         ("lambdaPolicy", lambdaPolicy.count)], in: "decoupledGAE")
    return masks.indices.map { i in
        decoupledGAE(
            rewards: rewards[i], values: values[i], mask: masks[i], gamma: gamma,
            lambdaCritic: lambdaCritic, lambdaPolicy: lambdaPolicy[i])
    }
}
