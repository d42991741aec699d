// Specs/kernels.md, "Softmax and log-softmax".
/// Softmax and log-softmax along the last axis of x[rows, cols], forward and backward.
///
/// Each row is computed from that row alone, in an order that depends only on `cols` (the sums use
/// `fixedOrderReduce`), so a row's result never depends on the other rows or on the row count (test
/// "softmax and log-softmax rows do not depend on the other rows"). Numerically stable: the row max m is
/// subtracted before exponentiating, so every exponent is ≤ 0 and the sum s is in [1, cols].
///
/// Masked entries: x = −∞ gives exactly 0 in softmax (the exponential is forced to 0, whatever vectorExp
/// does at −∞) and −∞ in log-softmax. A row whose entries are all −∞ has no mass: softmax gives all zeros
/// (not NaN, so a fully masked attention row contributes nothing) and log-softmax all −∞. A row with a NaN
/// or +∞ gives NaN throughout. The forward kernels accept y == x (in place).
public protocol SoftmaxKernels: BinaryFloatingPoint, SIMDScalar, Codable, VectorMath, SIMDComparisons {
    /// y[r, j] = e_j / s with e_j = exp(x[r, j] − m), m = max_j x[r, j], s = Σ_j e_j (fixed order).
    static func softmax(_ x: UnsafePointer<Self>, rows: Int, cols: Int, into y: UnsafeMutablePointer<Self>)

    /// gx[r, j] += y_j · (gy_j − d) with d = Σ_j gy_j · y_j (fixed order, FMA), computed as one FMA
    /// fma(y_j, gy_j − d, gx_j). `y` is the forward output.
    static func softmaxBackward(_ y: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, rows: Int, cols: Int,
                                accumulatingInto gx: UnsafeMutablePointer<Self>)

    /// y[r, j] = (x[r, j] − m) − log(s), with m and s as in `softmax` (log is `Self.vectorLog`).
    static func logSoftmax(_ x: UnsafePointer<Self>, rows: Int, cols: Int, into y: UnsafeMutablePointer<Self>)

    /// gx[r, j] += gy_j − exp(y_j) · g with g = Σ_j gy_j (fixed order), computed as
    /// gx_j + fma(−exp(y_j), g, gy_j). `y` is the forward output (exp(−∞) is taken as exactly 0).
    static func logSoftmaxBackward(_ y: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, rows: Int, cols: Int,
                                   accumulatingInto gx: UnsafeMutablePointer<Self>)
}

extension SoftmaxKernels {
    @inlinable
    public static func softmax(_ x: UnsafePointer<Self>, rows: Int, cols: Int, into y: UnsafeMutablePointer<Self>) {
        Parallel.forEachRange(rows, grain: Parallel.rowGrain(cols: cols)) { range in
            // Four rows at a time, each pass over all four: their exponentials are independent, so those of
            // short rows (attention scores) overlap instead of waiting on one row's sum and divisions.
            for first in stride(from: range.lowerBound, to: range.upperBound, by: 4) {
                let block = first..<Swift.min(first + 4, range.upperBound)
                var maxima = SIMD4<Self>()
                for r in block { maxima[r - first] = rowMax(x + r * cols, count: cols) }
                // The exponentials, stored; a row whose entries are all −∞ has no mass and gets zeros.
                exponentials(x + first * cols, rows: block.count, cols: cols, shifts: maxima, into: y + first * cols)
                // Each row divided by its fixed-order sum (padded lanes add exact zeros).
                for r in block where maxima[r - first] != -Self.infinity {
                    let yr = y + r * cols
                    let total = SIMD16<Self>(repeating: fixedOrderSum(yr, count: cols))
                    for start in stride(from: 0, to: cols, by: 16) {
                        let valid = Swift.min(16, cols - start)
                        yr.store16(yr.load16(start, count: valid, padding: 0) / total, start, count: valid)
                    }
                }
            }
        }
    }

    /// y[r, j] = exp(x[r, j] − shifts[r]) for up to four rows, exactly 0 where x[r, j] = −∞, and all zeros
    /// in a row whose shift is −∞ (no mass). One function with one loop nest, so that the exponential
    /// inlines and the exponentials of different rows overlap.
    @inlinable
    static func exponentials(
        _ x: UnsafePointer<Self>, rows: Int, cols: Int, shifts: SIMD4<Self>, into y: UnsafeMutablePointer<Self>
    ) {
        for r in 0..<rows {
            let (xr, yr, shift) = (x + r * cols, y + r * cols, shifts[r])
            let shiftVector = SIMD16<Self>(repeating: shift)
            for start in stride(from: 0, to: cols, by: 16) {
                let valid = Swift.min(16, cols - start)
                let e = shift == -Self.infinity
                    ? SIMD16<Self>() : expOrZero(xr.load16(start, count: valid, padding: -Self.infinity) - shiftVector)
                yr.store16(e, start, count: valid)
            }
        }
    }

    @inlinable
    public static func softmaxBackward(_ y: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, rows: Int, cols: Int,
                                       accumulatingInto gx: UnsafeMutablePointer<Self>) {
        Parallel.forEachRange(rows, grain: Parallel.rowGrain(cols: cols)) { range in
            for r in range {
                let (yr, gyr, gxr) = (y + r * cols, gy + r * cols, gx + r * cols)
                let d = SIMD16<Self>(repeating: fixedOrderDot(gyr, yr, count: cols))
                for start in stride(from: 0, to: cols, by: 16) {
                    let valid = Swift.min(16, cols - start)
                    let g = gxr.load16(start, count: valid, padding: 0)
                        .addingProduct(yr.load16(start, count: valid, padding: 0), gyr.load16(start, count: valid, padding: 0) - d)
                    gxr.store16(g, start, count: valid)
                }
            }
        }
    }

    /// The largest entry of a row; −∞ for an empty row, and NaN for a row of only NaNs and −∞ (elsewhere a
    /// NaN needs no special case: exp(NaN − m) makes the sum, hence every output of the row, NaN).
    @inlinable @inline(__always)
    static func rowMax(_ x: UnsafePointer<Self>, count: Int) -> Self {
        var best = SIMD16<Self>(repeating: -Self.infinity)
        for start in stride(from: 0, to: count, by: 16) {
            let v = x.load16(start, count: count - start, padding: -Self.infinity)
            best = best.replacing(with: v, where: lanes(v, greaterThan: best))
        }
        var m = best[0]
        for lane in 1..<16 where best[lane] > m { m = best[lane] }
        if m == -Self.infinity && (0..<count).contains(where: { x[$0].isNaN }) { return .nan }
        return m
    }
}

extension Float: SoftmaxKernels {}
extension Double: SoftmaxKernels {}
