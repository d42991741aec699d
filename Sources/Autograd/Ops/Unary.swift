// Specs/autograd.md, "The derivative table: primitives": exp, log, sqrt, tanh, reciprocal.
import Kernels

/// exp, log, sqrt, tanh and reciprocal: forward y = f(x), backward gx += gy·f′ (see `UnaryFunction`).
struct UnaryOperation<Scalar: KernelScalar>: Operation {
    let function: UnaryFunction
    let x: Tensor<Scalar>
    let y: Tensor<Scalar>

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        guard let gx = inputs[0] else { return }
        Scalar.mapBackward(function, x: x.pointer, y: y.pointer, gy, count: x.count, accumulatingInto: gx)
    }
}

/// y = c·x: forward and backward are the same scaling.
struct ScaleOperation<Scalar: KernelScalar>: Operation {
    let factor: Scalar
    let count: Int

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        guard let gx = inputs[0] else { return }
        Scalar.scaleAccumulate(gy, by: factor, count: count, into: gx)   // gx += c·gy
    }
}

extension Tensor {
    func applying(_ function: UnaryFunction) -> Tensor {
        let storage = TensorStorage<Scalar>(uninitializedCount: count)
        Scalar.map(function, pointer, count: count, into: storage.pointer)
        let y = Tensor(shape: shape, storage: storage)
        return .recording(y, inputs: [self]) { UnaryOperation(function: function, x: detached(), y: y) }
    }

    /// eˣ elementwise.
    public func exp() -> Tensor { applying(.exp) }
    /// Natural logarithm elementwise (−inf at 0, NaN below).
    public func log() -> Tensor { applying(.log) }
    /// Square root elementwise.
    public func sqrt() -> Tensor { applying(.sqrt) }
    /// Hyperbolic tangent elementwise.
    public func tanh() -> Tensor { applying(.tanh) }
    /// 1/x elementwise.
    public func reciprocal() -> Tensor { applying(.reciprocal) }

    /// c·x elementwise.
    public func scaled(by factor: Scalar) -> Tensor {
        Tensor.make(shape: shape, inputs: [self]) { Scalar.scale(pointer, by: factor, count: count, into: $0) }
            operation: { ScaleOperation(factor: factor, count: count) }
    }

    /// −x elementwise (composed: a scaling by −1).
    public static prefix func - (x: Tensor) -> Tensor { x.scaled(by: -1) }
}
