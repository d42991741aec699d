/// One operand of a (batched) gemm as stored: element `(row, column)` of `op(X)` in matrix `index` is
/// `base[index*stride + row*leading + column]`, or `base[index*stride + column*leading + row]` if transposed.
struct GemmOperand<Scalar> {
    let base: UnsafePointer<Scalar>
    let leading: Int
    let stride: Int
    let transposed: Bool
}

extension MatmulKernels {
    /// Copies the last, partial row panel `op(A)[rows, depth]` (fewer than `GemmTile.rows` rows) into
    /// `depth.count` steps of `GemmTile.rows` values, zero past the last row, so that the full-size register
    /// tile reads no memory outside A. The zero rows feed lanes whose results are never stored.
    static func packEdgeRows(
        _ a: GemmOperand<Self>, matrix: Int, rows: Range<Int>, depth: Range<Int>,
        into packed: UnsafeMutablePointer<Self>
    ) {
        let mr = GemmTile.rows
        let source = a.base + matrix * a.stride
        for (step, p) in depth.enumerated() {
            for r in 0..<mr {
                let i = rows.lowerBound + r
                packed[step * mr + r] = r < rows.count ? source[a.transposed ? p * a.leading + i : i * a.leading + p] : 0
            }
        }
    }

    /// Copies `op(B)[depth, panels]` of one matrix into micro-panels of `GemmTile.columns` columns: panel
    /// `jp` holds `depth.count` steps of `GemmTile.columns` values, columns past `n` are zero.
    static func packB(
        _ b: GemmOperand<Self>, matrix: Int, n: Int, depth: Range<Int>, panel jp: Int,
        into packed: UnsafeMutablePointer<Self>
    ) {
        let nr = GemmTile.columns
        let source = b.base + matrix * b.stride
        let first = jp * nr
        let valid = min(nr, n - first)
        // One step at a time, so the writes are contiguous; a transposed B is read from `valid` column
        // streams, each sequential in p.
        for (step, p) in depth.enumerated() {
            let to = packed + step * nr
            if !b.transposed && valid == nr {
                to.store16(source.load16(p * b.leading + first), 0)
                to.store16(source.load16(p * b.leading + first + 16), 16)
            } else {
                for jj in 0..<valid {
                    to[jj] = source[b.transposed ? (first + jj) * b.leading + p : p * b.leading + first + jj]
                }
                for jj in valid..<nr { to[jj] = 0 }
            }
        }
    }
}
