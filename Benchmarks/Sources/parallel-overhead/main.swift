// The fixed cost of one `Parallel.forEachChunk` call with empty chunks, back to back as the layer ops of a
// model issue them: the median over rounds of the mean time per call.
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

print("| threads | chunks | ns per call (median of 21 rounds of 2000 calls) |")
print("| ---: | ---: | ---: |")
for threads in threadCounts {
    Parallel.threadCount = threads
    for chunks in [2, 16] {
        var counter = [Int](repeating: 0, count: chunks)
        var rounds: [Double] = []
        counter.withUnsafeMutableBufferPointer { counter in
            for _ in 0..<21 {
                let start = seconds()
                for _ in 0..<2000 { Parallel.forEachChunk(count: chunks) { counter[$0] &+= 1 } }
                rounds.append((seconds() - start) / 2000)
            }
        }
        print("| \(threads) | \(chunks) | \(Int(rounds.sorted()[10] * 1e9)) |")
    }
}
