// Benchmarks/README.md, "The roofline in the same run": the processor's FMA peak, on our own threads.
import Kernels

/// The measured fp32 FMA peak: the best GFLOP/s (2 per lane of a fused multiply-add) of `threads` threads
/// running independent FMA chains on `SIMD16<Float>` registers, through `Parallel.forEachChunk`, so that the
/// threads are those of our kernels' pool and the figure is what our kernels could reach at that thread
/// count. If the pool failed to use its second thread, this figure would not double either.
///
/// Each repetition runs `8 · threads` chunks of `stepsPerChunk` steps (16 chains × 16 lanes each); the
/// result is the best of `repetitions`.
public func peakFMAGigaflops(threads: Int, repetitions: Int = 10, stepsPerChunk: Int = 100_000) -> Double {
    Parallel.withThreadCount(threads) {
        let chunks = 8 * threads
        let sinks = UnsafeMutablePointer<Float>.allocate(capacity: chunks)
        defer { sinks.deallocate() }
        let flops = Double(chunks) * Double(stepsPerChunk) * Double(fmaChains * 16 * 2)
        let repetition = {
            Parallel.forEachChunk(count: chunks) { chunk in sinks[chunk] = runFMAChains(steps: stepsPerChunk, seed: Float(chunk)) }
        }
        // Untimed first, for at least 0.3 s: without it, the 2-thread peak came out at 1.0× the 1-thread peak in
        // 2 of 4 runs on Zen 4 (2026-12-08) while the gemms timed right after scaled 1.9×, as if the pool's
        // worker had not yet got a processor of its own; 6 of 6 runs with it gave 1.97–2.01×.
        let warmUp = ContinuousClock.now
        while ContinuousClock.now - warmUp < .milliseconds(300) { repetition() }
        var best = Double.infinity
        for _ in 0..<repetitions {
            let seconds = measureSeconds(repetition)
            best = min(best, seconds)
        }
        precondition((0..<chunks).allSatisfy { sinks[$0].isFinite }, "peakFMAGigaflops: the chains left the finite range")
        return flops / best * 1e-9
    }
}

/// Independent chains in flight: 16, more than the FMA latency (4 cycles) × throughput (2 per cycle) of every
/// core this project has run on (Zen 4, Zen 5, Emerald Rapids), and as many accumulators as our gemm tile.
let fmaChains = 16

/// `steps` steps of 16 independent chains `c = c · x + y` (x just below 1, so the values stay finite), summed
/// at the end so that no chain is dead code. Never inlined: the loop is compiled once, on its own.
@inline(never)
func runFMAChains(steps: Int, seed: Float) -> Float {
    let x = SIMD16<Float>(repeating: 0.999_999), y = SIMD16<Float>(repeating: 1e-6)
    var c0 = SIMD16<Float>(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5
    var c6 = c0 + 6, c7 = c0 + 7, c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11, c12 = c0 + 12
    var c13 = c0 + 13, c14 = c0 + 14, c15 = c0 + 15
    for _ in 0..<steps {
        c0 = y.addingProduct(c0, x); c1 = y.addingProduct(c1, x); c2 = y.addingProduct(c2, x); c3 = y.addingProduct(c3, x)
        c4 = y.addingProduct(c4, x); c5 = y.addingProduct(c5, x); c6 = y.addingProduct(c6, x); c7 = y.addingProduct(c7, x)
        c8 = y.addingProduct(c8, x); c9 = y.addingProduct(c9, x); c10 = y.addingProduct(c10, x); c11 = y.addingProduct(c11, x)
        c12 = y.addingProduct(c12, x); c13 = y.addingProduct(c13, x); c14 = y.addingProduct(c14, x); c15 = y.addingProduct(c15, x)
    }
    let sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)) + ((c12 + c13) + (c14 + c15))
    return sum.sum()
}

/// Wall-clock seconds that `body` takes.
public func measureSeconds(_ body: () -> Void) -> Double {
    let elapsed = ContinuousClock().measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}
