import Autograd
import Kernels
import RLMath
import RLTape
import Transformer

/// What the actor minimises on a mini-batch: the clipped surrogate (with the configured clip range and
/// aggregation), plus μ·NLL of the correct responses (VAPO's positive-example loss), plus β·KL to the
/// reference (GRPO). Every term is aggregated with the normalizer of the WHOLE mini-batch — the batch one
/// optimizer update averages over — and micro-batches only split the work: their gradients sum to the
/// mini-batch's (rl-math convention §7; verl issues #906 and #5625 are what happens otherwise).
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
        surrogate = c.surrogate()
        aggregation = c.policyAggregation
        positiveExampleWeight = c.positiveExampleLoss ? S(c.mu) : nil
        klCoefficient = c.algorithm == .grpo ? S(c.grpoBeta) : nil
        temperature = S(c.temperature)
    }

    /// The gradient of the objective over the responses `rows` of `rollout` (one mini-batch) with respect to
    /// `policy`'s parameters, accumulated over micro-batches of `microBatchSize` responses in order, and the
    /// mini-batch's loss statistics.
    public func gradients(
        policy: GPT<S>, rollout: Rollout<S>, advantages: [[S]], rows: [Int], microBatchSize: Int
    ) -> ActorGradients<S> {
        let correct = rollout.responses.map(\.correct)
        let normalizer = LossNormalizer(wholeBatchMasks: rows.map { rollout.lossMasks[$0] }, correct: rows.map { correct[$0] })
        var total: [Tensor<S>]?
        var statistics = ActorGradients<S>.Statistics()
        for chunk in Rollout<S>.chunks(rows.count, size: microBatchSize) {
            let part = Array(rows[chunk])
            let batch = PaddedBatch<S>(sequences: part.map { rollout.responses[$0].tokens }, responseMasks: part.map { rollout.responseMasks[$0] })
            func padded(_ perResponse: [[S]]) -> [[S]] { batch.padded(part.map { perResponse[$0] }, with: 0) }
            let masks = batch.padded(part.map { rollout.lossMasks[$0] }, with: false)
            let tape = Tape<S>()
            let variables = policy.parameters.map { tape.variable($0) }
            let logp = policy.tokenLogProbabilities(batch.tokens, responseMask: batch.responseMask, temperature: temperature, parameters: variables).logProbabilities
            let logpRows = logp.sequenceRows
            let policyLoss = PolicyLoss(
                logProbabilities: logpRows, oldLogProbabilities: padded(rollout.oldLogProbabilities), advantages: padded(advantages),
                masks: masks, surrogate: surrogate, aggregation: aggregation, normalizer: normalizer)
            var loss: Tensor<S>
            if let mu = positiveExampleWeight {
                let positive = PositiveExampleLoss(logProbabilities: logpRows, masks: masks, correct: part.map { correct[$0] }, normalizer: normalizer)
                loss = logp.recordingLoss(ActorLoss(policy: policyLoss, positiveExample: positive, positiveExampleWeight: mu))
                statistics.positiveExampleNLL += Double(positive.value)
            } else {
                loss = logp.recordingLoss(policyLoss)
            }
            if let beta = klCoefficient, let references = rollout.referenceLogProbabilities {
                let kl = KLPenaltyLoss(
                    logProbabilities: logpRows, referenceLogProbabilities: padded(references), masks: masks, coefficient: beta,
                    aggregation: aggregation, normalizer: normalizer)
                loss = loss + logp.recordingLoss(kl)
                statistics.klDivergence += Double(kl.divergence)
            }
            accumulate(tape.gradients(of: loss, withRespectTo: variables), into: &total)
            statistics.loss += Double(loss.scalar)
            statistics.policyLoss += Double(policyLoss.value)
            statistics.clipFractionBelow += Double(policyLoss.clipFractionLower)
            statistics.clipFractionAbove += Double(policyLoss.clipFractionUpper)
            statistics.dualClipFraction += Double(policyLoss.dualClipFraction)
            statistics.approximateKL += Double(policyLoss.approximateKL ?? 0)
        }
        return ActorGradients(
            gradients: total ?? policy.parameters.map { Tensor(zeros: $0.shape) }, statistics: statistics)
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
