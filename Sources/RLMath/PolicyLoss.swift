// Specs/rl-math.md, "Public API" and "Clipped surrogate": a loss with its gradient; the policy loss of a batch.
/// A loss of (a part of) a batch together with its gradient with respect to its per-token input, so that
/// training can hand the gradient to the tape (`Tensor.recordingLoss`) and tests can check it exactly.
public protocol TokenLoss<Scalar>: Sendable {
    associatedtype Scalar: RLScalar
    /// This part's share of the whole batch's loss: the values of the parts of a batch sum to its value.
    var value: Scalar { get }
    /// ∂value/∂xᵢₜ for every token, 0 at masked tokens. x is the log-probabilities for the actor's losses
    /// (policy, positive-example, their sum) and the values for the critic's.
    var gradient: [[Scalar]] { get }
}

/// The clipped-surrogate policy loss of a part of a batch (rl-math convention §6–7): each valid token's
/// `SurrogateTerm`, aggregated with the whole batch's normalizer, its gradients, and the clip metrics.
public struct PolicyLoss<S: RLScalar>: TokenLoss {
    /// agg(loss) over the part's valid tokens.
    public let value: S
    /// ∂value/∂logp per token: aggregation weight × the term's ∂loss/∂logp.
    public let gradient: [[S]]
    /// ∂value/∂r per token: aggregation weight × the term's ∂loss/∂r.
    public let ratioGradient: [[S]]
    /// Each token's unaggregated loss (0 where masked).
    public let tokenLosses: [[S]]
    /// Valid tokens with A < 0 and r < 1 − ε_low, divided by the whole batch's N; the parts' fractions sum
    /// to the batch's. (verl's pg_clipfrac is lower + upper.)
    public let clipFractionLower: S
    /// Valid tokens with A > 0 and r > 1 + ε_high, divided by N.
    public let clipFractionUpper: S
    /// Valid tokens capped by the dual clip (A < 0, loss > −A·c), divided by N: verl's pg_clipfrac_lower.
    public let dualClipFraction: S
    /// Σ m·(old_logp − logp)/N, verl's ppo_kl (the parts sum to the batch's); nil when built from ratios.
    public let approximateKL: S?

    /// The loss from the policy ratios r = π/π_old directly: the exact core, which runs on rationals.
    /// Masked positions of every input are never read.
    public init(
        ratios: [[S]], advantages: [[S]], masks: [[Bool]], surrogate: ClippedSurrogate<S> = ClippedSurrogate(),
        aggregation: LossAggregation = .tokenLevel, normalizer: LossNormalizer
    ) {
        TokenLayout.require(ratios, named: "ratios", matches: masks, in: "PolicyLoss")
        TokenLayout.require(advantages, named: "advantages", matches: masks, in: "PolicyLoss")
        self.init(masks: masks, aggregation: aggregation, normalizer: normalizer, approximateKL: nil) { i, t in
            surrogate.term(ratio: ratios[i][t], advantage: advantages[i][t])
        }
    }

    init(
        masks: [[Bool]], aggregation: LossAggregation, normalizer: LossNormalizer, approximateKL: S?,
        term: (Int, Int) -> SurrogateTerm<S>
    ) {
        let terms = masks.indices.map { i in masks[i].indices.map { t in masks[i][t] ? term(i, t) : nil } }
        func perToken(_ f: (SurrogateTerm<S>) -> S) -> [[S]] { terms.map { $0.map { $0.map(f) ?? .zero } } }
        func fraction(of region: ClipRegion) -> S {
            normalizer.aggregate(perToken { $0.region == region ? .one : .zero }, masks: masks, .tokenLevel).value
        }
        tokenLosses = perToken(\.loss)
        let aggregate = normalizer.aggregate(tokenLosses, masks: masks, aggregation)
        value = aggregate.value
        func weighted(_ f: (SurrogateTerm<S>) -> S) -> [[S]] {
            zip(aggregate.tokenWeights, perToken(f)).map { zip($0, $1).map(*) }
        }
        gradient = weighted(\.logProbabilityGradient)
        ratioGradient = weighted(\.ratioGradient)
        clipFractionLower = fraction(of: .clippedBelow)
        clipFractionUpper = fraction(of: .clippedAbove)
        dualClipFraction = fraction(of: .dualClipped)
        self.approximateKL = approximateKL
    }
}

extension PolicyLoss where S: RLRealScalar {
    /// The loss from log-probabilities under the current and the old policy (the training path):
    /// r = exp(clamp(logp − old, −20, 20)) per token; `gradient` is with respect to `logProbabilities`.
    public init(
        logProbabilities: [[S]], oldLogProbabilities: [[S]], advantages: [[S]], masks: [[Bool]],
        surrogate: ClippedSurrogate<S> = ClippedSurrogate(), aggregation: LossAggregation = .tokenLevel,
        normalizer: LossNormalizer
    ) {
        TokenLayout.require(logProbabilities, named: "logProbabilities", matches: masks, in: "PolicyLoss")
        TokenLayout.require(oldLogProbabilities, named: "oldLogProbabilities", matches: masks, in: "PolicyLoss")
        TokenLayout.require(advantages, named: "advantages", matches: masks, in: "PolicyLoss")
        let logRatioDrop = zip(oldLogProbabilities, logProbabilities).map { zip($0, $1).map(-) }
        let kl = normalizer.aggregate(logRatioDrop, masks: masks, .tokenLevel).value
        self.init(masks: masks, aggregation: aggregation, normalizer: normalizer, approximateKL: kl) { i, t in
            surrogate.term(
                logProbability: logProbabilities[i][t], oldLogProbability: oldLogProbabilities[i][t],
                advantage: advantages[i][t])
        }
    }
}
