import Kernels
import PropertyBased
import PropertyTesting
import TestSupport
import Testing

/// One gemm call: sizes, forms, padded leading dimensions and batch strides, and the operands' seed.
struct GemmCase: CustomStringConvertible {
    var count = 1, m: Int, n: Int, k: Int
    var transposeA: Bool, transposeB: Bool, accumulate: Bool
    var padA = 0, padB = 0, padC = 0, gap = 0
    var threads = 1
    var seed: UInt64 = 1

    var rowsA: Int { transposeA ? k : m }
    var lda: Int { (transposeA ? m : k) + padA }
    var rowsB: Int { transposeB ? n : k }
    var ldb: Int { (transposeB ? k : n) + padB }
    var ldc: Int { n + padC }
    var strideA: Int { rowsA * lda + gap }
    var strideB: Int { rowsB * ldb + gap }
    var strideC: Int { m * ldc + gap }
    var description: String {
        "count=\(count) m=\(m) n=\(n) k=\(k) tA=\(transposeA) tB=\(transposeB) acc=\(accumulate) "
            + "pads=\(padA),\(padB),\(padC) gap=\(gap) threads=\(threads)"
    }

    /// Cases from generated integers: three sizes, then form/accumulate bits, paddings and thread count.
    init(sizes: [Int], options: [Int], count: Int = 1, seed: Int) {
        (m, n, k) = (sizes[0], sizes[1], sizes[2])
        transposeA = options[0] & 1 != 0
        transposeB = options[0] & 2 != 0
        accumulate = options[0] & 4 != 0
        (padA, padB, padC, gap) = (options[1], options[2], options[3], options[4])
        threads = 1 + (options[0] >> 3) % 2
        self.count = count
        self.seed = UInt64(seed)
    }

    init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false) {
        (self.m, self.n, self.k) = (m, n, k)
        (self.transposeA, self.transposeB, self.accumulate) = (transposeA, transposeB, accumulate)
    }
}

/// SplitMix64 values in [-1, 1) with full-precision significands, so that any change of rounding shows.
func randomValues<T: BinaryFloatingPoint>(_ count: Int, seed: UInt64, as: T.Type = T.self) -> [T] {
    var random = SplitMix64(state: seed &* 0x9E37_79B9_7F4A_7C15)
    return (0..<count).map { _ in T(Double(random.next() >> 11) * 0x1p-52 - 1) }
}

/// The operands of a case (padding and gaps filled with values too, so stray reads or writes show).
struct GemmOperands<T: BinaryFloatingPoint> {
    var a: [T], b: [T], c: [T]
    init(_ g: GemmCase) {
        a = randomValues(max(g.count * g.strideA, 1), seed: g.seed)
        b = randomValues(max(g.count * g.strideB, 1), seed: g.seed + 1)
        c = randomValues(max(g.count * g.strideC, 1), seed: g.seed + 2)
    }
}

/// The contract written as plainly as possible: one FMA chain per element, increasing in p.
func referenceGemm<T: BinaryFloatingPoint>(_ g: GemmCase, _ x: GemmOperands<T>, reversed: Bool = false) -> [T] {
    var c = x.c
    for matrix in 0..<g.count {
        let (a0, b0, c0) = (matrix * g.strideA, matrix * g.strideB, matrix * g.strideC)
        for i in 0..<g.m {
            for j in 0..<g.n {
                var s: T = g.accumulate ? c[c0 + i * g.ldc + j] : 0
                for p in reversed ? Array((0..<g.k).reversed()) : Array(0..<g.k) {
                    let a = x.a[a0 + (g.transposeA ? p * g.lda + i : i * g.lda + p)]
                    let b = x.b[b0 + (g.transposeB ? j * g.ldb + p : p * g.ldb + j)]
                    s = s.addingProduct(a, b)
                }
                c[c0 + i * g.ldc + j] = s
            }
        }
    }
    return c
}

/// Our gemm on the case's operands, at the case's thread count.
func ourGemm<T: KernelScalar>(_ g: GemmCase, _ x: GemmOperands<T>) -> [T] {
    var c = x.c
    Parallel.withThreadCount(g.threads) {
        c.withUnsafeMutableBufferPointer { c in
            T.gemmBatched(
                count: g.count, transposeA: g.transposeA, transposeB: g.transposeB, m: g.m, n: g.n, k: g.k,
                a: x.a, lda: g.lda, strideA: g.strideA, b: x.b, ldb: g.ldb, strideB: g.strideB,
                c: c.baseAddress, ldc: g.ldc, strideC: g.strideC, accumulate: g.accumulate)
        }
    }
    return c
}

/// The first index where the two differ in value or sign (no NaN can arise from these operands), nil if none.
func firstDifference<T: BinaryFloatingPoint>(_ x: [T], _ y: [T]) -> Int? {
    if x.count != y.count { return min(x.count, y.count) }
    return x.indices.first { x[$0] != y[$0] || x[$0].sign != y[$0].sign }
}

let smallSizes = Gen.int(in: 0...41).array(of: 3)
let options = zip(Gen.int(in: 0...15), Gen.int(in: 0...3), Gen.int(in: 0...3), Gen.int(in: 0...3), Gen.int(in: 0...5))
    .map { [$0, $1, $2, $3, $4] }

@Suite("Matrix multiply")
struct MatmulTests {
    @Test("Float gemm equals the sequential FMA chain bit for bit on small random shapes, all forms, 1 and 2 threads")
    func smallShapes() async {
        await checkProperty(count: 300, input: smallSizes, options, Gen.int(in: 0...1000)) { sizes, options, seed in
            let g = GemmCase(sizes: sizes, options: options, seed: seed)
            let x = GemmOperands<Float>(g)
            #expect(firstDifference(ourGemm(g, x), referenceGemm(g, x)) == nil, "\(g)")
        }
    }

    @Test("Float gemm equals the sequential FMA chain across k-blocks, row blocks and edge tiles")
    func largeShapes() async {
        let sizes = zip(Gen.int(in: 120...300), Gen.int(in: 1...80), Gen.int(in: 250...600)).map { [$0, $1, $2] }
        await checkProperty(count: 8, input: sizes, options, Gen.int(in: 0...1000)) { sizes, options, seed in
            let g = GemmCase(sizes: sizes, options: options, seed: seed)
            let x = GemmOperands<Float>(g)
            #expect(firstDifference(ourGemm(g, x), referenceGemm(g, x)) == nil, "\(g)")
        }
    }

    @Test("Float gemm equals the sequential FMA chain on short, wide products split by columns")
    func shortWideShapes() async {
        let sizes = zip(Gen.int(in: 1...140), Gen.int(in: 100...420), Gen.int(in: 1...300)).map { [$0, $1, $2] }
        await checkProperty(count: 12, input: sizes, options, Gen.int(in: 0...1000)) { sizes, options, seed in
            let g = GemmCase(sizes: sizes, options: options, seed: seed)
            let x = GemmOperands<Float>(g)
            #expect(firstDifference(ourGemm(g, x), referenceGemm(g, x)) == nil, "\(g)")
        }
    }

    @Test("batched gemm equals the FMA chain for every matrix of the batch")
    func batched() async {
        await checkProperty(count: 60, input: smallSizes, options, Gen.int(in: 0...4), Gen.int(in: 0...1000)) {
            sizes, options, count, seed in
            let g = GemmCase(sizes: sizes, options: options, count: count, seed: seed)
            let x = GemmOperands<Float>(g)
            #expect(firstDifference(ourGemm(g, x), referenceGemm(g, x)) == nil, "\(g)")
        }
    }

    @Test("Double gemm equals the sequential FMA chain bit for bit")
    func double() async {
        let sizes = zip(Gen.int(in: 0...70), Gen.int(in: 0...70), Gen.int(in: 0...300)).map { [$0, $1, $2] }
        await checkProperty(count: 40, input: sizes, options, Gen.int(in: 0...1000)) { sizes, options, seed in
            let g = GemmCase(sizes: sizes, options: options, seed: seed)
            let x = GemmOperands<Double>(g)
            #expect(firstDifference(ourGemm(g, x), referenceGemm(g, x)) == nil, "\(g)")
        }
    }

    @Test("k = 0 sets C to zero, or leaves it unchanged when accumulating; padding is never written")
    func emptyDepth() {
        for accumulate in [false, true] {
            var g = GemmCase(m: 5, n: 37, k: 0, accumulate: accumulate)
            g.padC = 3
            let x = GemmOperands<Float>(g)
            let c = ourGemm(g, x)
            for i in 0..<g.m {
                for j in 0..<g.ldc {
                    let expected: Float = j < g.n && !accumulate ? 0 : x.c[i * g.ldc + j]
                    #expect(c[i * g.ldc + j] == expected)
                }
            }
        }
    }

    @Test("empty outputs (m, n or count = 0) accept nil operands and write nothing")
    func emptyOutputs() {
        Float.gemm(transposeA: false, transposeB: false, m: 0, n: 0, k: 0, a: nil, lda: 0, b: nil, ldb: 0,
                   c: nil, ldc: 0, accumulate: false)
        Float.gemm(transposeA: true, transposeB: true, m: 0, n: 7, k: 9, a: nil, lda: 0, b: nil, ldb: 9,
                   c: nil, ldc: 7, accumulate: true)
        Double.gemmBatched(count: 0, transposeA: false, transposeB: false, m: 3, n: 3, k: 3, a: nil, lda: 3,
                           strideA: 9, b: nil, ldb: 3, strideB: 9, c: nil, ldc: 3, strideC: 9, accumulate: false)
        var c: [Float] = [42]
        Float.gemm(transposeA: false, transposeB: false, m: 1, n: 0, k: 4, a: nil, lda: 4, b: nil, ldb: 0,
                   c: &c, ldc: 0, accumulate: false)
        #expect(c == [42])
    }

    @Test("a row of C has the same bits computed alone as inside any larger batch of rows")
    func rowIndependence() async {
        await checkProperty(count: 20, input: Gen.int(in: 1...300), Gen.int(in: 0...3), Gen.int(in: 0...1000)) {
            m, form, seed in
            let batch = GemmCase(m: m, n: 45, k: 300, transposeB: form & 1 != 0)
            let x = GemmOperands<Float>(batch)
            let all = ourGemm(batch, x)
            let row = (m - 1) * Int(seed) / 1000
            // The same row alone: op(A) restricted to row `row` (A is not transposed here).
            var single = batch
            single.m = 1
            var y = GemmOperands<Float>(single)
            y.a = Array(x.a[row * batch.lda..<(row + 1) * batch.lda])
            y.b = x.b
            let alone = ourGemm(single, y)
            #expect(firstDifference(alone, Array(all[row * batch.ldc..<(row + 1) * batch.ldc])) == nil, "m=\(m) row=\(row)")
        }
    }

    @Test("gemms run inside parallel chunks (nested, so inline) give the same bits as alone")
    func nestedInParallelChunks() {
        let cases = (0..<4).map { GemmCase(m: 150 + $0, n: 70, k: 260, transposeA: $0 & 1 != 0, transposeB: $0 & 2 != 0) }
        let operands = cases.map { GemmOperands<Float>($0) }
        let alone = zip(cases, operands).map { ourGemm($0, $1) }
        var nested = [[Float]](repeating: [], count: cases.count)
        nested.withUnsafeMutableBufferPointer { nested in
            Parallel.forEachChunk(count: cases.count) { i in
                var c = operands[i].c
                let g = cases[i]
                c.withUnsafeMutableBufferPointer { c in
                    Float.gemm(transposeA: g.transposeA, transposeB: g.transposeB, m: g.m, n: g.n, k: g.k,
                               a: operands[i].a, lda: g.lda, b: operands[i].b, ldb: g.ldb,
                               c: c.baseAddress, ldc: g.ldc, accumulate: g.accumulate)
                }
                nested[i] = c
            }
        }
        for i in cases.indices { #expect(firstDifference(nested[i], alone[i]) == nil, "\(cases[i])") }
    }

    @Test("the bit-exact comparison is sensitive: the reference with p reversed differs from gemm")
    func referenceIsSensitive() {
        let g = GemmCase(m: 9, n: 33, k: 64)
        let x = GemmOperands<Float>(g)
        #expect(firstDifference(ourGemm(g, x), referenceGemm(g, x, reversed: true)) != nil)
    }
}
