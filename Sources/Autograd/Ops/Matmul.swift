// Specs/autograd.md, "The derivative table: primitives": matmul and batched matmul.
import Kernels

/// C = op(A)·op(B) for `batch` independent matrix pairs (op = transpose when flagged), with the shapes the
/// backward pass needs. Stored shapes: A is [m, k] (or [k, m] when transposed), B is [k, n] (or [n, k]).
struct MatmulOperation<Scalar: KernelScalar>: Operation {
    let a: Tensor<Scalar>, b: Tensor<Scalar>
    let batch: Int, m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool
    /// Elements per matrix of A and of B.
    let strideA: Int, strideB: Int

    var lda: Int { transposeA ? m : k }
    var ldb: Int { transposeB ? k : n }

    func backward(_ gc: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        if let ga = inputs[0] {
            if transposeA {   // dAᵀ[k×m] += op(B)[k×n] · dCᵀ[n×m]
                Scalar.gemmBatched(
                    count: batch, transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                    a: b.pointer, lda: ldb, strideA: strideB, b: gc, ldb: n, strideB: m * n,
                    c: ga, ldc: m, strideC: strideA, accumulate: true)
            } else {          // dA[m×k] += dC[m×n] · op(B)ᵀ[n×k]
                Scalar.gemmBatched(
                    count: batch, transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                    a: gc, lda: n, strideA: m * n, b: b.pointer, ldb: ldb, strideB: strideB,
                    c: ga, ldc: k, strideC: strideA, accumulate: true)
            }
        }
        if let gb = inputs[1] {
            if transposeB {   // dBᵀ[n×k] += dCᵀ[n×m] · op(A)[m×k]
                Scalar.gemmBatched(
                    count: batch, transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
                    a: gc, lda: n, strideA: m * n, b: a.pointer, ldb: lda, strideB: strideA,
                    c: gb, ldc: k, strideC: strideB, accumulate: true)
            } else {          // dB[k×n] += op(A)ᵀ[k×m] · dC[m×n]
                Scalar.gemmBatched(
                    count: batch, transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
                    a: a.pointer, lda: lda, strideA: strideA, b: gc, ldb: n, strideB: m * n,
                    c: gb, ldc: n, strideC: strideB, accumulate: true)
            }
        }
    }
}

extension Tensor {
    /// Matrix product op(a)·op(b) over the last two axes, where op transposes when flagged.
    ///
    /// Shapes: a [..., m, k] and b [..., k, n] with equal leading axes (a batch of products), or, without
    /// transposing a, b of rank 2 shared by all rows of a (a linear layer over a batch). Each output element is one fused
    /// multiply-add chain in increasing k (see Specs/kernels.md), so a row of the result never depends on
    /// the other rows.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul needs rank ≥ 2, got \(a.shape) and \(b.shape)")
        let (aRows, aCols) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (bRows, bCols) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (aCols, aRows) : (aRows, aCols)
        let (kB, n) = transposeB ? (bCols, bRows) : (bRows, bCols)
        precondition(k == kB, "matmul: inner extents differ, \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        if b.rank == 2 && a.rank > 2 && !transposeA {
            // A weight shared by a batch of inputs: one product over all rows at once.
            let rows = matmul(a.reshaped([-1, aCols]), b, transposeB: transposeB)
            return rows.reshaped(Array(a.shape.dropLast()) + [n])
        }
        let leading = Array(a.shape.dropLast(2))
        precondition(Array(b.shape.dropLast(2)) == leading, "matmul: batch axes differ, \(a.shape) and \(b.shape)")
        let batch = Shape.count(leading)
        let operation = MatmulOperation(
            a: a.detached(), b: b.detached(), batch: batch, m: m, n: n, k: k,
            transposeA: transposeA, transposeB: transposeB, strideA: m * k, strideB: k * n)
        return make(shape: leading + [m, n], inputs: [a, b]) { out in
            Scalar.gemmBatched(
                count: batch, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                a: a.pointer, lda: operation.lda, strideA: operation.strideA, b: b.pointer, ldb: operation.ldb,
                strideB: operation.strideB, c: out, ldc: n, strideC: m * n, accumulate: false)
        } operation: {
            operation
        }
    }
}
