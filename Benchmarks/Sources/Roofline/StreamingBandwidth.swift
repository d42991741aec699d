// Benchmarks/README.md, "The roofline in the same run": the bandwidth of a streaming read, on our own threads.
import Kernels

/// The best GB/s (10⁹ bytes) of `threads` threads reading a buffer of `bytes` bytes from start to end, split
/// into 256 KiB ranges by `Parallel.forEachRange` (our kernels' split and pool). The buffer is written once
/// first (so its pages exist) and then read `repetitions` times; a buffer larger than the last-level cache
/// measures memory, one of the KV cache's size measures whatever level holds a cache of that size.
public func streamingReadGigabytesPerSecond(bytes: Int, threads: Int, repetitions: Int = 5) -> Double {
    let count = max(bytes / 4 / 16, 1) * 16
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 1, count: count)
    let grain = 64 * 1024  // 256 KiB of Float per range
    let ranges = (count + grain - 1) / grain
    let sums = UnsafeMutablePointer<Float>.allocate(capacity: ranges)
    defer { sums.deallocate() }
    return Parallel.withThreadCount(threads) {
        var best = Double.infinity
        for _ in 0..<repetitions {
            let seconds = measureSeconds {
                Parallel.forEachRange(count, grain: grain) { range in sums[range.lowerBound / grain] = sumOfRange(buffer, range) }
            }
            best = min(best, seconds)
        }
        precondition(sums[0] == Float(min(grain, count)), "streamingReadGigabytesPerSecond: the read sum is wrong")
        return Double(count * 4) / best * 1e-9
    }
}

/// The sum of `buffer[range]` (whole SIMD16 vectors: ranges start and end at multiples of 16) in 8
/// independent accumulators, so that the loads, not the additions, set the pace.
@inline(never)
func sumOfRange(_ buffer: UnsafeMutablePointer<Float>, _ range: Range<Int>) -> Float {
    var a0 = SIMD16<Float>(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
    var i = range.lowerBound
    while i + 128 <= range.upperBound {
        a0 += vector(buffer, i); a1 += vector(buffer, i + 16); a2 += vector(buffer, i + 32); a3 += vector(buffer, i + 48)
        a4 += vector(buffer, i + 64); a5 += vector(buffer, i + 80); a6 += vector(buffer, i + 96); a7 += vector(buffer, i + 112)
        i += 128
    }
    while i < range.upperBound { a0 += vector(buffer, i); i += 16 }
    return (((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))).sum()
}

/// The 16 Floats at `buffer + offset`.
@inline(__always)
private func vector(_ buffer: UnsafeMutablePointer<Float>, _ offset: Int) -> SIMD16<Float> {
    UnsafeRawPointer(buffer + offset).loadUnaligned(as: SIMD16<Float>.self)
}
