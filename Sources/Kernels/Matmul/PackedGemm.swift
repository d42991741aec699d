// Specs/kernels.md, "Products with a packed right operand".
/// Products with a right operand packed once: a weight matrix meets a new batch of a few rows at every step
/// of decoding, and packing it anew at every call would copy the whole matrix for a product of a few rows.
///
/// The packed form is the one `gemm` builds internally (k-blocks of `GemmBlocking.depth` steps, each a run
/// of `GemmTile.columns`-wide micro-panels), and the product runs the same register tiles, so every output
/// element is the same FMA chain in increasing p as `gemm`'s: the results are equal bit for bit (test
/// "a product with a packed right operand equals gemm bit for bit").
public protocol PackedMatmulKernels: MatmulKernels {
    /// Writes op(B) [k×n] (`b[p*ldb + j]`, or `b[j*ldb + p]` when `transposeB`) in packed form to
    /// `packed`, which holds `packedMatmulOperandCount(k:n:)` scalars.
    static func packMatmulOperand(
        k: Int, n: Int, b: UnsafePointer<Self>, ldb: Int, transposeB: Bool, into packed: UnsafeMutablePointer<Self>)

    /// Row-major `C[m×n] = A[m×k] · B` (`+ C` when `accumulate`) with B packed by `packMatmulOperand`, on
    /// the calling thread: callers that run many small products split them by rows themselves.
    static func gemm(
        m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int, packedB: UnsafePointer<Self>,
        c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool)
}

/// Scalars in the packed form of a k×n right operand (whole micro-panels, the last one zero-padded).
public func packedMatmulOperandCount(k: Int, n: Int) -> Int {
    let nr = GemmTile.columns
    return k * ((n + nr - 1) / nr) * nr
}

extension PackedMatmulKernels {
    public static func packMatmulOperand(
        k: Int, n: Int, b: UnsafePointer<Self>, ldb: Int, transposeB: Bool, into packed: UnsafeMutablePointer<Self>
    ) {
        precondition(k >= 0 && n >= 0 && ldb >= (transposeB ? k : n), "packMatmulOperand: k=\(k) n=\(n) ldb=\(ldb)")
        let panels = (n + GemmTile.columns - 1) / GemmTile.columns
        packPanels(.init(base: b, leading: ldb, stride: 0, transposed: transposeB), matrix: 0, n: n, k: k,
                   panels: 0..<panels, into: packed)
    }

    public static func gemm(
        m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int, packedB: UnsafePointer<Self>,
        c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0 && lda >= k && ldc >= n, "gemm: m=\(m) n=\(n) k=\(k) lda=\(lda) ldc=\(ldc)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        // B is already packed: its operand here only satisfies the problem's shape, multiplyBlock reads
        // `packedB`.
        let problem = GemmProblem(
            count: 1, m: m, n: n, k: k, a: .init(base: a, leading: lda, stride: 0, transposed: false),
            b: .init(base: packedB, leading: n, stride: 0, transposed: false),
            c: c, ldc: ldc, strideC: 0, accumulate: accumulate)
        let panels = (n + GemmTile.columns - 1) / GemmTile.columns
        multiplyBlock(problem, matrix: 0, rows: 0..<m, columnPanels: 0..<panels, packedB: packedB, panels: panels)
    }
}

extension MatmulKernels {
    /// Packs micro-panels `panels` of op(B) of one matrix, for every k-block, at their places in the
    /// packed layout: k-block p0 starts at `p0 · panelCount · GemmTile.columns`, and its panel jp at
    /// `jp · depth · GemmTile.columns` within it. With `skippingFullPanels`, only a last partial panel is
    /// packed: the gemm reads the full ones from B in place.
    static func packPanels(
        _ b: GemmOperand<Self>, matrix: Int, n: Int, k: Int, panels: Range<Int>, skippingFullPanels: Bool = false,
        into packed: UnsafeMutablePointer<Self>
    ) {
        let nr = GemmTile.columns
        let panelCount = (n + nr - 1) / nr
        for p0 in stride(from: 0, to: k, by: GemmBlocking.depth) {
            let depth = p0..<min(p0 + GemmBlocking.depth, k)
            for jp in panels where !(skippingFullPanels && (jp + 1) * nr <= n) {
                packB(b, matrix: matrix, n: n, depth: depth, panel: jp, into: packed + p0 * panelCount * nr + jp * depth.count * nr)
            }
        }
    }
}

extension Float: PackedMatmulKernels {}
extension Double: PackedMatmulKernels {}
