// Specs/autograd.md, "The derivative table: primitives": embedding and row gathers.
import Kernels

/// Rows of a table picked by index (embedding lookup, and one entry per row of a matrix): the backward
/// scatters each output row's gradient back to the row it came from, in increasing output order.
struct GatherRowsOperation<Scalar: KernelScalar>: Operation {
    let indices: [Int]
    let rowLength: Int

    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        guard let gTable = inputs[0] else { return }
        indices.withUnsafeBufferPointer {
            Scalar.scatterAddRows(gy, rowLength: rowLength, indices: $0.baseAddress!, count: indices.count, into: gTable)
        }
    }
}

extension Tensor {
    func gatherRows(_ indices: [Int], rowLength: Int, outputShape: [Int]) -> Tensor {
        let rows = rowLength == 0 ? 0 : count / rowLength
        for index in indices {
            precondition(index >= 0 && index < rows, "index \(index) out of range 0..<\(rows) for tensor of shape \(shape)")
        }
        return Tensor.make(shape: outputShape, inputs: [self]) { out in
            indices.withUnsafeBufferPointer {
                Scalar.gatherRows(pointer, rowLength: rowLength, indices: $0.baseAddress!, count: indices.count, into: out)
            }
        } operation: {
            GatherRowsOperation(indices: indices, rowLength: rowLength)
        }
    }

    /// Embedding lookup: for a table [vocabulary, width], the rows at `indices`, shaped `indexShape + [width]`.
    public func embedding(_ indices: [Int], indexShape: [Int]? = nil) -> Tensor {
        precondition(rank == 2, "embedding table must be [vocabulary, width], got \(shape)")
        let indexShape = indexShape ?? [indices.count]
        precondition(Shape.count(indexShape) == indices.count, "index shape \(indexShape) does not hold \(indices.count) indices")
        return gatherRows(indices, rowLength: shape[1], outputShape: indexShape + [shape[1]])
    }

    /// For x of shape [..., n] and one index per row, the entries x[..., indices[row]]: shape [...].
    /// Gathers the log-probabilities of given tokens from a log-softmax.
    public func gathering(atLastAxis indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gather needs at least one axis")
        let width = shape[rank - 1]
        let rows = count / Swift.max(width, 1)
        precondition(indices.count == rows, "gather: \(indices.count) indices for \(rows) rows of shape \(shape)")
        for index in indices { precondition(index >= 0 && index < width, "gather index \(index) out of range 0..<\(width)") }
        let flat = indices.enumerated().map { row, index in row * width + index }
        return gatherRows(flat, rowLength: 1, outputShape: Array(shape.dropLast()))
    }
}
