import Foundation
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

/// What the job holding the pool tells the test: that it holds it, that its long chunk is done, and that its
/// thread has finished.
final class HolderFlags: Sendable {
    let holding = Atomic<Bool>(false)
    let done = Atomic<Bool>(false)
    let finished = Atomic<Bool>(false)
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
        let caller = pthread_self()
        var order: [Int] = []
        var onCaller = true
        Parallel.withThreadCount(1) {
            Parallel.forEachChunk(count: 9) { chunk in
                order.append(chunk)
                onCaller = onCaller && pthread_equal(pthread_self(), caller) != 0
            }
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
        #expect(Parallel.withThreadCount(0) { Parallel.threadCount } == 1)
        #expect(Parallel.withThreadCount(Parallel.maximumThreadCount + 5) { Parallel.threadCount } == Parallel.maximumThreadCount)
        #expect(Parallel.observingWorkers(threadCount: 0) { Parallel.threadCount }.result == 1)
    }

    @Test("observingWorkers counts the chunks that pool workers ran for the calls inside it: on 2 threads at least the first chunk of each call, on 1 none")
    func observedChunks() {
        for threads in [1, 2] {
            let (runs, offCaller) = Parallel.observingWorkers(threadCount: threads) {
                (0..<200).map { _ in chunkRuns(count: 4, threads: threads) }
            }
            #expect(runs.allSatisfy { $0 == [1, 1, 1, 1] })
            #expect(threads == 1 ? offCaller == 0 : (200...800).contains(offCaller), "\(offCaller) chunks off the caller on \(threads) thread(s)")
        }
    }

    @Test("inside observingWorkers, a call that finds the pool running another caller's job waits for it, then runs on 2 threads")
    func observedCallsWaitForThePool() {
        let flags = HolderFlags()
        // Holds the pool, its first chunk running for 100 ms; on a thread of its own, not a task, so that it
        // starts at once and this test's call certainly comes while it holds the pool.
        Thread {
            _ = Parallel.observingWorkers(threadCount: 2) {
                Parallel.forEachChunk(count: 2) { chunk in
                    guard chunk == 0 else { return }
                    flags.holding.store(true, ordering: .sequentiallyConsistent)
                    usleep(100_000)
                    flags.done.store(true, ordering: .sequentiallyConsistent)
                }
            }
            flags.finished.store(true, ordering: .sequentiallyConsistent)
        }.start()
        while !flags.holding.load(ordering: .sequentiallyConsistent) { sched_yield() }
        let (afterHolder, offCaller) = Parallel.observingWorkers(threadCount: 2) {
            let afterHolder = Atomic<Int>(0)
            Parallel.forEachChunk(count: 64) { _ in
                if flags.done.load(ordering: .sequentiallyConsistent) { afterHolder.wrappingAdd(1, ordering: .relaxed) }
            }
            return afterHolder.load(ordering: .relaxed)
        }
        while !flags.finished.load(ordering: .sequentiallyConsistent) { sched_yield() }
        #expect(afterHolder == 64, "chunks run after the other job")
        #expect(offCaller > 0, "chunks off the caller")
    }

    @Test("inside observingWorkers, a forEachChunk nested in a chunk that the caller's thread runs does not wait for the pool that its own job holds: it runs inline and completes every inner chunk")
    func nestedObserved() {
        let inner = 5
        let caller = pthread_self()
        let chunkOneDone = Atomic<Bool>(false)
        var runs = [Int](repeating: 0, count: 2 * inner)
        var innerOnCaller = true
        let offCaller = runs.withUnsafeMutableBufferPointer { runs in
            Parallel.observingWorkers(threadCount: 2) {
                Parallel.forEachChunk(count: 2) { i in
                    // Chunk 0 goes to the worker and waits for chunk 1, which the caller's thread therefore runs.
                    if i == 0 { while !chunkOneDone.load(ordering: .acquiring) { sched_yield() } }
                    Parallel.forEachChunk(count: inner) { j in
                        runs[i * inner + j] += 1
                        if i == 1 { innerOnCaller = innerOnCaller && pthread_equal(pthread_self(), caller) != 0 }
                    }
                    if i == 1 { chunkOneDone.store(true, ordering: .releasing) }
                }
            }.chunksOffCaller
        }
        #expect(runs == Array(repeating: 1, count: 2 * inner))
        #expect(innerOnCaller)
        #expect(offCaller == 1)
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
