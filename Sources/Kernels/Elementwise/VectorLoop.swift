// Specs/kernels.md, "Elementwise, layout and optimizer kernels": whole vectors, then one padded tail (`forEachVector`).
/// Calls `body(offset, lanes)` for each block of 16 elements of `0..<count`, then once for the tail
/// (`lanes < 16`) if there is one. Kernels load the tail padded (`load16(_:count:padding:)`) and run the same
/// vector code on it, so a value's result does not depend on its index: the vector functions are
/// lane-independent.
@inlinable @inline(__always)
func forEachVector(_ count: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void) {
    var offset = 0
    while offset + 16 <= count {
        body(offset, 16)
        offset += 16
    }
    if offset < count { body(offset, count - offset) }
}

/// `forEachVector` over ranges of `Parallel.elementwiseGrain` elements run in parallel: the same calls
/// (offsets and lane counts) as `forEachVector(count, body)`, in any order, so an elementwise kernel's
/// results do not change. `body` must write only the elements of its own vector.
@inlinable @inline(__always)
func forEachVectorInParallel(_ count: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void) {
    Parallel.forEachRange(count, grain: Parallel.elementwiseGrain) { range in
        forEachVector(range.count) { i, lanes in body(range.lowerBound + i, lanes) }
    }
}
