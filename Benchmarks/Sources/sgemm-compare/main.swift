// Our sgemm and OpenBLAS `cblas_sgemm` side by side, in one process, on the same operands.
//
// For every shape, form (NN, TN = Aᵀ·B with A stored k×m, NT = A·Bᵀ with B stored n×k) and thread count,
// the two libraries are timed alternately (so that they share the machine's noise) after a warm-up, and the
// best of the repetitions is reported. Prints a Markdown table.
//
//     swift run -c release sgemm-compare [--repetitions N] [--threads 1,2] [--thread-cpu-time]

import CBLAS
import Glibc
import Kernels

struct Shape { let name: String, m: Int, n: Int, k: Int }
enum Form: String, CaseIterable { case NN, TN, NT }

let shapes = [
    Shape(name: "256³", m: 256, n: 256, k: 256),
    Shape(name: "512³", m: 512, n: 512, k: 512),
    Shape(name: "1024³", m: 1024, n: 1024, k: 1024),
    Shape(name: "4096×128·128×384", m: 4096, n: 384, k: 128),
    Shape(name: "4096×128·128×512", m: 4096, n: 512, k: 128),
    Shape(name: "4096×512·512×128", m: 4096, n: 128, k: 512),
]

var repetitions = 15
var threadCounts = [1, 2]
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--repetitions": repetitions = Int(arguments.next() ?? "") ?? repetitions
    case "--thread-cpu-time": clock = CLOCK_THREAD_CPUTIME_ID
    case "--threads": threadCounts = (arguments.next() ?? "").split(separator: ",").compactMap { Int($0) }
    default: print("usage: sgemm-compare [--repetitions N] [--threads 1,2] [--thread-cpu-time]"); exit(2)
    }
}

/// `value` with `digits` decimals (no Foundation needed).
func fixed(_ value: Double, _ digits: Int) -> String {
    let scale = (0..<digits).reduce(1.0) { r, _ in r * 10 }
    let scaled = Int((value * scale).rounded())
    let (whole, fraction) = scaled.quotientAndRemainder(dividingBy: Int(scale))
    return digits == 0 ? "\(whole)" : "\(whole)." + String(String(fraction + Int(scale)).dropFirst())
}

nonisolated(unsafe) var clock = CLOCK_MONOTONIC

/// Wall-clock seconds, or with `--thread-cpu-time` the calling thread's CPU seconds (for single-thread tuning
/// on a busy machine: time spent descheduled does not count).
func seconds() -> Double {
    var time = timespec()
    clock_gettime(clock, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Deterministic operands in [-1, 1).
func randomMatrix(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int32(truncatingIfNeeded: state >> 32)) / Float(1 << 31)
    }
}

/// Best time of one call, over `repetitions` rounds that each run both libraries `inner` times.
func measure(repetitions: Int, inner: Int, _ ours: () -> Void, _ blas: () -> Void) -> (ours: Double, blas: Double) {
    ours(); blas(); ours(); blas()
    var best = (ours: Double.infinity, blas: Double.infinity)
    for round in 0..<repetitions {
        // Alternate which library goes first, so neither always follows the other's cache state.
        for which in (round % 2 == 0 ? [0, 1] : [1, 0]) {
            let start = seconds()
            for _ in 0..<inner { if which == 0 { ours() } else { blas() } }
            let time = (seconds() - start) / Double(inner)
            if which == 0 { best.ours = min(best.ours, time) } else { best.blas = min(best.blas, time) }
        }
    }
    return best
}

print("| shape (m×k · k×n) | form | threads | ours GFLOP/s | OpenBLAS GFLOP/s | ours/BLAS | ours 2t/1t |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
var worstRatio = Double.infinity
for shape in shapes {
    let (m, n, k) = (shape.m, shape.n, shape.k)
    let flops = 2.0 * Double(m) * Double(n) * Double(k)
    let inner = max(1, Int(4e8 / flops))
    let a = randomMatrix(m * k, seed: 1), b = randomMatrix(k * n, seed: 2)
    for form in Form.allCases {
        let transposeA = form == .TN, transposeB = form == .NT
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        var ours = [Float](repeating: 0, count: m * n), reference = ours
        var singleThread = 0.0
        var firstResult: [Float]?
        for threads in threadCounts {
            Parallel.threadCount = threads
            openblas_set_num_threads(Int32(threads))
            let time = ours.withUnsafeMutableBufferPointer { c in
                reference.withUnsafeMutableBufferPointer { r in
                    measure(repetitions: repetitions, inner: inner, {
                        Float.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                   a: a, lda: lda, b: b, ldb: ldb, c: c.baseAddress, ldc: n, accumulate: false)
                    }, {
                        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                                    transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k),
                                    1, a, Int32(lda), b, Int32(ldb), 0, r.baseAddress, Int32(n))
                    })
                }
            }
            // Sanity: same products as BLAS up to rounding, and the same bits at every thread count.
            let error = zip(ours, reference).map { abs($0 - $1) }.max() ?? 0
            precondition(error <= 1e-3 * Float(k).squareRoot(), "\(shape.name) \(form): differs from BLAS by \(error)")
            if let firstResult { precondition(firstResult == ours, "\(shape.name) \(form): bits depend on threads") }
            firstResult = ours
            let oursRate = flops / time.ours * 1e-9, blasRate = flops / time.blas * 1e-9
            if threads == 1 { singleThread = oursRate; worstRatio = min(worstRatio, oursRate / blasRate) }
            let speedUp = threads > 1 && singleThread > 0 ? fixed(oursRate / singleThread, 2) : ""
            let ratio = fixed(oursRate / blasRate, 2)
            print("| \(shape.name) | \(form) | \(threads) | \(fixed(oursRate, 1)) | \(fixed(blasRate, 1)) | \(ratio) | \(speedUp) |")
        }
    }
}
if threadCounts.contains(1) { print("\nworst single-thread ratio ours/BLAS: \(fixed(worstRatio, 2))") }
