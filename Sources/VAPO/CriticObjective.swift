import Autograd
import Kernels
import RLMath
import RLTape
import Transformer

/// What the critic minimises on a mini-batch: the value loss 0.5·agg((V − R)²), optionally clipped around the
/// rollout's values (rl-math convention §8), token-level over the response tokens with the whole mini-batch's
/// normalizer, accumulated over micro-batches like the actor's.
public struct CriticObjective<S: KernelScalar & RLRealScalar>: Sendable {
    /// The value clipping range c, or nil for none.
    public let clipRange: S?

    /// The objective `configuration` describes.
    public init(configuration: TrainingConfiguration) {
        clipRange = configuration.valueClipRange.map { S($0) }
    }

    /// The gradient over the responses `rows` of `rollout` against the targets `returns`, with respect to
    /// `critic`'s parameters, and the mini-batch's loss and clip fraction.
    public func gradients(
        critic: GPT<S>, rollout: Rollout<S>, returns: [[S]], rows: [Int], microBatchSize: Int
    ) -> CriticGradients<S> {
        let normalizer = LossNormalizer(wholeBatchMasks: rows.map { rollout.responseMasks[$0] })
        var total: [Tensor<S>]?
        var loss = 0.0, clipFraction = 0.0
        for chunk in Rollout<S>.chunks(rows.count, size: microBatchSize) {
            let part = Array(rows[chunk])
            let batch = PaddedBatch<S>(sequences: part.map { rollout.responses[$0].tokens }, responseMasks: part.map { rollout.responseMasks[$0] })
            let masks = batch.padded(part.map { rollout.responseMasks[$0] }, with: false)
            let clipping = clipRange.map { range in
                ValueClipping(oldValues: batch.padded(part.map { rollout.values?[$0] ?? [] }, with: 0), range: range)
            }
            let tape = Tape<S>()
            let variables = critic.parameters.map { tape.variable($0) }
            let features = rollout.criticFeatures.map { all in SurpriseFeatures.tensor(part.map { all[$0] }, in: batch) }
            let values = critic.valuesBeforeTokens(batch.tokens, features: features, parameters: variables)
            let valueLoss = ValueLoss(
                values: values.sequenceRows, returns: batch.padded(part.map { returns[$0] }, with: 0), masks: masks,
                clipping: clipping, aggregation: .tokenLevel, normalizer: normalizer)
            accumulate(tape.gradients(of: values.recordingLoss(valueLoss), withRespectTo: variables), into: &total)
            loss += Double(valueLoss.value)
            clipFraction += Double(valueLoss.clipFraction)
        }
        return CriticGradients(
            gradients: total ?? critic.parameters.map { Tensor(zeros: $0.shape) }, loss: loss, clipFraction: clipFraction)
    }
}

/// The critic's gradient over one mini-batch, its value loss and its value-clip fraction.
public struct CriticGradients<S: KernelScalar> {
    /// One tensor per critic parameter, in the critic's order.
    public let gradients: [Tensor<S>]
    /// The mini-batch's value loss (verl's vf_loss).
    public let loss: Double
    /// Tokens where the clipped term won (verl's vf_clipfrac).
    public let clipFraction: Double
}
