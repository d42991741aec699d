import Kernels
import Testing

/// Every kernel, run on the same inputs with 1 and with 2 threads, twice each: the output bits never change. The
/// 2-thread runs count the chunks a pool worker ran, so that they cannot silently have run on one thread.
/// (Gemm, the elementwise and row-wise kernels, layer norm, column sums and attention split their work.)
@Suite("Determinism across thread counts")
struct ThreadDeterminismTests {
    static func input(_ count: Int, salt: UInt64) -> [Float] {
        var stream = RandomStream(seed: 7, name: "determinism").child(Int(salt))
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { stream.fillNormal($0.baseAddress!, count: count) }
        return values
    }

    /// The bit patterns of everything each kernel writes, for the current thread count.
    static func allKernelOutputs() -> [[UInt32]] {
        // Large enough that elementwise kernels (16 Ki elements per chunk) and row kernels split into chunks.
        let (rows, cols) = (300, 130)
        let x = input(rows * cols, salt: 1), g = input(rows * cols, salt: 2)
        let gamma = input(cols, salt: 4), beta = input(cols, salt: 5)
        var outputs: [[Float]] = []
        func run(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
            var out = [Float](repeating: 0.25, count: count)
            out.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
            outputs.append(out)
        }
        // Large enough for several row chunks, several packing chunks and two k-blocks.
        let (m, n, depth) = (300, 75, 270)
        let a = input(m * depth, salt: 6), b = input(depth * n, salt: 7)
        for (ta, tb) in [(false, false), (true, false), (false, true)] {
            run(m * n) {
                Float.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: depth, a: a, lda: ta ? m : depth,
                           b: b, ldb: tb ? depth : n, c: $0, ldc: n, accumulate: true)
            }
        }
        run(rows * cols) { Float.softmax(x, rows: rows, cols: cols, into: $0) }
        run(rows * cols) { Float.logSoftmax(x, rows: rows, cols: cols, into: $0) }
        run(rows * cols) { Float.softmaxBackward(x, g, rows: rows, cols: cols, accumulatingInto: $0) }
        var mean = [Float](repeating: 0, count: rows), rstd = mean
        run(rows * cols) { Float.layerNorm(x, gamma: gamma, beta: beta, rows: rows, cols: cols, epsilon: 1e-5, into: $0, mean: &mean, rstd: &rstd) }
        var gGamma = [Float](repeating: 0, count: cols), gBeta = gGamma
        run(rows * cols) {
            Float.layerNormBackward(x, gamma: gamma, mean: mean, rstd: rstd, g, rows: rows, cols: cols,
                                    accumulatingInto: $0, gammaGradient: &gGamma, betaGradient: &gBeta)
        }
        outputs += [gGamma, gBeta]
        run(cols) { Float.sum(x, outer: 1, axis: rows, inner: cols, into: $0) }
        run(rows) { Float.sum(x, outer: rows, axis: cols, inner: 1, into: $0) }
        run(rows) { Float.max(x, outer: rows, axis: cols, inner: 1, into: $0, argmax: nil) }
        run(rows * cols) { Float.gelu(x, count: rows * cols, into: $0) }
        run(rows * cols) { Float.geluBackward(x, g, count: rows * cols, into: $0, accumulate: true) }
        run(rows * cols) { Float.geluBackward(x, g, count: rows * cols, into: $0, accumulate: false) }
        for function in UnaryFunction.allCases {
            run(rows * cols) { Float.map(function, x.map { abs($0) + 0.01 }, count: rows * cols, into: $0) }
        }
        run(rows * cols) { $0.update(from: x, count: rows * cols); Float.addToRows(gamma, rows: rows, cols: cols, into: $0) }
        run(cols) { Float.accumulateColumnSums(x, rows: rows, cols: cols, into: $0) }
        let indices = (0..<rows).map { ($0 * 7) % 40 }
        run(40 * cols) { Float.scatterAddRows(g, rowLength: cols, indices: indices, count: rows, into: $0) }
        // Causal attention: 3 sequences × 2 heads of width 20, length 37 (several chunks, partial vectors).
        let (batch, length, heads, headWidth) = (3, 37, 2, 20)
        let qkv = input(batch * length * 3 * heads * headWidth, salt: 8)
        let gOutput = input(batch * length * heads * headWidth, salt: 9)
        var probabilities = [Float](repeating: 0, count: batch * heads * length * length)
        run(batch * length * heads * headWidth) {
            Float.causalAttention(qkv: qkv, batch: batch, length: length, heads: heads, headWidth: headWidth, scale: 0.25,
                                  into: $0, probabilities: &probabilities)
        }
        outputs.append(probabilities)
        run(qkv.count) {
            Float.causalAttentionBackward(qkv: qkv, probabilities: probabilities, outputGradient: gOutput, batch: batch,
                                          length: length, heads: heads, headWidth: headWidth, scale: 0.25, into: $0, accumulate: true)
        }
        var parameters = x, moment1 = g, moment2 = g.map { $0 * $0 }
        Float.adamWUpdate(parameters: &parameters, gradients: g, firstMoment: &moment1, secondMoment: &moment2, count: x.count,
                          decayFactor: 0.999, beta1: 0.9, beta2: 0.95, stepSize: 1e-3, rsqrtCorrection2: 3, epsilon: 1e-8)
        outputs += [parameters, moment1, moment2]
        return outputs.map { $0.map(\.bitPattern) }
    }

    @Test("every kernel gives the same bits with 1 and 2 threads and on repeated runs, and a pool worker runs chunks of each 2-thread run")
    func sameBits() {
        let reference = Parallel.withThreadCount(1) { Self.allKernelOutputs() }
        for threads in [2, 1, 2] {
            let (outputs, chunksOffCaller) = Parallel.observingWorkers(threadCount: threads) { Self.allKernelOutputs() }
            #expect((chunksOffCaller > 0) == (threads == 2), "\(chunksOffCaller) chunks off the caller with \(threads) thread(s)")
            #expect(outputs.count == reference.count)
            for (i, (got, want)) in zip(outputs, reference).enumerated() {
                #expect(got == want, "kernel output \(i) differs with \(threads) thread(s)")
            }
        }
    }
}
