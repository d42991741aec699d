// Specs/autograd.md, "Composed ops": cross-entropy.
import Kernels

extension Tensor {
    /// Mean cross-entropy of logits [..., vocabulary] against integer targets (one per row), over the rows
    /// whose `mask` entry is non-zero (all rows when nil). Composed: −Σ mask·logSoftmax(x)[target] / Σ mask.
    /// With no counted row the loss is 0 (not NaN), and so is its gradient.
    public func crossEntropy(targets: [Int], mask: [Scalar]? = nil) -> Tensor {
        let picked = logSoftmax().gathering(atLastAxis: targets)
        let weights = mask ?? [Scalar](repeating: 1, count: targets.count)
        precondition(weights.count == targets.count, "crossEntropy: \(weights.count) mask entries for \(targets.count) targets")
        let counted = weights.filter { $0 != 0 }.count
        let indicator = Tensor(shape: picked.shape, scalars: weights.map { $0 != 0 ? 1 : 0 })
        return (picked * indicator).sum().scaled(by: -1 / Scalar(Swift.max(counted, 1)))
    }
}
