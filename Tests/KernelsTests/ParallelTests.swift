import Kernels
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Counts how often each chunk ran; chunks write only their own slot, as the contract asks.
func chunkRuns(count: Int, threads: Int) -> [Int] {
    var runs = [Int](repeating: 0, count: count)
    Parallel.withThreadCount(threads) {
        runs.withUnsafeMutableBufferPointer { runs in
            Parallel.forEachChunk(count: count) { chunk in runs[chunk] += 1 }
        }
    }
    return runs
}

@Suite("Parallel for")
struct ParallelTests {
    @Test("forEachChunk runs every chunk exactly once, for any chunk count and thread count")
    func everyChunkOnce() {
        for threads in [1, 2, 3, 8] {
            for count in [0, 1, 2, 3, 7, 64, 1000] {
                #expect(chunkRuns(count: count, threads: threads) == Array(repeating: 1, count: count),
                        "threads=\(threads) count=\(count)")
            }
        }
    }

    @Test("with threadCount 1 every chunk runs inline on the caller's thread, in increasing order")
    func singleThreadInline() {
        let saved = Parallel.threadCount
        Parallel.threadCount = 1
        defer { Parallel.threadCount = saved }
        let caller = pthread_self()
        var order: [Int] = []
        var onCaller = true
        Parallel.forEachChunk(count: 9) { chunk in
            order.append(chunk)
            onCaller = onCaller && pthread_equal(pthread_self(), caller) != 0
        }
        #expect(order == Array(0..<9))
        #expect(onCaller)
    }

    @Test("nested forEachChunk calls run inline and complete every inner chunk")
    func nested() {
        let (outer, inner) = (6, 5)
        var runs = [Int](repeating: 0, count: outer * inner)
        runs.withUnsafeMutableBufferPointer { runs in
            Parallel.forEachChunk(count: outer) { i in
                Parallel.forEachChunk(count: inner) { j in runs[i * inner + j] += 1 }
            }
        }
        #expect(runs == Array(repeating: 1, count: outer * inner))
    }

    @Test("concurrent callers from several threads all complete every chunk")
    func concurrentCallers() async {
        let totals = await withTaskGroup(of: Int.self) { group in
            for caller in 0..<8 {
                group.addTask { chunkRuns(count: 50 + caller, threads: 2).reduce(0, +) }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(totals.sorted() == (0..<8).map { 50 + $0 })
    }

    @Test("thousands of back-to-back calls on 2 threads, with chunks long enough for the worker to join, all complete")
    func backToBack() {
        Parallel.withThreadCount(2) { backToBackCalls() }
    }

    func backToBackCalls() {
        let values = (0..<4096).map { Float($0 % 7) }
        var sums = [Float](repeating: 0, count: 4)
        var complete = 0
        for call in 0..<5_000 {
            let chunks = 2 + call % 3
            sums.withUnsafeMutableBufferPointer { sums in
                Parallel.forEachChunk(count: chunks) { chunk in sums[chunk] = values.reduce(0, +) }
            }
            complete += sums.prefix(chunks).allSatisfy { $0 == values.reduce(0, +) } ? 1 : 0
            for i in sums.indices { sums[i] = 0 }
        }
        #expect(complete == 5_000)
    }

    @Test("threadCount is clamped to 1...maximumThreadCount")
    func clamping() {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 0
        #expect(Parallel.threadCount == 1)
        Parallel.threadCount = Parallel.maximumThreadCount + 5
        #expect(Parallel.threadCount == Parallel.maximumThreadCount)
    }

    @Test("VAPO_THREADS values: a positive integer is used (capped), anything else falls back to the processor count")
    func environmentValue() {
        let fallback = Parallel.threadCount(environmentValue: nil)
        #expect(fallback >= 1 && fallback <= Parallel.maximumThreadCount)
        #expect(Parallel.threadCount(environmentValue: "1") == 1)
        #expect(Parallel.threadCount(environmentValue: "3") == 3)
        #expect(Parallel.threadCount(environmentValue: "100000") == Parallel.maximumThreadCount)
        for bad in ["0", "-2", "two", ""] { #expect(Parallel.threadCount(environmentValue: bad) == fallback) }
    }
}
