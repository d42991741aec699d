// Specs/autograd.md, "Optimizers and schedules": clipping by global norm.
import Kernels

/// Rescales `gradients` so that their global L2 norm √(Σ‖gᵢ‖²) is at most `maxNorm`, as
/// `torch.nn.utils.clip_grad_norm_` does: when the norm exceeds `maxNorm`, every gradient is multiplied by
/// maxNorm / (norm + 1e-6). Returns the gradients to use and the norm before clipping (a training metric).
///
/// The squared norms are summed per tensor by the fixed-order `sumOfSquares` kernel, then across tensors in
/// list order, so the result does not depend on anything but the gradients.
public func clipByGlobalNorm<Scalar: KernelScalar>(
    _ gradients: [Tensor<Scalar>], maxNorm: Scalar
) -> (gradients: [Tensor<Scalar>], norm: Scalar) {
    precondition(maxNorm > 0, "maxNorm must be positive, got \(maxNorm)")
    var total: Scalar = 0
    for gradient in gradients { total += Scalar.sumOfSquares(gradient.pointer, count: gradient.count) }
    let norm = total.squareRoot()
    guard norm > maxNorm else { return (gradients, norm) }
    let factor = maxNorm / (norm + Scalar(1e-6))
    return (gradients.map { $0.detached().scaled(by: factor) }, norm)
}
