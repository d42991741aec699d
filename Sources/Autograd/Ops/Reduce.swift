// Specs/autograd.md, "The derivative table: primitives": sums and extrema along an axis.
import Kernels

/// Sum over one axis of x viewed as [outer, axis, inner]: every input element receives its output's gradient.
struct SumOperation<Scalar: KernelScalar>: Operation {
    let outer: Int, axis: Int, inner: Int

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        guard let gx = inputs[0] else { return }
        // gx[o, a, i] += gy[o, i]: read gy with stride 0 along the reduced axis.
        Scalar.copyStrided(
            shape: [outer, axis, inner], from: gy, strides: [inner, 0, 1], to: gx,
            strides: [axis * inner, inner, 1], accumulate: true)
    }
}

/// Max or min over one axis: the gradient goes to the first position attaining the extreme.
struct ExtremumOperation<Scalar: KernelScalar>: Operation {
    /// Flat input index of the chosen element, per output element.
    let chosen: [Int]

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        guard let gx = inputs[0] else { return }
        chosen.withUnsafeBufferPointer {
            Scalar.scatterAddRows(gy, rowLength: 1, indices: $0.baseAddress!, count: chosen.count, into: gx)
        }
    }
}

extension Tensor {
    /// Extents before, at and after `axis`.
    func split(at axis: Int) -> (outer: Int, axis: Int, inner: Int) {
        (Shape.count(Array(shape[..<axis])), shape[axis], Shape.count(Array(shape[(axis + 1)...])))
    }

    func reducedShape(_ axis: Int, keepingDimension: Bool) -> [Int] {
        var reduced = shape
        if keepingDimension { reduced[axis] = 1 } else { reduced.remove(at: axis) }
        return reduced
    }

    /// Sum over one axis, in the fixed order of the `sum` kernel.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank)
        let (outer, extent, inner) = split(at: axis)
        return Tensor.make(shape: reducedShape(axis, keepingDimension: keepingDimension), inputs: [self]) {
            Scalar.sum(pointer, outer: outer, axis: extent, inner: inner, into: $0)
        } operation: {
            SumOperation(outer: outer, axis: extent, inner: inner)
        }
    }

    /// Sum over several axes (composed: one axis at a time, last axis first).
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let resolved = Set(axes.map { Shape.normalize(axis: $0, rank: rank) }).sorted(by: >)
        return resolved.reduce(self) { $0.sum(alongAxis: $1, keepingDimension: keepingDimensions) }
    }

    /// Sum of all elements, a scalar (composed: the flattened tensor summed along its only axis).
    public func sum() -> Tensor { reshaped([count]).sum(alongAxis: 0) }

    /// Mean over one axis (composed: sum · 1/n).
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let extent = shape[Shape.normalize(axis: axis, rank: rank)]
        return sum(alongAxis: axis, keepingDimension: keepingDimension).scaled(by: 1 / Scalar(extent))
    }

    /// Mean of all elements (composed: sum · 1/count).
    public func mean() -> Tensor { sum().scaled(by: 1 / Scalar(count)) }

    func extremum(alongAxis axis: Int, keepingDimension: Bool, maximum: Bool) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank)
        let (outer, extent, inner) = split(at: axis)
        precondition(extent > 0, "max/min over an empty axis of \(shape)")
        var positions = [Int32](repeating: 0, count: outer * inner)
        let storage = TensorStorage<Scalar>(uninitializedCount: outer * inner)
        positions.withUnsafeMutableBufferPointer {
            if maximum {
                Scalar.max(pointer, outer: outer, axis: extent, inner: inner, into: storage.pointer, argmax: $0.baseAddress!)
            } else {
                Scalar.min(pointer, outer: outer, axis: extent, inner: inner, into: storage.pointer, argmin: $0.baseAddress!)
            }
        }
        let output = Tensor(shape: reducedShape(axis, keepingDimension: keepingDimension), storage: storage)
        let chosen = positions.indices.map { j in (j / inner) * extent * inner + Int(positions[j]) * inner + j % inner }
        return Tensor.recording(output, inputs: [self]) { ExtremumOperation(chosen: chosen) }
    }

    /// Maximum over one axis. Subgradient: the whole gradient goes to the first index attaining the maximum.
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        extremum(alongAxis: axis, keepingDimension: keepingDimension, maximum: true)
    }

    /// Minimum over one axis. Subgradient: the whole gradient goes to the first index attaining the minimum.
    public func min(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        extremum(alongAxis: axis, keepingDimension: keepingDimension, maximum: false)
    }
}
