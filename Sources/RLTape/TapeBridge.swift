// Specs/rl-math.md, "Gradients through the tape".
import Autograd
import RLMath

// The bridge from RLMath's exact, tape-free losses to Autograd's tape (Specs/rl-math.md, "Gradients through the tape"): its own
// module, so that RLMath depends on Kernels' scalar protocols only and stays exact and generic.

extension Tensor where Scalar: RLScalar {
    /// The rows of a [sequences, tokens] tensor as per-sequence arrays: the layout the RL losses take.
    public var sequenceRows: [[Scalar]] {
        // fatalError, not precondition: optimised builds print its message too.
        if rank != 2 { fatalError("sequenceRows needs a [sequences, tokens] tensor, got shape \(shape)") }
        let flat = scalars, width = shape[1]
        return (0..<shape[0]).map { Array(flat[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// `loss`'s value as a rank-0 tensor recorded on this tensor's tape — this tensor being the loss's
    /// per-token input, [sequences, tokens] (the log-probabilities for the actor's losses, the values for the
    /// critic's) — whose backward adds g·`loss.gradient` into this tensor's gradient.
    ///
    /// The tape then carries the hand-derived gradient on to whatever produced the input: with a seed of 1
    /// the input's gradient is `loss.gradient` bit for bit.
    ///
    /// ```swift
    /// let logp = logits.logSoftmax().gathering(atLastAxis: tokens)          // [sequences, tokens], recorded
    /// let loss = PolicyLoss(logProbabilities: logp.sequenceRows, oldLogProbabilities: old,
    ///                       advantages: advantages, masks: masks, normalizer: normalizer)
    /// let gradients = tape.gradients(of: logp.recordingLoss(loss), withRespectTo: parameters)
    /// ```
    public func recordingLoss<Loss: TokenLoss>(_ loss: Loss) -> Tensor where Loss.Scalar == Scalar {
        if rank != 2 { fatalError("recordingLoss needs a [sequences, tokens] input, got shape \(shape)") }
        if loss.gradient.count != shape[0] || !loss.gradient.allSatisfy({ $0.count == shape[1] }) {
            fatalError("recordingLoss: the loss's gradient is not laid out as the input \(shape)")
        }
        let gradient = Tensor(shape: shape, scalars: loss.gradient.flatMap { $0 })
        return Tensor.custom([self], output: Tensor(loss.value)) { g in [gradient * g] }
    }
}
