// Specs/autograd.md, "The derivative table: primitives": the linear layer.
import Kernels

/// y = x·W + b over the last axis of x (a linear layer applied to every row): one gemm on the rows as they
/// lie in memory, the bias added in place, and a backward of two gemms in the NT and TN forms (no
/// transposed copies) and a column sum.
struct LinearOperation<Scalar: KernelScalar>: Operation {
    let x: Tensor<Scalar>, weight: Tensor<Scalar>
    let rows: Int, inputs: Int, outputs: Int
    let hasBias: Bool

    func backward(_ gy: UnsafePointer<Scalar>, _ slots: GradientSlots<Scalar>) {
        // The bias first, while gy (just written by the op after this one) is still in cache.
        if hasBias, let gBias = slots[2] { Scalar.accumulateColumnSums(gy, rows: rows, cols: outputs, into: gBias) }
        if let (gx, fresh) = slots.forWriting(0) {   // gx[rows×in] += gy[rows×out] · Wᵀ (= when fresh)
            Scalar.gemm(
                transposeA: false, transposeB: true, m: rows, n: inputs, k: outputs, a: gy, lda: outputs,
                b: weight.pointer, ldb: outputs, c: gx, ldc: inputs, accumulate: !fresh)
        }
        if let gWeight = slots[1] {   // gW[in×out] += xᵀ · gy
            Scalar.gemm(
                transposeA: true, transposeB: false, m: inputs, n: outputs, k: rows, a: x.pointer, lda: inputs,
                b: gy, ldb: outputs, c: gWeight, ldc: outputs, accumulate: true)
        }
    }
}

extension Tensor {
    /// A linear layer on the last axis: x [..., in] · weight [in, out] + bias [out] → [..., out].
    ///
    /// The same bits as `Tensor.matmul(x, weight) + bias`: each output is the gemm's FMA chain over `in`
    /// from +0, then one addition of the bias. Gradients: gx += gy·Wᵀ and gW += xᵀ·gy (gemms, see
    /// Specs/kernels.md), gb += the sum of gy's rows in increasing row order.
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(rank >= 1 && weight.rank == 2 && weight.shape[0] == shape[rank - 1],
                     "linear: input \(shape) does not fit weight \(weight.shape)")
        let (inputs, outputs) = (weight.shape[0], weight.shape[1])
        if let bias { precondition(bias.shape == [outputs], "linear: bias \(bias.shape) for \(outputs) outputs") }
        let rows = Shape.count(Array(shape.dropLast()))
        let operands = [self, weight] + (bias.map { [$0] } ?? [])
        return Tensor.make(shape: Array(shape.dropLast()) + [outputs], inputs: operands) { out in
            Scalar.gemm(
                transposeA: false, transposeB: false, m: rows, n: outputs, k: inputs, a: pointer, lda: inputs,
                b: weight.pointer, ldb: outputs, c: out, ldc: outputs, accumulate: false)
            if let bias { Scalar.addToRows(bias.pointer, rows: rows, cols: outputs, into: out) }
        } operation: {
            LinearOperation(x: detached(), weight: weight.detached(), rows: rows, inputs: inputs, outputs: outputs,
                            hasBias: bias != nil)
        }
    }
}
