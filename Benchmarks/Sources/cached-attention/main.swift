// One call of the `cachedAttention` kernel (Specs/kernels.md, "Cached attention") as KV-cache sampling makes
// it for the default model (4 heads of 32 features), timed per call, with the caches of several sequences
// in turn so that their bytes come from where they would in sampling (Benchmarks/README.md, "cached-attention").
//
//     cached-attention [--rounds N] [--sequences 1,16,256]
//
// For each sequence count s: one pass stores positions 0..<64 into s caches (all sequences at position 0,
// then all at 1, ...), each store followed by the row's attention; the best of `rounds` passes is reported
// as nanoseconds per call, with the call's FLOPs (2 per multiply-add of the scores and the weighted values
// over the causal positions, as Benchmarks/README.md counts attention) against the 1-thread FMA peak
// measured in the same run, and the bytes of the sequence's cache the call reads (key tiles and values).
// One sequence's cache (64 KiB, more than Zen 4's 32 KiB L1D) is read from L2; 16 fill about 1 MiB (L2); 256
// need 16 MiB (L3 on the processors seen so far), more than a sampling group's own cache (about 5 MiB, L3).

import Foundation
import Kernels
import Roofline

let (heads, headWidth, capacity) = (4, 32, 64)
let width = heads * headWidth
var rounds = 20
var sequenceCounts = [1, 16, 256]
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch (argument, arguments.next()) {
    case ("--rounds", let value?) where Int(value).map({ $0 >= 1 }) == true: rounds = Int(value)!
    case ("--sequences", let value?) where value.split(separator: ",").allSatisfy({ Int($0).map { $0 >= 1 } == true }):
        sequenceCounts = value.split(separator: ",").map { Int($0)! }
    default:
        print("usage: cached-attention [--rounds N≥1] [--sequences 1,16,256]")
        exit(2)
    }
}

Parallel.threadCount = 1
let processor = Processor.current()
let peak = peakFMAGigaflops(threads: 1)
print("Processor: \(processor.summary); 1-thread FMA peak \(fixed(peak, 1)) GFLOP/s")
print()
print("| sequences | caches | ns per call | GFLOP/s | % of FMA peak | KiB read per call | GB/s |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

// Per call at position p (0-based): scores and weighted values over p + 1 positions, every head.
let flopsPerPass = (0..<capacity).reduce(0.0) { $0 + 2.0 * 2.0 * Double(width) * Double($1 + 1) }
let bytesPerPass = (0..<capacity).reduce(0.0) { total, p in
    total + Double(((p / 16 + 1) * 16 + (p + 1)) * width * MemoryLayout<Float>.stride)
}
let region = capacity * width
let query = (0..<(3 * width)).map { Float(($0 * 7919) % 97) / 97 - 0.5 }
var scratch = [Float](repeating: 0, count: heads * capacity)
var output = [Float](repeating: 0, count: width)
for sequences in sequenceCounts {
    let keys = UnsafeMutablePointer<Float>.allocate(capacity: sequences * region)
    let values = UnsafeMutablePointer<Float>.allocate(capacity: sequences * region)
    defer { keys.deallocate(); values.deallocate() }
    var best = Double.infinity
    query.withUnsafeBufferPointer { q in
        let (q, k, v) = (q.baseAddress!, q.baseAddress! + width, q.baseAddress! + 2 * width)
        for _ in 0..<(rounds + 1) {   // the first pass untimed: it touches the pages
            let seconds = measureSeconds {
                for position in 0..<capacity {
                    for s in 0..<sequences {
                        Float.cachedAttention(
                            query: q, key: k, value: v, position: position, cacheKeys: keys + s * region,
                            cacheValues: values + s * region, heads: heads, headWidth: headWidth, scale: 0.17677669,
                            scratch: &scratch, into: &output)
                    }
                }
            }
            best = min(best, seconds / Double(sequences))
        }
    }
    let calls = Double(capacity)
    print("| \(sequences) | \(mebibytes(2 * sequences * region * MemoryLayout<Float>.stride)) | \(fixed(best / calls * 1e9, 0)) "
          + "| \(fixed(flopsPerPass / best / 1e9, 1)) | \(fixed(100 * flopsPerPass / best / 1e9 / peak, 0)) "
          + "| \(fixed(bytesPerPass / calls / 1024, 1)) | \(fixed(bytesPerPass / best / 1e9, 1)) |")
}
