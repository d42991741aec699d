/// The clip fractions and the approximate KL of a batch, counted straight from their definitions
/// (rl-math convention §6), and the actor loss L_PPO + μ·L_NLL (convention §9), composed from the
/// references of its two terms.
public enum PolicyMetricsReference {
    /// Fractions of the whole batch's N valid tokens where each clip binds:
    ///   lower: A < 0 and r < 1 − ε_low;   upper: A > 0 and r > 1 + ε_high;
    ///   dual:  A < 0 and r > c (|A|·max(r, 1 − ε_low) > |A|·c ⇔ r > c, since c > 1 > 1 − ε_low).
    /// N = 0 gives 0 for all three.
    public static func clipFractions(
        ratios: [[Rational]], advantages: [[Rational]], masks: [[Bool]], _ p: ClippedSurrogateReference.Parameters
    ) -> (lower: Rational, upper: Rational, dual: Rational) {
        var (lower, upper, dual, valid) = (0, 0, 0, 0)
        for i in masks.indices {
            for t in masks[i].indices where masks[i][t] {
                let (r, a) = (ratios[i][t], advantages[i][t])
                valid += 1
                if a < .zero && r < .one - p.epsilonLow { lower += 1 }
                if a > .zero && r > .one + p.epsilonHigh { upper += 1 }
                if a < .zero, let c = p.dualClip, r > c { dual += 1 }
            }
        }
        guard valid > 0 else { return (.zero, .zero, .zero) }
        let n = Rational(valid)
        return (Rational(lower) / n, Rational(upper) / n, Rational(dual) / n)
    }

    /// verl's ppo_kl: the mean over valid tokens of old_logp − logp (0 with no valid token).
    public static func approximateKL(logProbabilities: [[Rational]], oldLogProbabilities: [[Rational]], masks: [[Bool]]) -> Rational {
        var (total, valid) = (Rational.zero, 0)
        for i in masks.indices {
            for t in masks[i].indices where masks[i][t] {
                total = total + (oldLogProbabilities[i][t] - logProbabilities[i][t])
                valid += 1
            }
        }
        return valid == 0 ? .zero : total / Rational(valid)
    }

    /// L = L_PPO + μ·L_NLL and ∂L/∂logp = ∂L_PPO/∂logp + μ·∂L_NLL/∂logp, token by token.
    public static func actorLoss(
        policyLoss: Rational, policyGradient: [[Rational]], nllLoss: Rational, nllGradient: [[Rational]], mu: Rational
    ) -> (loss: Rational, gradient: [[Rational]]) {
        (policyLoss + mu * nllLoss, zip(policyGradient, nllGradient).map { zip($0, $1).map { $0 + mu * $1 } })
    }
}
