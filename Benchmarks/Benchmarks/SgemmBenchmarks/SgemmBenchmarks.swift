import Benchmark
import Kernels

/// Our sgemm on the square and model shapes of `sgemm-compare`, NN form, at the configured thread count
/// (`VAPO_THREADS`). Throughput is reported as multiply-adds per second via the scaled counter.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput], scalingFactor: .one,
                                           maxDuration: .seconds(2), maxIterations: 200)
    for (m, n, k) in [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024),
                      (4096, 384, 128), (4096, 512, 128), (4096, 128, 512)] {
        Benchmark("sgemm NN \(m)x\(k)·\(k)x\(n)") { benchmark in
            let a = [Float](repeating: 0.5, count: m * k)
            let b = [Float](repeating: 0.25, count: k * n)
            var c = [Float](repeating: 0, count: m * n)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                c.withUnsafeMutableBufferPointer { c in
                    Float.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k,
                               a: a, lda: k, b: b, ldb: n, c: c.baseAddress, ldc: n, accumulate: false)
                }
            }
            benchmark.stopMeasurement()
            blackHole(c)
        }
    }
}
