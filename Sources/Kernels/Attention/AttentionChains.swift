// Specs/kernels.md, "Causal attention": the FMA chains of its inner loops.
// The inner loops of causal attention: FMA chains run side by side (four rows or four positions of one
// head, times two vectors of 16 features), so that independent chains hide the FMA latency, while every
// chain keeps exactly the order that `CausalAttentionKernels` documents. Which chains are grouped
// together never changes a chain.

/// `count` rounded up to whole SIMD16 vectors.
@inlinable @inline(__always)
func wholeVectors(_ count: Int) -> Int { (count + 15) / 16 * 16 }

/// What `transfer` does with a group's accumulators.
@usableFromInline
enum ChainTransfer { case load, reset, store }

/// The accumulators of a group of four members (rows or positions), for a pair of feature vectors:
/// a_j holds features i ..< i + 16 of member j, b_j the next 16.
@usableFromInline
struct FourChains<S: SIMDScalar & BinaryFloatingPoint> {
    @usableFromInline var a0 = SIMD16<S>(), a1 = SIMD16<S>(), a2 = SIMD16<S>(), a3 = SIMD16<S>()
    @usableFromInline var b0 = SIMD16<S>(), b1 = SIMD16<S>(), b2 = SIMD16<S>(), b3 = SIMD16<S>()
    @inlinable init() {}
}

extension CausalAttentionKernels {
    /// For the rows `first`, …, `last` (at most four; the group is padded by repeating `last`, whose
    /// duplicate results the caller discards): scores[r·scoreStride + s] = Σ_i x_r[i]·y_s[i] for every
    /// s < positions rounded up to 16, each one FMA chain in increasing i from +0. x_r starts at
    /// `x + row·rowStride`; y_s[i] is `transposed[i·leading + s]`.
    @inlinable @inline(__always)
    static func dotProducts(
        _ x: UnsafePointer<Self>, rowStride: Int, first: Int, last: Int, with transposed: UnsafePointer<Self>,
        leading: Int, features: Int, positions: Int, into scores: UnsafeMutablePointer<Self>, scoreStride: Int
    ) {
        let x0 = x + first * rowStride, x1 = x + Swift.min(first + 1, last) * rowStride
        let x2 = x + Swift.min(first + 2, last) * rowStride, x3 = x + Swift.min(first + 3, last) * rowStride
        for s in stride(from: 0, to: positions, by: 16) {
            var c = FourChains<Self>()
            for i in 0..<features {
                let y = transposed.load16(i * leading + s)
                c.a0 = c.a0.addingProduct(SIMD16(repeating: x0[i]), y)
                c.a1 = c.a1.addingProduct(SIMD16(repeating: x1[i]), y)
                c.a2 = c.a2.addingProduct(SIMD16(repeating: x2[i]), y)
                c.a3 = c.a3.addingProduct(SIMD16(repeating: x3[i]), y)
            }
            scores.store16(c.a0, s)
            scores.store16(c.a1, scoreStride + s)
            scores.store16(c.a2, 2 * scoreStride + s)
            scores.store16(c.a3, 3 * scoreStride + s)
        }
    }

    /// Eight chains c.a_j = fma(coefficients_j[step·coefficientStride], vectors[step·vectorStride ..< + 16],
    /// c.a_j) and c.b_j likewise on the next 16 features, over step = lower_j … upper_j in increasing order,
    /// onto their current values. `lower` and `upper` must be non-decreasing in j (as for the rows of a
    /// causal triangle, or its columns). `lanes` = (valid features of the first vector, of the second):
    /// lanes past them read 0 (a whole missing second vector is computed on zeros and never stored).
    @inlinable @inline(__always)
    static func fmaChains(
        _ c: inout FourChains<Self>, coefficients: (UnsafePointer<Self>, UnsafePointer<Self>, UnsafePointer<Self>, UnsafePointer<Self>),
        coefficientStride: Int, lower: SIMD4<Int>, upper: SIMD4<Int>,
        vectors: UnsafePointer<Self>, vectorStride: Int, lanes: (Int, Int)
    ) {
        // Local accumulators, so that the chains stay in registers.
        var (a0, a1, a2, a3) = (c.a0, c.a1, c.a2, c.a3)
        var (b0, b1, b2, b3) = (c.b0, c.b1, c.b2, c.b3)
        let (w0, w1, w2, w3) = coefficients
        @inline(__always) func step(_ s: Int, all: Bool) {
            let row = vectors + s * vectorStride, at = s * coefficientStride
            let (u, v) = (row.load16(0, count: lanes.0, padding: 0), row.load16(16, count: lanes.1, padding: 0))
            if all || (lower[0] <= s && s <= upper[0]) {
                let w = SIMD16(repeating: w0[at]); a0 = a0.addingProduct(w, u); b0 = b0.addingProduct(w, v)
            }
            if all || (lower[1] <= s && s <= upper[1]) {
                let w = SIMD16(repeating: w1[at]); a1 = a1.addingProduct(w, u); b1 = b1.addingProduct(w, v)
            }
            if all || (lower[2] <= s && s <= upper[2]) {
                let w = SIMD16(repeating: w2[at]); a2 = a2.addingProduct(w, u); b2 = b2.addingProduct(w, v)
            }
            if all || (lower[3] <= s && s <= upper[3]) {
                let w = SIMD16(repeating: w3[at]); a3 = a3.addingProduct(w, u); b3 = b3.addingProduct(w, v)
            }
        }
        // Steps where every chain is active (lower[3] … upper[0]) need no tests; the others are the at most
        // three steps of each ramp of the triangle.
        let (commonLower, commonUpper) = (lower[3], upper[0])
        for s in lower[0]..<Swift.min(commonLower, upper[3] + 1) { step(s, all: false) }
        if commonLower <= commonUpper {
            for s in commonLower...commonUpper { step(s, all: true) }
        }
        for s in Swift.max(commonUpper + 1, commonLower)..<(upper[3] + 1) { step(s, all: false) }
        (c.a0, c.a1, c.a2, c.a3) = (a0, a1, a2, a3)
        (c.b0, c.b1, c.b2, c.b3) = (b0, b1, b2, b3)
    }

    /// Loads the accumulators from `base + index_j·stride` (a_j) and 16 further (b_j) for the real members
    /// first … last of a group (j ≤ last − first), resets them all to +0, or stores them there.
    @inlinable @inline(__always)
    static func transfer(
        _ c: inout FourChains<Self>, _ base: UnsafeMutablePointer<Self>, stride: Int, first: Int, last: Int,
        lanes: (Int, Int), _ direction: ChainTransfer
    ) {
        if direction == .reset {
            c = FourChains()
            return
        }
        let members = last - first + 1
        @inline(__always) func move(_ a: inout SIMD16<Self>, _ b: inout SIMD16<Self>, _ member: Int) {
            let at = base + (first + member) * stride
            if direction == .store {
                at.store16(a, 0, count: lanes.0)
                at.store16(b, 16, count: lanes.1)
            } else {
                a = at.load16(0, count: lanes.0, padding: 0)
                b = at.load16(16, count: lanes.1, padding: 0)
            }
        }
        move(&c.a0, &c.b0, 0)
        if members > 1 { move(&c.a1, &c.b1, 1) }
        if members > 2 { move(&c.a2, &c.b2, 2) }
        if members > 3 { move(&c.a3, &c.b3, 3) }
    }

    /// Members first … first + 3 of a group, the missing ones (past `last`) repeating `last`.
    @inlinable @inline(__always)
    static func members(_ first: Int, _ last: Int) -> SIMD4<Int> {
        SIMD4(first, Swift.min(first + 1, last), Swift.min(first + 2, last), Swift.min(first + 3, last))
    }

    /// into[c·leading + r] = x[r·rowStride + c]; the padding columns r ≥ rows are zeroed. In tiles of 16 × 16,
    /// so that a tile reads 16 row pieces and writes 16 column pieces of one cache line each.
    @inlinable @inline(__always)
    static func transpose(
        _ x: UnsafePointer<Self>, rowStride: Int, rows: Int, columns: Int, into: UnsafeMutablePointer<Self>, leading: Int
    ) {
        for r0 in stride(from: 0, to: rows, by: 16) {
            for c0 in stride(from: 0, to: columns, by: 16) {
                for c in c0..<Swift.min(c0 + 16, columns) {
                    for r in r0..<Swift.min(r0 + 16, rows) { into[c * leading + r] = x[r * rowStride + c] }
                }
            }
        }
        for c in 0..<columns { (into + c * leading + rows).update(repeating: 0, count: leading - rows) }
    }

    /// `body(i, lanes)` for the pairs of feature vectors 0, 32, … of a head: `lanes` = (valid features of the
    /// vector at i, of the one at i + 16), either below 16 only at the end of the head (possibly 0).
    @inlinable @inline(__always)
    static func forEachFeaturePair(_ features: Int, _ body: (_ offset: Int, _ lanes: (Int, Int)) -> Void) {
        for i in stride(from: 0, to: features, by: 32) {
            body(i, (Swift.min(16, features - i), Swift.max(0, Swift.min(16, features - i - 16))))
        }
    }
}
