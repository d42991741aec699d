// Specs/autograd.md, "The derivative table: primitives": causal self-attention.
import Kernels

/// Multi-head causal self-attention over fused projections: one primitive whose forward saves the
/// attention probabilities for its backward (kernels: `CausalAttentionKernels`).
struct CausalSelfAttentionOperation<Scalar: KernelScalar>: Operation {
    let qkv: Tensor<Scalar>
    let probabilities: TensorStorage<Scalar>
    let batch: Int, length: Int, heads: Int, headWidth: Int
    let scale: Scalar

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        guard let (gqkv, fresh) = inputs.forWriting(0) else { return }
        Scalar.causalAttentionBackward(
            qkv: qkv.pointer, probabilities: probabilities.pointer, outputGradient: gy, batch: batch, length: length,
            heads: heads, headWidth: headWidth, scale: scale, into: gqkv, accumulate: !fresh)
    }
}

extension Tensor {
    /// Multi-head causal self-attention of fused projections [batch, length, 3·width] (queries, keys and
    /// values in that order, each split into `heads` heads of width/heads consecutive features): per head,
    /// softmax(q·kᵀ/√headWidth, causally masked: query t sees keys s ≤ t)·v, heads side by side in the
    /// result [batch, length, width].
    public func causalSelfAttention(heads: Int) -> Tensor {
        precondition(rank == 3 && shape[2] % 3 == 0, "causal self-attention needs qkv [batch, length, 3·width], got \(shape)")
        let (batch, length, width) = (shape[0], shape[1], shape[2] / 3)
        precondition(heads >= 1 && width % heads == 0, "causal self-attention: \(heads) heads do not divide width \(width)")
        let headWidth = width / heads
        let scale = 1 / Scalar(headWidth).squareRoot()
        let probabilities = TensorStorage<Scalar>(uninitializedCount: batch * heads * length * length)
        return Tensor.make(shape: [batch, length, width], inputs: [self]) {
            Scalar.causalAttention(
                qkv: pointer, batch: batch, length: length, heads: heads, headWidth: headWidth, scale: scale,
                into: $0, probabilities: probabilities.pointer)
        } operation: {
            CausalSelfAttentionOperation(
                qkv: detached(), probabilities: probabilities, batch: batch, length: length, heads: heads,
                headWidth: headWidth, scale: scale)
        }
    }
}
