/// Cache blocking of the gemm: fixed sizes, so the work split depends only on the problem's shape.
enum GemmBlocking {
    /// Steps of `k` per block: the running sums go through C between blocks, which is exact. A block of B
    /// micro-panels (`depth × GemmTile.columns`, 32 KiB for Float) is reused by every row panel of a chunk.
    static let depth = 256
    /// Rows of C per parallel chunk; the chunk's A rows for one k-block (`rows × depth`) stay in L2.
    static let rows = 128
    /// B micro-panels packed per parallel chunk of the packing pass.
    static let panelsPerPackingChunk = 8
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
    /// `GemmBlocking.rows` rows of C in parallel. Both chunk counts depend only on the shape.
    static func run(_ problem: GemmProblem<Self>) {
        let (count, m, n, k) = (problem.count, problem.m, problem.n, problem.k)
        let nr = GemmTile.columns
        let panels = (n + nr - 1) / nr
        let packedBPerMatrix = k * panels * nr
        let packedB = UnsafeMutablePointer<Self>.allocate(capacity: count * packedBPerMatrix)
        defer { packedB.deallocate() }

        let groupSize = GemmBlocking.panelsPerPackingChunk
        let groups = (panels + groupSize - 1) / groupSize
        Parallel.forEachChunk(count: count * groups) { chunk in
            let (matrix, group) = chunk.quotientAndRemainder(dividingBy: groups)
            for p0 in stride(from: 0, to: k, by: GemmBlocking.depth) {
                let depth = p0..<min(p0 + GemmBlocking.depth, k)
                for jp in group * groupSize..<min((group + 1) * groupSize, panels) {
                    let panel = packedB + matrix * packedBPerMatrix + p0 * panels * nr + jp * depth.count * nr
                    packB(problem.b, matrix: matrix, n: n, depth: depth, panel: jp, into: panel)
                }
            }
        }

        let rowBlocks = (m + GemmBlocking.rows - 1) / GemmBlocking.rows
        Parallel.forEachChunk(count: count * rowBlocks) { chunk in
            let (matrix, block) = chunk.quotientAndRemainder(dividingBy: rowBlocks)
            let rows = block * GemmBlocking.rows..<min((block + 1) * GemmBlocking.rows, m)
            multiplyRowBlock(problem, matrix: matrix, rows: rows,
                             packedB: packedB + matrix * packedBPerMatrix, panels: panels)
        }
    }

    /// C[rows, all columns] of one matrix, k-block after k-block; within a block, each B micro-panel is
    /// used by every row panel before the next is loaded.
    private static func multiplyRowBlock(
        _ problem: GemmProblem<Self>, matrix: Int, rows: Range<Int>,
        packedB: UnsafeMutablePointer<Self>, panels: Int
    ) {
        let (mr, nr) = (GemmTile.rows, GemmTile.columns)
        let scratch = UnsafeMutablePointer<Self>.allocate(capacity: mr * GemmBlocking.depth + mr * nr)
        defer { scratch.deallocate() }
        let edgeRows = scratch, edgeTile = scratch + mr * GemmBlocking.depth
        let a = problem.a, c = problem.c + matrix * problem.strideC, ldc = problem.ldc
        let (rowStride, stepStride) = a.transposed ? (1, a.leading) : (a.leading, 1)
        let fullPanels = rows.count / mr

        for p0 in stride(from: 0, to: problem.k, by: GemmBlocking.depth) {
            let depth = p0..<min(p0 + GemmBlocking.depth, problem.k)
            let edge = rows.lowerBound + fullPanels * mr..<rows.upperBound
            if !edge.isEmpty { packEdgeRows(a, matrix: matrix, rows: edge, depth: depth, into: edgeRows) }
            let loadC = problem.accumulate || p0 > 0
            for jp in 0..<panels {
                let bPanel = packedB + p0 * panels * nr + jp * depth.count * nr
                let j = jp * nr
                let columns = min(nr, problem.n - j)
                for q in 0..<fullPanels + (edge.isEmpty ? 0 : 1) {
                    let i = rows.lowerBound + q * mr
                    let (aPanel, aRowStride, aStepStride) = q < fullPanels
                        ? (a.base + matrix * a.stride + i * rowStride + p0 * stepStride, rowStride, stepStride)
                        : (UnsafePointer(edgeRows), 1, mr)
                    if q < fullPanels && columns == nr {
                        multiplyTile(depth: depth.count, a: aPanel, rowStride: aRowStride, stepStride: aStepStride,
                                     b: bPanel, c: c + i * ldc + j, ldc: ldc, loadC: loadC)
                    } else {
                        // Edge tile: the same chains computed in a full-size buffer, valid part copied.
                        let tileRows = min(mr, rows.upperBound - i)
                        if loadC {
                            for r in 0..<tileRows { (edgeTile + r * nr).update(from: c + (i + r) * ldc + j, count: columns) }
                        }
                        multiplyTile(depth: depth.count, a: aPanel, rowStride: aRowStride, stepStride: aStepStride,
                                     b: bPanel, c: edgeTile, ldc: nr, loadC: loadC)
                        for r in 0..<tileRows { (c + (i + r) * ldc + j).update(from: edgeTile + r * nr, count: columns) }
                    }
                }
            }
        }
    }
}
