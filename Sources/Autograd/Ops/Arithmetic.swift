// Specs/autograd.md, "The derivative table: primitives": add, multiply, scale and bias adds.
import Kernels

/// a + b on equal shapes: the gradient reaches both inputs unchanged.
struct AddOperation<Scalar: KernelScalar>: Operation {
    let count: Int
    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        passThrough(gy, count: count, into: inputs.forWriting(0))   // ga += gy
        passThrough(gy, count: count, into: inputs.forWriting(1))   // gb += gy
    }
}

/// g += gy into a gradient slot: a copy when the slot is fresh (nothing to add to), else one addition per
/// element (as a fused multiply-add by 1, which is exact).
func passThrough<Scalar: KernelScalar>(
    _ gy: UnsafePointer<Scalar>, count: Int, into slot: (pointer: UnsafeMutablePointer<Scalar>, fresh: Bool)?
) {
    guard let (g, fresh) = slot else { return }
    // A copy as a scaling by 1 (exact, sign of zero included): the kernel runs in parallel.
    if fresh { Scalar.scale(gy, by: 1, count: count, into: g) } else { Scalar.scaleAccumulate(gy, by: 1, count: count, into: g) }
}

/// a + b where b's shape is a's trailing axes (b repeated over a's leading axes, as a bias or a position
/// embedding is): a's gradient is the output gradient, b's the sum of the output gradient's rows.
struct AddRowsOperation<Scalar: KernelScalar>: Operation {
    let rows: Int, cols: Int
    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        passThrough(gy, count: rows * cols, into: inputs.forWriting(0))   // ga += gy
        if let gb = inputs[1] { Scalar.accumulateColumnSums(gy, rows: rows, cols: cols, into: gb) }  // gb += Σ rows
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
        if lhs.rank > rhs.rank && rhs.count > 0 && Array(lhs.shape.suffix(rhs.rank)) == rhs.shape {
            return addingRows(lhs, rhs)
        }
        if rhs.rank > lhs.rank && lhs.count > 0 && Array(rhs.shape.suffix(lhs.rank)) == lhs.shape {
            return addingRows(rhs, lhs)
        }
        let (a, b) = broadcastPair(lhs, rhs)
        return make(shape: a.shape, inputs: [a, b]) { Scalar.add(a.pointer, b.pointer, count: a.count, into: $0) }
            operation: { AddOperation(count: a.count) }
    }

    /// a + b with b's shape equal to a's trailing axes, without materialising the expanded b: the same
    /// values (one addition per element) and gradients as the broadcast (b's gradient summed over the
    /// leading axes in increasing order, as the expansion's backward sums).
    static func addingRows(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (rows, cols) = (a.count / b.count, b.count)
        return make(shape: a.shape, inputs: [a, b]) { out in
            out.update(from: a.pointer, count: a.count)
            Scalar.addToRows(b.pointer, rows: rows, cols: cols, into: out)
        } operation: {
            AddRowsOperation(rows: rows, cols: cols)
        }
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
