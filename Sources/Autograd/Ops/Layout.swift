// Specs/autograd.md, "The derivative table: primitives": strided views, reshape and concatenate.
import Kernels

/// Reading the input through strides (permute, slice, expand) is one primitive: its backward is the same
/// strided walk with source and destination swapped, accumulating.
struct StridedViewOperation<Scalar: KernelScalar>: Operation {
    /// Shape walked, offset and strides into the input, for each element of the (contiguous) output.
    let shape: [Int]
    let inputOffset: Int
    let inputStrides: [Int]

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        guard let gx = inputs[0] else { return }
        Scalar.copyStrided(
            shape: shape, from: gy, strides: Shape.strides(shape), to: gx + inputOffset, strides: inputStrides,
            accumulate: true)
    }
}

/// A reshape shares storage; its backward hands the gradient through unchanged.
struct ReshapeOperation<Scalar: KernelScalar>: Operation {
    let count: Int
    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        passThrough(gy, count: count, into: inputs.forWriting(0))
    }
}

/// Concatenation along an axis: each input's gradient is its slice of the output gradient.
struct ConcatenateOperation<Scalar: KernelScalar>: Operation {
    let outputShape: [Int]
    let axis: Int
    let extents: [Int]

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        let outputStrides = Shape.strides(outputShape)
        var offset = 0
        for (i, extent) in extents.enumerated() {
            if let gx = inputs[i] {
                var shape = outputShape
                shape[axis] = extent
                Scalar.copyStrided(
                    shape: shape, from: gy + offset * outputStrides[axis], strides: outputStrides,
                    to: gx, strides: Shape.strides(shape), accumulate: true)
            }
            offset += extent
        }
    }
}

extension Tensor {
    /// The input read through `strides` from `offset`, as a new contiguous tensor of `shape`.
    func stridedView(shape: [Int], offset: Int, strides: [Int]) -> Tensor {
        Tensor.make(shape: shape, inputs: [self]) {
            Scalar.copyStrided(
                shape: shape, from: pointer + offset, strides: strides, to: $0, strides: Shape.strides(shape),
                accumulate: false)
        } operation: {
            StridedViewOperation(shape: shape, inputOffset: offset, inputStrides: strides)
        }
    }

    /// The same elements in a new shape with the same count; one extent may be −1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(Shape.count(resolved) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let output = Tensor(shape: resolved, storage: storage)
        return .recording(output, inputs: [self]) { ReshapeOperation(count: count) }
    }

    /// Axes reordered: output axis k is input axis `order[k]`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permutation \(order) is not a permutation of 0..<\(rank)")
        let strides = Shape.strides(shape)
        return stridedView(shape: order.map { shape[$0] }, offset: 0, strides: order.map { strides[$0] })
    }

    /// The two given axes swapped (default: the last two, a matrix transpose).
    public func transposed(_ first: Int = -2, _ second: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(Shape.normalize(axis: first, rank: rank), Shape.normalize(axis: second, rank: rank))
        return permuted(order)
    }

    /// Elements `range` along `axis` (other axes whole).
    public func slice(_ range: Range<Int>, axis: Int = 0) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "slice \(range) out of bounds for axis \(axis) of \(shape)")
        var newShape = shape
        newShape[axis] = range.count
        let strides = Shape.strides(shape)
        return stridedView(shape: newShape, offset: range.lowerBound * strides[axis], strides: strides)
    }

    /// The tensor repeated along axes of extent 1 (and new leading axes) to `target`, NumPy style.
    /// Its backward sums the gradient over the repeated axes.
    public func expanded(to target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(Shape.broadcast(shape, target) == target, "cannot expand \(shape) to \(target)")
        return stridedView(shape: target, offset: 0, strides: Shape.broadcastStrides(shape, to: target))
    }

    /// The tensors joined along `axis`; all other extents must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
        let first = tensors[0]
        let axis = Shape.normalize(axis: axis, rank: first.rank)
        for t in tensors {
            var a = t.shape, b = first.shape
            precondition(a.count == b.count, "concatenate: shapes \(t.shape) and \(first.shape) differ in rank")
            a[axis] = 0; b[axis] = 0
            precondition(a == b, "concatenate along axis \(axis): shapes \(t.shape) and \(first.shape) differ elsewhere")
        }
        var outputShape = first.shape
        outputShape[axis] = tensors.map { $0.shape[axis] }.reduce(0, +)
        let outputStrides = Shape.strides(outputShape)
        return make(shape: outputShape, inputs: tensors) { out in
            var offset = 0
            for t in tensors {
                Scalar.copyStrided(
                    shape: t.shape, from: t.pointer, strides: Shape.strides(t.shape),
                    to: out + offset * outputStrides[axis], strides: outputStrides, accumulate: false)
                offset += t.shape[axis]
            }
        } operation: {
            ConcatenateOperation(outputShape: outputShape, axis: axis, extents: tensors.map { $0.shape[axis] })
        }
    }
}
