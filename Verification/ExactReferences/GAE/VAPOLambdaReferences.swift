/// VAPO's two λ rules, computed through `GAESumFormula` (never through the production GAE).
public enum VAPOLambdaReferences {
    /// Decoupled GAE (rl-math convention §2; VAPO, Decoupled-GAE): advantages from λ_policy, returns from
    /// λ_critic (returns = A(λ_critic) + V; VAPO uses λ_critic = 1, i.e. Monte-Carlo returns).
    public static func decoupledGAE(
        rewards: [Rational], values: [Rational], mask: [Bool],
        gamma: Rational, lambdaPolicy: Rational, lambdaCritic: Rational
    ) -> (advantages: [Rational], returns: [Rational]) {
        let policy = GAESumFormula.advantagesAndReturns(
            rewards: rewards, values: values, mask: mask, gamma: gamma, lambda: lambdaPolicy)
        let critic = GAESumFormula.advantagesAndReturns(
            rewards: rewards, values: values, mask: mask, gamma: gamma, lambda: lambdaCritic)
        return (policy.advantages, critic.returns)
    }

    /// Length-adaptive λ_policy (rl-math convention §3; VAPO, Length-Adaptive GAE: λ_policy = 1 − 1/(α·l)) with the
    /// short-sequence floor: max(λ_min, 1 − 1/(α·l)), and λ_min when l = 0. α > 0.
    public static func lengthAdaptiveLambda(length: Int, alpha: Rational, lambdaMin: Rational) -> Rational {
        precondition(length >= 0 && alpha > .zero, "length-adaptive λ: l ≥ 0 and α > 0")
        guard length > 0 else { return lambdaMin }
        return max(lambdaMin, .one - .one / (alpha * Rational(length)))
    }

    /// Length-adaptive GAE over a batch (rl-math convention §2–3): each sequence i uses its own
    /// λ_policy(l_i), l_i = its number of valid tokens, for the advantages, and λ_critic for the returns.
    public static func lengthAdaptiveGAE(
        rewards: [[Rational]], values: [[Rational]], masks: [[Bool]],
        gamma: Rational, alpha: Rational, lambdaMin: Rational, lambdaCritic: Rational
    ) -> [(lambdaPolicy: Rational, advantages: [Rational], returns: [Rational])] {
        masks.indices.map { i in
            let lambdaPolicy = lengthAdaptiveLambda(
                length: masks[i].filter { $0 }.count, alpha: alpha, lambdaMin: lambdaMin)
            let result = decoupledGAE(
                rewards: rewards[i], values: values[i], mask: masks[i],
                gamma: gamma, lambdaPolicy: lambdaPolicy, lambdaCritic: lambdaCritic)
            return (lambdaPolicy, result.advantages, result.returns)
        }
    }
}
