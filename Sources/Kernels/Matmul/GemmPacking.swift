// Specs/kernels.md, "How the contract is kept fast": packing the operands.
/// One operand of a (batched) gemm as stored: element `(row, column)` of `op(X)` in matrix `index` is
/// `base[index*stride + row*leading + column]`, or `base[index*stride + column*leading + row]` if transposed.
struct GemmOperand<Scalar> {
    let base: UnsafePointer<Scalar>
    let leading: Int
    let stride: Int
    let transposed: Bool
}

extension MatmulKernels {
    /// Copies the row panel `op(A)[rows, depth]` (at most `GemmTile.rows` rows) into `depth.count` steps of
    /// `GemmTile.rows` values, zero past the last row. The register tile then reads its broadcasts from one
    /// pointer at constant offsets: reading 8 rows of an untransposed A in place needs 8 row addresses per
    /// step, more than the general-purpose registers hold next to the loop's own, and the compiler's choice of
    /// which addresses to spill and reload in the loop then changed with unrelated edits elsewhere in the
    /// module (measured: ±15% on the products of a decoding step). For a partial panel, the zero rows feed
    /// lanes whose results are never stored, so the tile reads no memory outside A.
    static func packRowPanel(
        _ a: GemmOperand<Self>, matrix: Int, rows: Range<Int>, depth: Range<Int>,
        into packed: UnsafeMutablePointer<Self>
    ) {
        let mr = GemmTile.rows
        let source = a.base + matrix * a.stride
        var first = 0
        if rows.count == mr && !a.transposed {
            // Blocks of 16 steps: 8 row pieces in, transposed in registers, 8 vectors of 2 steps each out.
            let row = source + rows.lowerBound * a.leading + depth.lowerBound
            while first + 16 <= depth.count {
                var block = InlineArray<8, SIMD16<Self>>(repeating: SIMD16())
                for r in 0..<mr { block[r] = row.load16(r * a.leading + first) }
                block = transposed(block)
                for v in 0..<mr { (packed + first * mr).store16(block[v], v * 16) }
                first += 16
            }
        }
        for step in first..<depth.count {
            let p = depth.lowerBound + step, to = packed + step * mr
            for r in 0..<rows.count {
                let i = rows.lowerBound + r
                to[r] = source[a.transposed ? p * a.leading + i : i * a.leading + p]
            }
            for r in rows.count..<mr { to[r] = 0 }
        }
    }

    /// Copies `op(B)[depth, panel columns]` of one matrix into a micro-panel of `GemmTile.columns` columns:
    /// `depth.count` steps of `GemmTile.columns` values, columns past `n` zero.
    static func packB(
        _ b: GemmOperand<Self>, matrix: Int, n: Int, depth: Range<Int>, panel jp: Int,
        into packed: UnsafeMutablePointer<Self>
    ) {
        let nr = GemmTile.columns
        let source = b.base + matrix * b.stride
        let first = jp * nr
        let valid = min(nr, n - first)
        if !b.transposed {
            // op(B)[p, j] = B[p*ldb + j]: each step is one contiguous row piece.
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
            return
        }
        // op(B)[p, j] = B[j*ldb + p]: each column is contiguous in p, so full 16×16 blocks are transposed
        // in registers; the remaining steps and columns are copied one value at a time.
        let blockSteps = depth.count / 16 * 16
        let blockColumns = valid / 16 * 16
        for jj in stride(from: 0, to: blockColumns, by: 16) {
            for step in stride(from: 0, to: blockSteps, by: 16) {
                transpose16x16(from: source + (first + jj) * b.leading + depth.lowerBound + step, stride: b.leading,
                               to: packed + step * nr + jj, stride: nr)
            }
        }
        for step in 0..<depth.count {
            let to = packed + step * nr
            let columns = step < blockSteps ? blockColumns..<valid : 0..<valid
            for jj in columns { to[jj] = source[(first + jj) * b.leading + depth.lowerBound + step] }
            for jj in valid..<nr { to[jj] = 0 }
        }
    }

    /// Writes the transpose of the 16×16 block with rows at `source + r*sourceStride` to rows at
    /// `destination + c*destinationStride`.
    @inline(__always)
    static func transpose16x16(
        from source: UnsafePointer<Self>, stride sourceStride: Int,
        to destination: UnsafeMutablePointer<Self>, stride destinationStride: Int
    ) {
        var rows = InlineArray<16, SIMD16<Self>>(repeating: SIMD16())
        for r in 0..<16 { rows[r] = source.load16(r * sourceStride) }
        rows = transposed(rows)
        for c in 0..<16 { destination.store16(rows[c], c * destinationStride) }
    }

    /// `count` rows of 16 values (`count` a power of two, at most 16) transposed: viewing them as 16·count
    /// values in row-major order (index = row · 16 + lane), value (r, c) moves to index c · count + r, so
    /// the result, read in order, is column 0's `count` values, then column 1's, and so on (for 16 rows, row c
    /// of the result is column c).
    ///
    /// Splitting the values into even- and odd-indexed ones rotates the index right by one bit; four such
    /// rounds move the 4 lane bits above the row bits, which is the transpose. Each round is count/2
    /// two-vector shuffles.
    @inline(__always)
    static func transposed<let count: Int>(_ rows: InlineArray<count, SIMD16<Self>>) -> InlineArray<count, SIMD16<Self>> {
        var rows = rows
        for _ in 0..<4 {
            var next = rows
            for k in 0..<count / 2 {
                let pair = SIMD32(lowHalf: rows[2 * k], highHalf: rows[2 * k + 1])
                next[k] = pair.evenHalf
                next[k + count / 2] = pair.oddHalf
            }
            rows = next
        }
        return rows
    }
}
