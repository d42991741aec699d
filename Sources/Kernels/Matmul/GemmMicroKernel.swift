// Specs/kernels.md, "How the contract is kept fast": the register tile.
/// The register tile: `GemmTile.rows × GemmTile.columns` outputs held in 16 SIMD16 accumulators.
///
/// Zen 4 issues one 16-lane FMA per cycle with a 4-cycle latency, so at least 4 independent chains must be in
/// flight; 16 accumulators plus 2 B vectors and a broadcast fit easily in the 32 vector registers, and the
/// 8 broadcasts and 2 vector loads per step stay well under the load ports' limit.
enum GemmTile {
    /// Rows of C per register tile (one broadcast of op(A) each).
    static let rows = 8
    /// Columns of C per register tile: two SIMD16 vectors.
    static let columns = 32
}

extension MatmulKernels {
    /// `C[tile] = (loadC ? C[tile] : 0) + op(A)[tile rows, depth] · Bpanel` as one FMA chain per element,
    /// increasing in `p`.
    ///
    /// `op(A)[r, p]` of the tile is read at `a[r*rowStride + p*stepStride]` (a transposed A in place:
    /// `(1, lda)`; a packed row panel: `(1, GemmTile.rows)`), each step's 8 values from one pointer at
    /// constant offsets. `b` is a B micro-panel (`depth`
    /// steps of `GemmTile.columns` values, `bStride` apart: `GemmTile.columns` when packed, B's row stride when
    /// read in place); `c` addresses a full tile with row stride `ldc`. Every lane of
    /// every accumulator is one output element's chain `s = fma(a[i,p], b[p,j], s)`.
    @inline(__always)
    static func multiplyTile(
        depth: Int, a: UnsafePointer<Self>, rowStride rs: Int, stepStride ss: Int, b: UnsafePointer<Self>,
        bStride: Int, c: UnsafeMutablePointer<Self>, ldc: Int, loadC: Bool
    ) {
        let zero = SIMD16<Self>()
        var c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero
        var c40 = zero, c41 = zero, c50 = zero, c51 = zero, c60 = zero, c61 = zero, c70 = zero, c71 = zero
        if loadC {
            c00 = c.load16(0); c01 = c.load16(16)
            c10 = c.load16(ldc); c11 = c.load16(ldc + 16)
            c20 = c.load16(2 * ldc); c21 = c.load16(2 * ldc + 16)
            c30 = c.load16(3 * ldc); c31 = c.load16(3 * ldc + 16)
            c40 = c.load16(4 * ldc); c41 = c.load16(4 * ldc + 16)
            c50 = c.load16(5 * ldc); c51 = c.load16(5 * ldc + 16)
            c60 = c.load16(6 * ldc); c61 = c.load16(6 * ldc + 16)
            c70 = c.load16(7 * ldc); c71 = c.load16(7 * ldc + 16)
        }
        var a = a
        var b = b
        for _ in 0..<depth {
            let b0 = b.load16(0), b1 = b.load16(16)
            var x = SIMD16(repeating: a[0])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = SIMD16(repeating: a[1 * rs])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = SIMD16(repeating: a[2 * rs])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = SIMD16(repeating: a[3 * rs])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = SIMD16(repeating: a[4 * rs])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = SIMD16(repeating: a[5 * rs])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            x = SIMD16(repeating: a[6 * rs])
            c60 = c60.addingProduct(x, b0); c61 = c61.addingProduct(x, b1)
            x = SIMD16(repeating: a[7 * rs])
            c70 = c70.addingProduct(x, b0); c71 = c71.addingProduct(x, b1)
            a += ss
            b += bStride
        }
        c.store16(c00, 0); c.store16(c01, 16)
        c.store16(c10, ldc); c.store16(c11, ldc + 16)
        c.store16(c20, 2 * ldc); c.store16(c21, 2 * ldc + 16)
        c.store16(c30, 3 * ldc); c.store16(c31, 3 * ldc + 16)
        c.store16(c40, 4 * ldc); c.store16(c41, 4 * ldc + 16)
        c.store16(c50, 5 * ldc); c.store16(c51, 5 * ldc + 16)
        c.store16(c60, 6 * ldc); c.store16(c61, 6 * ldc + 16)
        c.store16(c70, 7 * ldc); c.store16(c71, 7 * ldc + 16)
    }
}
