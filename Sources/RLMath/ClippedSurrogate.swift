// Specs/rl-math.md, "Clipped surrogate".
/// Which term sets a token's clipped-surrogate loss (rl-math convention §6). The regions are exclusive and decided
/// by comparisons only, so Float and rationals classify a token the same way whenever their bounds agree.
public enum ClipRegion: Sendable, Hashable, CaseIterable {
    /// The unclipped term −A·r attains the max (ties, i.e. r inside the clip range or on its boundary, and
    /// A = 0, count here): ∂loss/∂r = −A.
    case unclipped
    /// A < 0 and r < 1 − ε_low: the clipped term wins strictly; ∂loss/∂r = 0.
    case clippedBelow
    /// A > 0 and r > 1 + ε_high: the clipped term wins strictly; ∂loss/∂r = 0.
    case clippedAbove
    /// A < 0 and the loss exceeded −A·c strictly: the dual clip caps it at −A·c; ∂loss/∂r = 0.
    case dualClipped
}

/// One token's clipped-surrogate loss and its derivatives.
public struct SurrogateTerm<S: RLScalar>: Sendable, Equatable {
    /// The policy ratio r = π/π_old (given, or exp of the clamped log-ratio).
    public let ratio: S
    /// max(−A·r, −A·clip(r, 1 − ε_low, 1 + ε_high)), then min(·, −A·c) when A < 0 and a dual clip is set.
    public let loss: S
    /// ∂loss/∂r: −A in the unclipped region, 0 elsewhere.
    public let ratioGradient: S
    /// ∂loss/∂logp = r·∂loss/∂r (because ∂r/∂logp = r), and 0 where the log-ratio was clamped to ±20.
    public let logProbabilityGradient: S
    public let region: ClipRegion
}

/// PPO's clipped surrogate in loss form (to minimise), with Clip-Higher's asymmetric range and an optional
/// dual clip: loss = max(−A·r, −A·clip(r, 1 − ε_low, 1 + ε_high)); if A < 0 and c is set, min(loss, −A·c).
///
/// Sources: PPO (Schulman et al. 2017, eq. 7, L^CLIP = E[min(r·A, clip(r, 1 − ε, 1 + ε)·A)], negated here);
/// Clip-Higher (DAPO, adopted by VAPO: ε_low = 0.2, ε_high = 0.28); dual clip (Ye et al. 2020, "Mastering
/// Complex Control in MOBA Games with Deep Reinforcement Learning", as verl's `clip_ratio_c`).
public struct ClippedSurrogate<S: RLScalar>: Sendable {
    public let epsilonLow: S
    public let epsilonHigh: S
    /// c > 1, or nil for no dual clip.
    public let dualClip: S?

    /// Defaults are VAPO's and DAPO's Clip-Higher (0.2, 0.28, no dual clip), built as the exact fractions
    /// 1/5 and 7/25 (so a rational scalar gets the true values and Float the correctly rounded ones).
    public init(epsilonLow: S = S(1) / S(5), epsilonHigh: S = S(7) / S(25), dualClip: S? = nil) {
        require(epsilonLow >= .zero, "ClippedSurrogate: epsilonLow must be ≥ 0, got \(epsilonLow)")
        require(epsilonHigh >= .zero, "ClippedSurrogate: epsilonHigh must be ≥ 0, got \(epsilonHigh)")
        if let dualClip { require(dualClip > .one, "ClippedSurrogate: dualClip must be > 1, got \(dualClip)") }
        self.epsilonLow = epsilonLow
        self.epsilonHigh = epsilonHigh
        self.dualClip = dualClip
    }

    /// Symmetric PPO clipping, ε = 0.2 on both sides.
    public static var ppo: ClippedSurrogate { ClippedSurrogate(epsilonLow: S(1) / S(5), epsilonHigh: S(1) / S(5)) }

    /// The loss of one token with policy ratio `ratio` and advantage `advantage`.
    ///
    /// The region is decided by comparing r with 1 − ε_low and 1 + ε_high and by the sign of A, which in
    /// exact arithmetic is the same as comparing the two terms (with A > 0 the clipped term is larger iff
    /// clip(r) < r iff r > 1 + ε_high; with A < 0 iff r < 1 − ε_low; with A = 0 both are 0) and in Float
    /// gives the same loss bits (rounding is monotone, so the rounded products compare the same way).
    public func term(ratio r: S, advantage a: S) -> SurrogateTerm<S> {
        let lower = S.one - epsilonLow, upper = S.one + epsilonHigh
        var region: ClipRegion
        var loss: S
        if a > .zero && r > upper {
            region = .clippedAbove
            loss = -a * upper
        } else if a < .zero && r < lower {
            region = .clippedBelow
            loss = -a * lower
        } else {
            region = .unclipped
            loss = -a * r
        }
        if let c = dualClip, a < .zero, loss > -a * c {
            region = .dualClipped
            loss = -a * c
        }
        let ratioGradient = region == .unclipped ? -a : S.zero
        return SurrogateTerm(
            ratio: r, loss: loss, ratioGradient: ratioGradient, logProbabilityGradient: r * ratioGradient,
            region: region)
    }
}

extension ClippedSurrogate where S: RLRealScalar {
    /// The log-ratio bound: r = exp(clamp(logp − old, −20, 20)), as verl, so that r stays finite.
    public static var logRatioBound: S { S(20) }

    /// The loss of one token from its log-probabilities under the current and the old policy:
    /// r = exp(clamp(logp − old, −20, 20)). ∂loss/∂logp = r·∂loss/∂r where −20 ≤ logp − old ≤ 20 (bounds
    /// included, as `Tensor.clamped` passes gradient), and 0 where the clamp is active — the derivative of
    /// the function as computed.
    public func term(logProbability: S, oldLogProbability: S, advantage: S) -> SurrogateTerm<S> {
        let bound = Self.logRatioBound
        let logRatio = logProbability - oldLogProbability
        let clamped = min(max(logRatio, -bound), bound)
        let unclamped = term(ratio: S.exp(clamped), advantage: advantage)
        guard clamped != logRatio else { return unclamped }
        return SurrogateTerm(
            ratio: unclamped.ratio, loss: unclamped.loss, ratioGradient: unclamped.ratioGradient,
            logProbabilityGradient: .zero, region: unclamped.region)
    }
}
