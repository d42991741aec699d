// The fixed cost of `Parallel.forEachChunk`, called back to back as a model's layer ops call it: empty
// chunks (pure overhead), and 2 chunks of about 10 µs of work each (how much of the ideal 2x a short op
// gets). Each figure is the median over 21 rounds of the mean time per call.
//
//     swift run -c release parallel-overhead [--threads 1,2]

import Glibc
import Kernels

var threadCounts = [1, 2]
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--threads" {
    threadCounts = CommandLine.arguments[2].split(separator: ",").compactMap { Int($0) }
}

func seconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Median over rounds of the mean nanoseconds per call of `forEachChunk(count: chunks)` running `work`.
func nanosecondsPerCall(chunks: Int, calls: Int, _ work: (Int) -> Void) -> Int {
    var rounds: [Double] = []
    for _ in 0..<21 {
        let start = seconds()
        for _ in 0..<calls { Parallel.forEachChunk(count: chunks, work) }
        rounds.append((seconds() - start) / Double(calls))
    }
    return Int(rounds.sorted()[10] * 1e9)
}

let values = (0..<12_000).map { Float($0 % 5) }
var slots = [Float](repeating: 0, count: 16)
print("| threads | chunks | work per chunk | ns per call |")
print("| ---: | ---: | --- | ---: |")
for threads in threadCounts {
    Parallel.threadCount = threads
    slots.withUnsafeMutableBufferPointer { slots in
        for chunks in [2, 16] {
            let time = nanosecondsPerCall(chunks: chunks, calls: 2000) { slots[$0] += 1 }
            print("| \(threads) | \(chunks) | none | \(time) |")
        }
        // A sequential sum is latency-bound: 12000 dependent adds of 3 cycles, about 10 µs at 3.6 GHz.
        let time = nanosecondsPerCall(chunks: 2, calls: 200) { slots[$0] = values.reduce(0, +) }
        print("| \(threads) | 2 | 12000 dependent adds (~10 µs) | \(time) |")
    }
}
