// Specs/kernels.md, "The gemm interface" and "The determinism contract (normative)".
/// Matrix multiplication, the one kernel where nearly all the floating-point work of training happens.
///
/// Determinism contract (normative, see `Specs/kernels.md`): every output element is one sequential
/// fused-multiply-add chain in increasing `p`,
///
///     s = accumulate ? C[i,j] : +0;  for p in 0..<k { s = fma(opA[i,p], opB[p,j], s) };  C[i,j] = s
///
/// whatever `m`, `n`, the element's position in a register tile or an edge, the blocking, the packing and the
/// thread count. Each SIMD lane of the micro-kernel is one such chain; blocks over `k` hand the running
/// sum on through `C` itself (a store and reload of the same precision, which is exact). So row `i` of
/// `C` depends only on row `i` of `op(A)` and on `op(B)`: a sample's result never depends on its batch.
public protocol MatmulKernels: BinaryFloatingPoint, SIMDScalar, Codable {
    /// Row-major `C[m×n] = op(A)[m×k] · op(B)[k×n]` (`+ C` when `accumulate`), `op` = transpose when the
    /// flag is set.
    ///
    /// `op(A)[i,p]` is `a[i*lda + p]`, or `a[p*lda + i]` when `transposeA`; `op(B)[p,j]` is `b[p*ldb + j]`,
    /// or `b[j*ldb + p]` when `transposeB`; `C[i,j]` is `c[i*ldc + j]`. Any size may be 0 (pointers that
    /// address no element may then be nil); `k = 0` sets `C` to zero, or leaves it unchanged when
    /// accumulating. `C` must not overlap `A` or `B`.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>?, lda: Int, b: UnsafePointer<Self>?, ldb: Int,
        c: UnsafeMutablePointer<Self>?, ldc: Int, accumulate: Bool)

    /// `count` independent `gemm`s (attention heads): matrix `i` of each operand starts at
    /// `a + i*strideA`, `b + i*strideB`, `c + i*strideC`. `strideA` or `strideB` may be 0 to share an
    /// operand; the matrices of C must not overlap one another (they are computed in parallel).
    static func gemmBatched(
        count: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>?, lda: Int, strideA: Int, b: UnsafePointer<Self>?, ldb: Int, strideB: Int,
        c: UnsafeMutablePointer<Self>?, ldc: Int, strideC: Int, accumulate: Bool)
}

extension MatmulKernels {
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>?, lda: Int, b: UnsafePointer<Self>?, ldb: Int,
        c: UnsafeMutablePointer<Self>?, ldc: Int, accumulate: Bool
    ) {
        gemmBatched(
            count: 1, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
            a: a, lda: lda, strideA: 0, b: b, ldb: ldb, strideB: 0, c: c, ldc: ldc, strideC: 0,
            accumulate: accumulate)
    }

    public static func gemmBatched(
        count: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>?, lda: Int, strideA: Int, b: UnsafePointer<Self>?, ldb: Int, strideB: Int,
        c: UnsafeMutablePointer<Self>?, ldc: Int, strideC: Int, accumulate: Bool
    ) {
        precondition(count >= 0 && m >= 0 && n >= 0 && k >= 0,
                     "gemm: negative size count=\(count) m=\(m) n=\(n) k=\(k)")
        if count == 0 || m == 0 || n == 0 { return }
        guard let c else { preconditionFailure("gemm: C is nil for a \(m)×\(n) output") }
        precondition(ldc >= n && (count == 1 || strideC != 0), "gemm: ldc=\(ldc) < n=\(n) or strideC=0")
        if k == 0 {
            if !accumulate { zeroRows(count: count, m: m, n: n, c: c, ldc: ldc, strideC: strideC) }
            return
        }
        guard let a, let b else { preconditionFailure("gemm: A or B is nil with m=\(m) n=\(n) k=\(k)") }
        precondition(lda >= (transposeA ? m : k) && ldb >= (transposeB ? k : n),
                     "gemm: lda=\(lda) or ldb=\(ldb) too small for m=\(m) n=\(n) k=\(k)")
        let problem = GemmProblem(
            count: count, m: m, n: n, k: k,
            a: .init(base: a, leading: lda, stride: strideA, transposed: transposeA),
            b: .init(base: b, leading: ldb, stride: strideB, transposed: transposeB),
            c: c, ldc: ldc, strideC: strideC, accumulate: accumulate)
        run(problem)
    }

    private static func zeroRows(count: Int, m: Int, n: Int, c: UnsafeMutablePointer<Self>, ldc: Int, strideC: Int) {
        for matrix in 0..<count {
            for i in 0..<m { (c + matrix * strideC + i * ldc).update(repeating: 0, count: n) }
        }
    }
}

extension Float: MatmulKernels {}
extension Double: MatmulKernels {}
