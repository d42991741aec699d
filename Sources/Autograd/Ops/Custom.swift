// Specs/autograd.md, "Custom ops".
import Kernels

/// An op whose forward values and vector-Jacobian product the caller supplies (see `Tensor.custom`).
struct CustomOperation<Scalar: KernelScalar>: Operation {
    let inputShapes: [[Int]]
    let outputShape: [Int]
    let vectorJacobianProduct: (Tensor<Scalar>) -> [Tensor<Scalar>?]

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        let outputGradient = Tensor(
            shape: outputShape, scalars: Array(UnsafeBufferPointer(start: gy, count: Shape.count(outputShape))))
        let gradients = vectorJacobianProduct(outputGradient)
        precondition(
            gradients.count == inputShapes.count,
            "custom op: the vector-Jacobian product returned \(gradients.count) gradients for \(inputShapes.count) inputs")
        for (i, gradient) in gradients.enumerated() {
            guard let gradient, let gx = inputs[i] else { continue }
            precondition(
                gradient.shape == inputShapes[i],
                "custom op: gradient \(i) has shape \(gradient.shape), its input has shape \(inputShapes[i])")
            Scalar.scaleAccumulate(gradient.pointer, by: 1, count: gradient.count, into: gx)   // gx += g
        }
    }
}

extension Tensor {
    /// A differentiable op defined outside this module: `output` holds its values, computed however the
    /// caller likes (typically from `inputs`' scalars), and `vectorJacobianProduct` maps the gradient with
    /// respect to the output (a constant of `output`'s shape) to the gradient with respect to each input
    /// (one entry per input, in order, each of that input's shape; nil adds nothing).
    ///
    /// This is how a function with a hand-derived gradient joins the tape without being rebuilt from
    /// primitives: the RL losses compute their value and exact gradient per token, and record a scalar whose
    /// backward is `g ↦ [g·gradient]`. The result is recorded when any input is; `output`'s own tape, if any,
    /// is ignored (its values are taken as a constant). The closure runs once per backward pass, after the ops
    /// recorded later have run, and its results are added into the inputs' gradients (the `+=` convention).
    /// It must work on constants (`detached()` values, scalars): recording ops on the tape during a backward
    /// pass is not supported.
    ///
    /// ```swift
    /// let x = tape.variable(Tensor(shape: [3], scalars: [1, 2, 3]))
    /// let cube = Tensor.custom([x], output: Tensor(shape: [3], scalars: x.scalars.map { $0 * $0 * $0 })) { g in
    ///     [g * Tensor(shape: [3], scalars: x.scalars.map { 3 * $0 * $0 })]
    /// }
    /// ```
    public static func custom(
        _ inputs: [Tensor], output: Tensor, vectorJacobianProduct: @escaping (Tensor) -> [Tensor?]
    ) -> Tensor {
        let shapes = inputs.map(\.shape)
        return recording(output.detached(), inputs: inputs) {
            CustomOperation(inputShapes: shapes, outputShape: output.shape, vectorJacobianProduct: vectorJacobianProduct)
        }
    }
}
