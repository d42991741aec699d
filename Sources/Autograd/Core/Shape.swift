// Specs/autograd.md, "Tensors and tapes": shapes, row-major strides and broadcasting.
/// Shape arithmetic shared by the ops: element counts, row-major strides, broadcasting, axis normalisation.
enum Shape {
    /// Number of elements of a tensor of this shape (1 for a scalar, shape []).
    static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major (C-order) strides, in elements.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The NumPy broadcast of two shapes: align trailing axes; each pair must be equal or contain a 1.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        let paddedA = [Int](repeating: 1, count: rank - a.count) + a
        let paddedB = [Int](repeating: 1, count: rank - b.count) + b
        return zip(paddedA, paddedB).map { x, y in
            precondition(x == y || x == 1 || y == 1, "shapes \(a) and \(b) do not broadcast")
            return x == 1 ? y : x
        }
    }

    /// Strides that read a tensor of `shape` as if it had the (broadcast) shape `target`: 0 on repeated axes.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
        let own = strides(padded)
        return padded.indices.map { padded[$0] == target[$0] ? own[$0] : 0 }
    }

    /// `axis` with negative values counted from the end, checked against `rank`.
    static func normalize(axis: Int, rank: Int) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "axis \(axis) out of range for rank \(rank)")
        return resolved
    }
}
