// Specs/kernels.md, "Reductions": the one summation order of a row.
/// The one summation order of a contiguous row, shared by `sum`, `sumOfSquares`, softmax and layer norm.
///
/// A row of n elements is cut into chunks of 16 (chunk c = elements 16c ..< 16c + 16, the last one
/// zero-padded). Chunk c is added lane-wise into accumulator c mod 4 (four SIMD16 accumulators starting at
/// +0, each updated in increasing c). The accumulators are then combined as (a0 + a1) + (a2 + a3), and the
/// 16 lanes of the result by halving: lane l += lane l + 8, then l + 4, l + 2, l + 1. The order depends
/// only on n: never on where the row sits in memory or in a batch, or on the thread count.
///
/// `accumulate(&a, start, valid)` folds elements start ..< start + valid (valid is 16 except in the last
/// chunk) into accumulator a; padded lanes must contribute exactly 0.
@inlinable @inline(__always)
func fixedOrderReduce<S: BinaryFloatingPoint & SIMDScalar>(
    count n: Int, _ accumulate: (inout SIMD16<S>, _ start: Int, _ valid: Int) -> Void
) -> S {
    var a0 = SIMD16<S>(), a1 = SIMD16<S>(), a2 = SIMD16<S>(), a3 = SIMD16<S>()
    var start = 0
    while start + 64 <= n {
        accumulate(&a0, start, 16)
        accumulate(&a1, start + 16, 16)
        accumulate(&a2, start + 32, 16)
        accumulate(&a3, start + 48, 16)
        start += 64
    }
    // At most four chunks remain; chunk 4B + k goes to accumulator k.
    if start < n { accumulate(&a0, start, Swift.min(16, n - start)) }
    if start + 16 < n { accumulate(&a1, start + 16, Swift.min(16, n - start - 16)) }
    if start + 32 < n { accumulate(&a2, start + 32, Swift.min(16, n - start - 32)) }
    if start + 48 < n { accumulate(&a3, start + 48, n - start - 48) }
    return sumOfLanes((a0 + a1) + (a2 + a3))
}

/// The 16 lanes of v summed by halving: (lane l + lane l+8), then l + 4, l + 2, l + 1.
@inlinable @inline(__always)
func sumOfLanes<S: BinaryFloatingPoint & SIMDScalar>(_ v: SIMD16<S>) -> S {
    let v8 = v.lowHalf + v.highHalf
    let v4 = v8.lowHalf + v8.highHalf
    let v2 = v4.lowHalf + v4.highHalf
    return v2.x + v2.y
}

/// Σ x[i] over a contiguous row in the fixed order.
@inlinable @inline(__always)
func fixedOrderSum<S: BinaryFloatingPoint & SIMDScalar>(_ x: UnsafePointer<S>, count n: Int) -> S {
    fixedOrderReduce(count: n) { acc, start, valid in acc += x.load16(start, count: valid, padding: 0) }
}

/// Σ x[i]·y[i] over contiguous rows in the fixed order, one FMA per element (accumulator = fma(x, y, acc)).
@inlinable @inline(__always)
func fixedOrderDot<S: BinaryFloatingPoint & SIMDScalar>(_ x: UnsafePointer<S>, _ y: UnsafePointer<S>, count n: Int) -> S {
    fixedOrderReduce(count: n) { acc, start, valid in
        acc.addProduct(x.load16(start, count: valid, padding: 0), y.load16(start, count: valid, padding: 0))
    }
}
