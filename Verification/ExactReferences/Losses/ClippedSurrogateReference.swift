/// The PPO clipped surrogate of one token, in loss form, with its gradients, derived by hand case by case
/// on the sign of the advantage (rl-math convention §6; PPO: Schulman et al. 2017, eq. 7; asymmetric
/// Clip-Higher: DAPO §3.1 and VAPO; dual clip: Ye et al. 2020, eq. 5, as verl implements it):
///
///     loss = max(−A·r, −A·clip(r, 1 − ε_low, 1 + ε_high)),  and with dual clip c > 1, if A < 0:
///     loss = min(loss, −A·c).
///
/// Splitting by the sign of A removes the max (assumes 0 ≤ ε_low < 1, ε_high ≥ 0, c > 1):
///   A > 0: loss = −A·min(r, 1 + ε_high)           (the lower clip never binds)
///   A < 0: loss = |A|·max(r, 1 − ε_low)          (the upper clip never binds);
///          dual clip: min(|A|·max(r, 1 − ε_low), |A|·c), which caps it exactly when r > c
///   A = 0: loss = 0.
/// Boundary convention (§6): where the unclipped and clipped terms tie (r on a clip boundary) the
/// unclipped branch is taken, so ∂loss/∂r = −A there; where the dual cap ties (r = c) it is not active.
public enum ClippedSurrogateReference {
    /// The clip parameters of one loss: ε_low, ε_high, and the dual-clip constant c (nil: no dual clip).
    public struct Parameters: Sendable {
        public let epsilonLow: Rational
        public let epsilonHigh: Rational
        public let dualClip: Rational?

        public init(epsilonLow: Rational, epsilonHigh: Rational, dualClip: Rational?) {
            precondition(epsilonLow >= .zero && epsilonLow < .one && epsilonHigh >= .zero, "clip: 0 ≤ ε_low < 1, ε_high ≥ 0")
            precondition(dualClip.map { $0 > .one } ?? true, "dual clip: c > 1")
            (self.epsilonLow, self.epsilonHigh, self.dualClip) = (epsilonLow, epsilonHigh, dualClip)
        }
    }

    /// The per-token loss for ratio r and advantage A.
    public static func loss(ratio r: Rational, advantage a: Rational, _ p: Parameters) -> Rational {
        if a > .zero { return -a * min(r, .one + p.epsilonHigh) }
        if a < .zero {
            let clipped = a.magnitude * max(r, .one - p.epsilonLow)
            guard let c = p.dualClip else { return clipped }
            return min(clipped, a.magnitude * c)
        }
        return .zero
    }

    /// ∂loss/∂r: −A where the unclipped term is the active one (ties included), else 0.
    ///   A > 0: −A if r ≤ 1 + ε_high, else 0;
    ///   A < 0: −A if r ≥ 1 − ε_low (and, with dual clip, r ≤ c), else 0;
    ///   A = 0: 0.
    public static func gradientWithRespectToRatio(ratio r: Rational, advantage a: Rational, _ p: Parameters) -> Rational {
        if a > .zero { return r <= .one + p.epsilonHigh ? -a : .zero }
        if a < .zero {
            let capped = p.dualClip.map { r > $0 } ?? false
            return r >= .one - p.epsilonLow && !capped ? -a : .zero
        }
        return .zero
    }

    /// ∂loss/∂logp given the ratio: r = exp(logp − old_logp), so ∂r/∂logp = r and the chain rule gives
    /// r·∂loss/∂r (rl-math convention §6).
    public static func gradientWithRespectToLogProbability(ratio r: Rational, advantage a: Rational, _ p: Parameters) -> Rational {
        r * gradientWithRespectToRatio(ratio: r, advantage: a, p)
    }
}
