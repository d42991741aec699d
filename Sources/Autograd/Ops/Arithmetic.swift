import Kernels

/// a + b on equal shapes: the gradient reaches both inputs unchanged.
struct AddOperation<Scalar: KernelScalar>: Operation {
    let count: Int
    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        if let ga = inputs[0] { Scalar.scaleAccumulate(gy, by: 1, count: count, into: ga) }   // ga += gy
        if let gb = inputs[1] { Scalar.scaleAccumulate(gy, by: 1, count: count, into: gb) }   // gb += gy
    }
}

/// a ⊙ b on equal shapes: each input's gradient is the output gradient times the other input.
struct MultiplyOperation<Scalar: KernelScalar>: Operation {
    let a: Tensor<Scalar>
    let b: Tensor<Scalar>
    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        if let ga = inputs[0] { Scalar.multiplyAccumulate(gy, b.pointer, count: a.count, into: ga) }   // ga += gy·b
        if let gb = inputs[1] { Scalar.multiplyAccumulate(gy, a.pointer, count: a.count, into: gb) }   // gb += gy·a
    }
}

extension Tensor {
    /// Both operands expanded to their broadcast shape.
    static func broadcastPair(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
        let shape = Shape.broadcast(a.shape, b.shape)
        return (a.expanded(to: shape), b.expanded(to: shape))
    }

    /// Elementwise sum with NumPy broadcasting.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (a, b) = broadcastPair(lhs, rhs)
        return make(shape: a.shape, inputs: [a, b]) { Scalar.add(a.pointer, b.pointer, count: a.count, into: $0) }
            operation: { AddOperation(count: a.count) }
    }

    /// Elementwise product with NumPy broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (a, b) = broadcastPair(lhs, rhs)
        return make(shape: a.shape, inputs: [a, b]) { Scalar.multiply(a.pointer, b.pointer, count: a.count, into: $0) }
            operation: { MultiplyOperation(a: a.detached(), b: b.detached()) }
    }

    /// Elementwise difference with broadcasting (composed: a + (−b)).
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs + (-rhs) }

    /// Elementwise quotient with broadcasting (composed: a · (1/b)).
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs * rhs.reciprocal() }

    public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs + Tensor(rhs) }
    public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs + Tensor(-rhs) }
    public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.scaled(by: rhs) }
    public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.scaled(by: 1 / rhs) }
    public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
    public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) + (-rhs) }
    public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.scaled(by: lhs) }

    /// x² elementwise (composed: x·x).
    public func squared() -> Tensor { self * self }
}
