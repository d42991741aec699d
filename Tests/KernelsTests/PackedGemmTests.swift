import Kernels
import PropertyBased
import PropertyTesting
import Testing

/// `gemm(m:n:k:a:lda:packedB:c:ldc:accumulate:)` on a case's operands (op(A) not transposed, no batch).
func packedGemm<T: KernelScalar>(_ g: GemmCase, _ x: GemmOperands<T>) -> [T] {
    var packed = [T](repeating: .nan, count: packedMatmulOperandCount(k: g.k, n: g.n) + 1)
    x.b.withUnsafeBufferPointer { b in
        T.packMatmulOperand(k: g.k, n: g.n, b: b.baseAddress!, ldb: g.ldb, transposeB: g.transposeB, into: &packed)
    }
    #expect(packed.last!.isNaN, "packing writes only packedMatmulOperandCount scalars")
    var c = x.c
    x.a.withUnsafeBufferPointer { a in
        c.withUnsafeMutableBufferPointer { c in
            T.gemm(m: g.m, n: g.n, k: g.k, a: a.baseAddress!, lda: g.lda, packedB: packed, c: c.baseAddress!,
                   ldc: g.ldc, accumulate: g.accumulate)
        }
    }
    return c
}

@Suite("Matrix multiply with a packed right operand")
struct PackedGemmTests {
    @Test("a product with a packed right operand equals gemm bit for bit (Float and Double, across k-blocks and edge tiles)")
    func equalsGemm() async {
        let sizes = zip(Gen.int(in: 0...45), Gen.int(in: 1...100), Gen.int(in: 0...600)).map { [$0, $1, $2] }
        await checkProperty(count: 60, input: sizes, options, Gen.int(in: 0...1000)) { sizes, options, seed in
            var g = GemmCase(sizes: sizes, options: options, seed: seed)
            g.transposeA = false
            g.gap = 0
            let x = GemmOperands<Float>(g)
            #expect(firstDifference(packedGemm(g, x), referenceGemm(g, x)) == nil, "Float \(g)")
            let y = GemmOperands<Double>(g)
            #expect(firstDifference(packedGemm(g, y), referenceGemm(g, y)) == nil, "Double \(g)")
        }
    }
}
