// Specs/vapo.md, "The recipe": the clipped surrogate, the positive-example NLL and the KL term.
import Autograd
import Kernels
import RLMath
import RLTape
import Transformer

/// The actor's loss terms, one of the recipe's parts: the clipped surrogate with its clip rule (Clip-Higher's
/// [1 − ε_low, 1 + ε_high], or symmetric), μ·NLL of the correct responses (VAPO's positive-example loss), β·KL
/// to a frozen reference (GRPO's), and how the terms are aggregated (token-level or sample-level).
public struct ActorLossTerms: Sendable, Hashable, CustomStringConvertible {
    /// ε_low: the ratio is clipped below at 1 − ε_low.
    public let epsilonLow: Double
    /// The ratio is clipped above at 1 + `epsilonHigh` (ε_high with Clip-Higher, else ε_low).
    public let epsilonHigh: Double
    /// The dual clip c for negative advantages, or nil.
    public let dualClip: Double?
    /// μ, or nil without the positive-example loss.
    public let positiveExampleWeight: Double?
    /// β, or nil without the KL term (and without a reference policy).
    public let klCoefficient: Double?
    /// Token-level (VAPO 4, DAPO) or sample-level.
    public let aggregation: LossAggregation

    /// The terms `configuration` switches on.
    public init(configuration c: TrainingConfiguration) {
        epsilonLow = c.epsilonLow
        epsilonHigh = c.clipHigher ? c.epsilonHigh : c.epsilonLow
        dualClip = c.dualClip
        positiveExampleWeight = c.positiveExampleLoss ? c.mu : nil
        klCoefficient = c.referenceKL ? c.grpoBeta : nil
        aggregation = c.policyAggregation
    }

    public var description: String {
        var terms = ["clipped surrogate [1 − \(epsilonLow), 1 + \(epsilonHigh)]" + (dualClip.map { ", dual clip \($0)" } ?? "")]
        if let mu = positiveExampleWeight { terms.append("\(mu)·positive-example NLL") }
        if let beta = klCoefficient { terms.append("\(beta)·KL to the reference") }
        return terms.joined(separator: " + ") + (aggregation == .tokenLevel ? ", token-level" : ", sample-level")
    }
}

/// What the actor minimises on a mini-batch: the terms of `ActorLossTerms`, each aggregated with the normalizer
/// of the WHOLE mini-batch — the batch one optimizer update averages over — so that micro-batches only split
/// the work: their gradients sum to the mini-batch's (rl-math convention §7; verl issues #906 and #5625 are
/// what happens otherwise).
public struct ActorObjective<S: KernelScalar & RLRealScalar>: Sendable {
    public let surrogate: ClippedSurrogate<S>
    public let aggregation: LossAggregation
    /// μ, or nil without the positive-example loss.
    public let positiveExampleWeight: S?
    /// β, or nil without a KL term.
    public let klCoefficient: S?
    /// The rollout temperature: the policy being optimised is softmax(logits / T), the one that sampled.
    public let temperature: S

    /// The objective `configuration` describes.
    public init(configuration c: TrainingConfiguration) {
        let terms = ActorLossTerms(configuration: c)
        surrogate = ClippedSurrogate(epsilonLow: S(terms.epsilonLow), epsilonHigh: S(terms.epsilonHigh), dualClip: terms.dualClip.map { S($0) })
        aggregation = terms.aggregation
        positiveExampleWeight = terms.positiveExampleWeight.map { S($0) }
        klCoefficient = terms.klCoefficient.map { S($0) }
        temperature = S(c.temperature)
    }

    /// The gradient of the objective over the responses `rows` of `rollout` (one mini-batch) with respect to
    /// `policy`'s parameters, accumulated over micro-batches of `microBatchSize` responses in order, and the
    /// mini-batch's loss statistics.
    public func gradients(
        policy: GPT<S>, rollout: Rollout<S>, advantages: [[S]], rows: [Int], microBatchSize: Int
    ) -> ActorGradients<S> {
        let (gradients, statistics) = on(rollout, advantages: advantages).gradients(model: policy, rows: rows, microBatchSize: microBatchSize)
        return ActorGradients(gradients: gradients, statistics: statistics)
    }

    /// The objective over `rollout`'s responses with `advantages`, as the update loop takes it.
    func on(_ rollout: Rollout<S>, advantages: [[S]]) -> Step { Step(objective: self, rollout: rollout, advantages: advantages) }

    /// The actor's objective over one step's rollout.
    struct Step: MiniBatchObjective {
        let objective: ActorObjective
        let rollout: Rollout<S>
        let advantages: [[S]]

        func loss(of part: [Int], in rows: [Int], model policy: GPT<S>, parameters: [Tensor<S>]) -> (loss: Tensor<S>, statistics: ActorGradients<S>.Statistics) {
            let o = objective
            let correct = rollout.responses.map(\.correct)
            let normalizer = LossNormalizer(wholeBatchMasks: rows.map { rollout.lossMasks[$0] }, correct: rows.map { correct[$0] })
            let batch = PaddedBatch<S>(sequences: part.map { rollout.responses[$0].tokens }, responseMasks: part.map { rollout.responseMasks[$0] })
            func padded(_ perResponse: [[S]]) -> [[S]] { batch.padded(part.map { perResponse[$0] }, with: 0) }
            let masks = batch.padded(part.map { rollout.lossMasks[$0] }, with: false)
            let logp = policy.tokenLogProbabilities(batch.tokens, responseMask: batch.responseMask, temperature: o.temperature, parameters: parameters)
                .logProbabilities
            let logpRows = logp.sequenceRows
            let policyLoss = PolicyLoss(
                logProbabilities: logpRows, oldLogProbabilities: padded(rollout.oldLogProbabilities), advantages: padded(advantages),
                masks: masks, surrogate: o.surrogate, aggregation: o.aggregation, normalizer: normalizer)
            var statistics = ActorGradients<S>.Statistics()
            var loss: Tensor<S>
            if let mu = o.positiveExampleWeight {
                let positive = PositiveExampleLoss(logProbabilities: logpRows, masks: masks, correct: part.map { correct[$0] }, normalizer: normalizer)
                loss = logp.recordingLoss(ActorLoss(policy: policyLoss, positiveExample: positive, positiveExampleWeight: mu))
                statistics.positiveExampleNLL = Double(positive.value)
            } else {
                loss = logp.recordingLoss(policyLoss)
            }
            if let beta = o.klCoefficient, let references = rollout.referenceLogProbabilities {
                let kl = KLPenaltyLoss(
                    logProbabilities: logpRows, referenceLogProbabilities: padded(references), masks: masks, coefficient: beta,
                    aggregation: o.aggregation, normalizer: normalizer)
                loss = loss + logp.recordingLoss(kl)
                statistics.klDivergence = Double(kl.divergence)
            }
            statistics.loss = Double(loss.scalar)
            statistics.policyLoss = Double(policyLoss.value)
            statistics.clipFractionBelow = Double(policyLoss.clipFractionLower)
            statistics.clipFractionAbove = Double(policyLoss.clipFractionUpper)
            statistics.dualClipFraction = Double(policyLoss.dualClipFraction)
            statistics.approximateKL = Double(policyLoss.approximateKL ?? 0)
            return (loss, statistics)
        }
    }
}

/// The actor's gradient over one mini-batch and that mini-batch's loss statistics (each the sum of its
/// micro-batches' shares, so the whole mini-batch's value).
public struct ActorGradients<S: KernelScalar> {
    /// One tensor per policy parameter, in the policy's order.
    public let gradients: [Tensor<S>]
    public let statistics: Statistics

    /// The mini-batch's values (Double, for metrics).
    public struct Statistics: Sendable, Equatable {
        /// The whole objective.
        public var loss = 0.0
        /// The clipped-surrogate term (verl's pg_loss).
        public var policyLoss = 0.0
        /// Tokens with A < 0 and r < 1 − ε_low, over the mini-batch's valid tokens.
        public var clipFractionBelow = 0.0
        /// Tokens with A > 0 and r > 1 + ε_high.
        public var clipFractionAbove = 0.0
        /// Tokens capped by the dual clip (verl's pg_clipfrac_lower).
        public var dualClipFraction = 0.0
        /// Mean of old − new log-probability (verl's ppo_kl).
        public var approximateKL = 0.0
        /// The positive-example NLL (0 without it or without a correct response).
        public var positiveExampleNLL = 0.0
        /// The mean k3 KL to the reference (GRPO).
        public var klDivergence = 0.0
    }
}

extension ActorGradients.Statistics: ObjectiveStatistics {
    static var zero: Self { Self() }

    static func + (lhs: Self, rhs: Self) -> Self {
        Self(
            loss: lhs.loss + rhs.loss, policyLoss: lhs.policyLoss + rhs.policyLoss, clipFractionBelow: lhs.clipFractionBelow + rhs.clipFractionBelow,
            clipFractionAbove: lhs.clipFractionAbove + rhs.clipFractionAbove, dualClipFraction: lhs.dualClipFraction + rhs.dualClipFraction,
            approximateKL: lhs.approximateKL + rhs.approximateKL, positiveExampleNLL: lhs.positiveExampleNLL + rhs.positiveExampleNLL,
            klDivergence: lhs.klDivergence + rhs.klDivergence)
    }
}
