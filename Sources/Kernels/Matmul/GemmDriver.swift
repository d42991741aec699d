// Specs/kernels.md, "How the contract is kept fast" and "Chunking rule": gemm's blocking and work split.
/// Cache blocking of the gemm: fixed sizes, so the work split depends only on the problem's shape.
enum GemmBlocking {
    /// Steps of `k` per block: the running sums go through C between blocks, which is exact. One row panel
    /// of A for a block (`GemmTile.rows × depth`, 8 KiB for Float) stays in L1 while it meets every B
    /// micro-panel of the block.
    static let depth = 256
    /// Rows of C per parallel chunk (16 row panels): enough chunks for 2 threads to balance on the model's
    /// shapes (m = 4096 gives 32), and each packed B block is reused by 16 row panels per chunk.
    static let rows = 128
    /// B micro-panels packed per parallel chunk of the packing pass.
    static let panelsPerPackingChunk = 2
    /// Below this many row chunks (over all matrices), the columns are split too: a short product (one
    /// decoding step of a batch of sequences) still spreads over the threads.
    static let minimumRowChunks = 4
    /// B micro-panels (64 columns) per chunk when the columns are split.
    static let panelsPerColumnChunk = 2
}

/// A validated (batched) gemm call.
struct GemmProblem<Scalar> {
    let count: Int, m: Int, n: Int, k: Int
    let a: GemmOperand<Scalar>
    let b: GemmOperand<Scalar>
    let c: UnsafeMutablePointer<Scalar>
    let ldc: Int, strideC: Int
    let accumulate: Bool
}

extension MatmulKernels {
    /// Packs all of `op(B)` (every matrix, every k-block) in parallel, then computes blocks of
    /// `GemmBlocking.rows` rows of C (and, for short products, of 64 columns) in parallel. Both chunk
    /// counts depend only on the shape; every chunk computes whole chains for the outputs it owns.
    static func run(_ problem: GemmProblem<Self>) {
        let (count, m, n, k) = (problem.count, problem.m, problem.n, problem.k)
        let nr = GemmTile.columns
        let panels = (n + nr - 1) / nr
        let packedBPerMatrix = k * panels * nr
        let packedB = UnsafeMutablePointer<Self>.allocate(capacity: count * packedBPerMatrix)
        defer { packedB.deallocate() }
        let rowBlocks = (m + GemmBlocking.rows - 1) / GemmBlocking.rows
        let inPlace = readsBInPlace(problem.b, rowBlocks: rowBlocks)

        let groupSize = GemmBlocking.panelsPerPackingChunk
        let groups = (panels + groupSize - 1) / groupSize
        Parallel.forEachChunk(count: count * groups) { chunk in
            let (matrix, group) = chunk.quotientAndRemainder(dividingBy: groups)
            packPanels(problem.b, matrix: matrix, n: n, k: k, panels: group * groupSize..<min((group + 1) * groupSize, panels),
                       skippingFullPanels: inPlace, into: packedB + matrix * packedBPerMatrix)
        }

        let panelsPerChunk = count * rowBlocks >= GemmBlocking.minimumRowChunks ? panels : GemmBlocking.panelsPerColumnChunk
        let columnBlocks = (panels + panelsPerChunk - 1) / panelsPerChunk
        Parallel.forEachChunk(count: count * rowBlocks * columnBlocks) { chunk in
            let (matrixRow, columnBlock) = chunk.quotientAndRemainder(dividingBy: columnBlocks)
            let (matrix, block) = matrixRow.quotientAndRemainder(dividingBy: rowBlocks)
            let rows = block * GemmBlocking.rows..<min((block + 1) * GemmBlocking.rows, m)
            let columnPanels = columnBlock * panelsPerChunk..<min((columnBlock + 1) * panelsPerChunk, panels)
            multiplyBlock(problem, matrix: matrix, rows: rows, columnPanels: columnPanels,
                          packedB: UnsafePointer(packedB + matrix * packedBPerMatrix), panels: panels, bInPlace: inPlace)
        }
    }

    /// Whether the full B micro-panels are read where B lies (row stride `ldb`) instead of packed: for an
    /// untransposed B used by a single block of rows (a weight gradient Xᵀ·dY, where B = dY has as many rows
    /// as the batch has tokens), packing would copy all of B to use each copy once. A shape-only decision;
    /// the chains, hence the results, are the same either way.
    static func readsBInPlace(_ b: GemmOperand<Self>, rowBlocks: Int) -> Bool {
        !b.transposed && rowBlocks == 1
    }

    /// C[rows, columns of `columnPanels`] of one matrix (B has `panels` micro-panels per k-block in all),
    /// k-block after k-block. Within a block, each row panel of A stays in cache while it meets every B
    /// micro-panel, streamed from L2. A row panel is first packed (`packRowPanel`), except the full panels
    /// of a transposed A, which are read in place.
    static func multiplyBlock(
        _ problem: GemmProblem<Self>, matrix: Int, rows: Range<Int>, columnPanels: Range<Int>,
        packedB: UnsafePointer<Self>, panels: Int, bInPlace: Bool = false
    ) {
        let (mr, nr) = (GemmTile.rows, GemmTile.columns)
        let scratch = UnsafeMutablePointer<Self>.allocate(capacity: mr * GemmBlocking.depth + mr * nr)
        defer { scratch.deallocate() }
        let packedPanel = UnsafePointer(scratch), edgeTile = scratch + mr * GemmBlocking.depth
        let a = problem.a, aBase = problem.a.base + matrix * problem.a.stride
        let c = problem.c + matrix * problem.strideC, ldc = problem.ldc

        for p0 in stride(from: 0, to: problem.k, by: GemmBlocking.depth) {
            let depth = p0..<min(p0 + GemmBlocking.depth, problem.k)
            let loadC = problem.accumulate || p0 > 0
            for i in stride(from: rows.lowerBound, to: rows.upperBound, by: mr) {
                let panelRows = i..<min(i + mr, rows.upperBound)
                // A transposed A's step is 8 consecutive values, read in place; every other panel is packed.
                let inPlace = panelRows.count == mr && a.transposed
                if !inPlace { packRowPanel(a, matrix: matrix, rows: panelRows, depth: depth, into: scratch) }
                for jp in columnPanels {
                    let j = jp * nr
                    let fromB = bInPlace && j + nr <= problem.n
                    let bPanel = fromB
                        ? problem.b.base + matrix * problem.b.stride + p0 * problem.b.leading + j
                        : packedB + p0 * panels * nr + jp * depth.count * nr
                    let bStride = fromB ? problem.b.leading : nr
                    let (corner, columns) = (c + i * ldc + j, min(nr, problem.n - j))
                    // Row stride 1 as a literal, so that after inlining the tile addresses A's 8 values of a
                    // step with constant offsets from one pointer.
                    let (panel, stepStride) = inPlace ? (aBase + p0 * a.leading + i, a.leading) : (packedPanel, mr)
                    multiplyTile(depth: depth.count, a: panel, rowStride: 1, stepStride: stepStride, b: bPanel,
                                 bStride: bStride, c: corner, ldc: ldc, rows: panelRows.count, columns: columns, loadC: loadC,
                                 edgeTile: edgeTile)
                }
            }
        }
    }

    /// One register tile whose top-left output is `c`, of which only `rows × columns` exist: a full tile
    /// is computed in place, a partial one in the full-size `edgeTile` buffer and its valid part copied,
    /// with exactly the same chains.
    @inline(__always)
    private static func multiplyTile(
        depth: Int, a: UnsafePointer<Self>, rowStride: Int, stepStride: Int, b: UnsafePointer<Self>, bStride: Int,
        c: UnsafeMutablePointer<Self>, ldc: Int, rows: Int, columns: Int, loadC: Bool,
        edgeTile: UnsafeMutablePointer<Self>
    ) {
        let nr = GemmTile.columns
        if rows == GemmTile.rows && columns == nr {
            multiplyTile(depth: depth, a: a, rowStride: rowStride, stepStride: stepStride, b: b, bStride: bStride,
                         c: c, ldc: ldc, loadC: loadC)
            return
        }
        if loadC {
            for r in 0..<rows { (edgeTile + r * nr).update(from: c + r * ldc, count: columns) }
        }
        multiplyTile(depth: depth, a: a, rowStride: rowStride, stepStride: stepStride, b: b, bStride: bStride,
                     c: edgeTile, ldc: nr, loadC: loadC)
        for r in 0..<rows { (c + r * ldc).update(from: edgeTile + r * nr, count: columns) }
    }
}
