// Specs/kernels.md, "Reductions".
/// Sums, means and extrema along one axis of a row-major tensor viewed as [outer, axis, inner].
///
/// Every output is computed from its own elements in a fixed order that depends only on the shape:
/// - `inner > 1`: y[o, i] = ((0 + x[o, 0, i]) + x[o, 1, i]) + ... sequentially in a (vectorised across i,
///   which does not change any output's order);
/// - `inner == 1` (the last axis): the fixed order of `fixedOrderReduce` (4 SIMD16 accumulators, fixed
///   combine tree), which depends only on `axis`.
/// Tests "sum and mean follow the documented order bit for bit" and "... match a Double reference".
public protocol ReductionKernels: BinaryFloatingPoint, SIMDScalar, Codable {
    /// y[o, i] = Σ_a x[o, a, i] (an empty axis gives +0).
    static func sum(_ x: UnsafePointer<Self>, outer: Int, axis: Int, inner: Int, into y: UnsafeMutablePointer<Self>)

    /// y[o, i] = (Σ_a x[o, a, i]) / axis: the sum above, then one division. An empty axis gives NaN (0/0),
    /// as the mean of nothing is undefined.
    static func mean(_ x: UnsafePointer<Self>, outer: Int, axis: Int, inner: Int, into y: UnsafeMutablePointer<Self>)

    /// y[o, i] = max_a x[o, a, i]; argmax[o, i] = the first a attaining it (ties go to the first, the
    /// subgradient convention). A NaN propagates: the result is NaN at the first NaN's index. An empty axis
    /// gives −∞ and index −1.
    static func max(_ x: UnsafePointer<Self>, outer: Int, axis: Int, inner: Int,
                    into y: UnsafeMutablePointer<Self>, argmax: UnsafeMutablePointer<Int32>?)

    /// As `max` with the minimum (an empty axis gives +∞ and index −1).
    static func min(_ x: UnsafePointer<Self>, outer: Int, axis: Int, inner: Int,
                    into y: UnsafeMutablePointer<Self>, argmin: UnsafeMutablePointer<Int32>?)

    /// y[j] += Σ_r x[r, j] for x[rows, cols]: each column one sequential chain of additions onto its old
    /// value, in increasing r (y[j] = ((y[j] + x[0, j]) + x[1, j]) + …); parallel over blocks of 64 columns.
    /// The gradient of a bias added to every row.
    static func accumulateColumnSums(_ x: UnsafePointer<Self>, rows: Int, cols: Int, into y: UnsafeMutablePointer<Self>)

    /// Σ x[i]² over a contiguous buffer, in the fixed order of `fixedOrderReduce` with one FMA per element
    /// (for the global gradient norm).
    static func sumOfSquares(_ x: UnsafePointer<Self>, count: Int) -> Self
}

extension ReductionKernels {
    @inlinable
    public static func sum(_ x: UnsafePointer<Self>, outer: Int, axis: Int, inner: Int, into y: UnsafeMutablePointer<Self>) {
        if inner == 1 {
            for o in 0..<outer { y[o] = fixedOrderSum(x + o * axis, count: axis) }
            return
        }
        for o in 0..<outer {
            let row = x + o * axis * inner
            let out = y + o * inner
            for i in stride(from: 0, to: inner, by: 16) {
                let valid = Swift.min(16, inner - i)
                var acc = SIMD16<Self>()
                for a in 0..<axis { acc += row.load16(a * inner + i, count: valid, padding: 0) }
                out.store16(acc, i, count: valid)
            }
        }
    }

    @inlinable
    public static func mean(_ x: UnsafePointer<Self>, outer: Int, axis: Int, inner: Int, into y: UnsafeMutablePointer<Self>) {
        sum(x, outer: outer, axis: axis, inner: inner, into: y)
        let n = Self(axis)
        for j in 0..<(outer * inner) { y[j] /= n }
    }

    @inlinable
    public static func max(_ x: UnsafePointer<Self>, outer: Int, axis: Int, inner: Int,
                           into y: UnsafeMutablePointer<Self>, argmax: UnsafeMutablePointer<Int32>?) {
        extremum(x, outer: outer, axis: axis, inner: inner, into: y, index: argmax, largest: true)
    }

    @inlinable
    public static func min(_ x: UnsafePointer<Self>, outer: Int, axis: Int, inner: Int,
                           into y: UnsafeMutablePointer<Self>, argmin: UnsafeMutablePointer<Int32>?) {
        extremum(x, outer: outer, axis: axis, inner: inner, into: y, index: argmin, largest: false)
    }

    public static func accumulateColumnSums(_ x: UnsafePointer<Self>, rows: Int, cols: Int, into y: UnsafeMutablePointer<Self>) {
        // Ranges of 64 columns (a 256-byte piece of every row), each column one chain onto its old value. A
        // range's running sums stay in registers over all the rows: stored back after every row, each row's
        // additions would wait for the previous row's stores to be read back (2.2–2.5% of a GPT train step
        // against 1.5–1.7% in registers, AMD Zen 4).
        Parallel.forEachRange(cols, grain: 64) { columns in
            let (out, first) = (y + columns.lowerBound, x + columns.lowerBound)
            guard columns.count == 64 else {
                forEachVector(columns.count) { i, lanes in
                    var (sum, row) = (out.load16(i, count: lanes), first + i)
                    for _ in 0..<rows {
                        sum += row.load16(0, count: lanes)
                        row += cols
                    }
                    out.store16(sum, i, count: lanes)
                }
                return
            }
            var (s0, s1, s2, s3) = (out.load16(0), out.load16(16), out.load16(32), out.load16(48))
            var row = first
            for _ in 0..<rows {
                s0 += row.load16(0)
                s1 += row.load16(16)
                s2 += row.load16(32)
                s3 += row.load16(48)
                row += cols
            }
            out.store16(s0, 0)
            out.store16(s1, 16)
            out.store16(s2, 32)
            out.store16(s3, 48)
        }
    }

    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Self>, count: Int) -> Self {
        fixedOrderDot(x, x, count: count)
    }

    /// The running extremum kept in y (and its index): a candidate replaces it when strictly better, or
    /// when it is the first NaN; so ties keep the first index and a NaN, once taken, stays.
    @inlinable @inline(__always)
    static func extremum(_ x: UnsafePointer<Self>, outer: Int, axis: Int, inner: Int,
                         into y: UnsafeMutablePointer<Self>, index: UnsafeMutablePointer<Int32>?, largest: Bool) {
        precondition(axis <= Int(Int32.max), "max/min: axis \(axis) does not fit an Int32 index")
        for o in 0..<outer {
            let out = y + o * inner
            out.update(repeating: largest ? -Self.infinity : Self.infinity, count: inner)
            index?.advanced(by: o * inner).update(repeating: -1, count: inner)
            for a in 0..<axis {
                let slice = x + (o * axis + a) * inner
                for i in 0..<inner {
                    let candidate = slice[i], best = out[i]
                    let better = largest ? candidate > best : candidate < best
                    let firstNaN = candidate.isNaN && !best.isNaN
                    if better || firstNaN || a == 0 {
                        out[i] = candidate
                        index?[o * inner + i] = Int32(a)
                    }
                }
            }
        }
    }
}

extension Float: ReductionKernels {}
extension Double: ReductionKernels {}
