// Specs/autograd.md, "The derivative table: primitives": softmax, log-softmax and layer norm.
import Kernels

/// Softmax or log-softmax along the last axis; both backward passes need only the output.
struct SoftmaxOperation<Scalar: KernelScalar>: Operation {
    let y: Tensor<Scalar>
    let rows: Int, cols: Int
    let logarithmic: Bool

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        guard let gx = inputs[0] else { return }
        if logarithmic {
            Scalar.logSoftmaxBackward(y.pointer, gy, rows: rows, cols: cols, accumulatingInto: gx)
        } else {
            Scalar.softmaxBackward(y.pointer, gy, rows: rows, cols: cols, accumulatingInto: gx)
        }
    }
}

/// Layer norm over the last axis with a learned scale and shift; saves each row's mean and 1/σ.
struct LayerNormOperation<Scalar: KernelScalar>: Operation {
    let x: Tensor<Scalar>, gamma: Tensor<Scalar>
    let mean: TensorStorage<Scalar>, rstd: TensorStorage<Scalar>
    let rows: Int, cols: Int

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        // The kernel accumulates into all three gradients at once; inputs that need none get scratch.
        let scratch = [inputs[0] == nil ? rows * cols : 0, inputs[1] == nil ? cols : 0, inputs[2] == nil ? cols : 0]
        let spare = TensorStorage<Scalar>(repeating: 0, count: scratch.reduce(0, +))
        let gx = inputs[0] ?? spare.pointer
        let gGamma = inputs[1] ?? spare.pointer + scratch[0]
        let gBeta = inputs[2] ?? spare.pointer + scratch[0] + scratch[1]
        Scalar.layerNormBackward(
            x.pointer, gamma: gamma.pointer, mean: mean.pointer, rstd: rstd.pointer, gy, rows: rows, cols: cols,
            accumulatingInto: gx, gammaGradient: gGamma, betaGradient: gBeta)
    }
}

/// GELU, tanh form: its backward needs the input.
struct GELUOperation<Scalar: KernelScalar>: Operation {
    let x: Tensor<Scalar>
    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        guard let (gx, fresh) = inputs.forWriting(0) else { return }
        Scalar.geluBackward(x.pointer, gy, count: x.count, into: gx, accumulate: !fresh)
    }
}

extension Tensor {
    var rowsAndColumns: (rows: Int, cols: Int) {
        precondition(rank >= 1, "needs at least one axis, got a scalar")
        let cols = shape[rank - 1]
        return (cols == 0 ? 0 : count / cols, cols)
    }

    func softmax(logarithmic: Bool) -> Tensor {
        let (rows, cols) = rowsAndColumns
        let storage = TensorStorage<Scalar>(uninitializedCount: count)
        if logarithmic {
            Scalar.logSoftmax(pointer, rows: rows, cols: cols, into: storage.pointer)
        } else {
            Scalar.softmax(pointer, rows: rows, cols: cols, into: storage.pointer)
        }
        let y = Tensor(shape: shape, storage: storage)
        return .recording(y, inputs: [self]) { SoftmaxOperation(y: y, rows: rows, cols: cols, logarithmic: logarithmic) }
    }

    /// Softmax along the last axis (max-subtracted; −∞ entries get exactly 0).
    public func softmax() -> Tensor { softmax(logarithmic: false) }

    /// Log-softmax along the last axis: x − max − log Σ exp(x − max).
    public func logSoftmax() -> Tensor { softmax(logarithmic: true) }

    /// Layer norm over the last axis: (x − mean)/√(var + ε)·γ + β with the biased variance.
    public func layerNormalized(scale gamma: Tensor, offset beta: Tensor, epsilon: Scalar = 1e-5) -> Tensor {
        let (rows, cols) = rowsAndColumns
        precondition(gamma.shape == [cols] && beta.shape == [cols], "layer norm over \(cols) features needs γ, β of shape [\(cols)], got \(gamma.shape), \(beta.shape)")
        let mean = TensorStorage<Scalar>(uninitializedCount: rows), rstd = TensorStorage<Scalar>(uninitializedCount: rows)
        return Tensor.make(shape: shape, inputs: [self, gamma, beta]) {
            Scalar.layerNorm(
                pointer, gamma: gamma.pointer, beta: beta.pointer, rows: rows, cols: cols, epsilon: epsilon,
                into: $0, mean: mean.pointer, rstd: rstd.pointer)
        } operation: {
            LayerNormOperation(x: detached(), gamma: gamma.detached(), mean: mean, rstd: rstd, rows: rows, cols: cols)
        }
    }

    /// GELU, tanh approximation (GPT-2): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    public func gelu() -> Tensor {
        Tensor.make(shape: shape, inputs: [self]) { Scalar.gelu(pointer, count: count, into: $0) }
            operation: { GELUOperation(x: detached()) }
    }
}
