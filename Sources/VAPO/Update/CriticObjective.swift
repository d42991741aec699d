// Specs/vapo.md, "The recipe": the value loss, optionally clipped, token-level.
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
        let (gradients, statistics) = on(rollout, returns: returns).gradients(model: critic, rows: rows, microBatchSize: microBatchSize)
        return CriticGradients(gradients: gradients, loss: statistics.loss, clipFraction: statistics.clipFraction)
    }

    /// The objective over `rollout`'s responses against `returns`, as the update loop takes it.
    func on(_ rollout: Rollout<S>, returns: [[S]]) -> Step { Step(clipRange: clipRange, rollout: rollout, returns: returns) }

    /// The critic's objective over one step's rollout.
    struct Step: MiniBatchObjective {
        let clipRange: S?
        let rollout: Rollout<S>
        let returns: [[S]]

        func loss(of part: [Int], in rows: [Int], model critic: GPT<S>, parameters: [Tensor<S>]) -> (loss: Tensor<S>, statistics: CriticStatistics) {
            let normalizer = LossNormalizer(wholeBatchMasks: rows.map { rollout.responseMasks[$0] })
            let batch = PaddedBatch<S>(sequences: part.map { rollout.responses[$0].tokens }, responseMasks: part.map { rollout.responseMasks[$0] })
            let masks = batch.padded(part.map { rollout.responseMasks[$0] }, with: false)
            let clipping = clipRange.map { range in
                ValueClipping(oldValues: batch.padded(part.map { rollout.values?[$0] ?? [] }, with: 0), range: range)
            }
            let features = rollout.criticFeatures.map { all in SurpriseFeatures.tensor(part.map { all[$0] }, in: batch) }
            let values = critic.valuesBeforeTokens(batch.tokens, features: features, parameters: parameters)
            let valueLoss = ValueLoss(
                values: values.sequenceRows, returns: batch.padded(part.map { returns[$0] }, with: 0), masks: masks,
                clipping: clipping, aggregation: .tokenLevel, normalizer: normalizer)
            return (values.recordingLoss(valueLoss), CriticStatistics(loss: Double(valueLoss.value), clipFraction: Double(valueLoss.clipFraction)))
        }
    }
}

/// A critic mini-batch's value loss (verl's vf_loss) and value-clip fraction (verl's vf_clipfrac).
struct CriticStatistics: ObjectiveStatistics {
    var loss: Double
    var clipFraction: Double

    static var zero: Self { Self(loss: 0, clipFraction: 0) }
    static func + (lhs: Self, rhs: Self) -> Self { Self(loss: lhs.loss + rhs.loss, clipFraction: lhs.clipFraction + rhs.clipFraction) }
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
