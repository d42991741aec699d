/// One operand of a (batched) gemm as stored: element `(row, column)` of `op(X)` in matrix `index` is
/// `base[index*stride + row*leading + column]`, or `base[index*stride + column*leading + row]` if transposed.
struct GemmOperand<Scalar> {
    let base: UnsafePointer<Scalar>
    let leading: Int
    let stride: Int
    let transposed: Bool
}

extension MatmulKernels {
    /// Copies `op(A)[rows, depth]` of one matrix into micro-panels of `GemmTile.rows` rows: panel `q` holds
    /// `depth.count` steps of `GemmTile.rows` values, rows past the end are zero.
    ///
    /// Packing only moves values; the zero rows feed lanes whose results are never stored.
    static func packA(
        _ a: GemmOperand<Self>, matrix: Int, rows: Range<Int>, depth: Range<Int>,
        into packed: UnsafeMutablePointer<Self>
    ) {
        let mr = GemmTile.rows
        let source = a.base + matrix * a.stride
        var panel = packed
        for first in stride(from: rows.lowerBound, to: rows.upperBound, by: mr) {
            let valid = min(mr, rows.upperBound - first)
            if a.transposed {
                // op(A)[i, p] = A[p*lda + i]: each step is `valid` contiguous values.
                for (step, p) in depth.enumerated() {
                    let from = source + p * a.leading + first, to = panel + step * mr
                    for r in 0..<valid { to[r] = from[r] }
                    for r in valid..<mr { to[r] = 0 }
                }
            } else {
                // op(A)[i, p] = A[i*lda + p]: each row is contiguous in p.
                for r in 0..<mr {
                    if r < valid {
                        let from = source + (first + r) * a.leading + depth.lowerBound
                        for step in 0..<depth.count { panel[step * mr + r] = from[step] }
                    } else {
                        for step in 0..<depth.count { panel[step * mr + r] = 0 }
                    }
                }
            }
            panel += depth.count * mr
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
        if b.transposed {
            // op(B)[p, j] = B[j*ldb + p]: each column is contiguous in p.
            for jj in 0..<nr {
                if jj < valid {
                    let from = source + (first + jj) * b.leading + depth.lowerBound
                    for step in 0..<depth.count { packed[step * nr + jj] = from[step] }
                } else {
                    for step in 0..<depth.count { packed[step * nr + jj] = 0 }
                }
            }
        } else {
            // op(B)[p, j] = B[p*ldb + j]: each step is `valid` contiguous values.
            for (step, p) in depth.enumerated() {
                let from = source + p * b.leading + first, to = packed + step * nr
                if valid == nr {
                    to.store16(from.load16(0), 0)
                    to.store16(from.load16(16), 16)
                } else {
                    for jj in 0..<valid { to[jj] = from[jj] }
                    for jj in valid..<nr { to[jj] = 0 }
                }
            }
        }
    }
}
