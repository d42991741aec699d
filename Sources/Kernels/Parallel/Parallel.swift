// Specs/kernels.md, "Parallel-for".
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The deterministic parallel-for that every kernel uses.
///
/// Work is described as `count` chunks, and the CALLER derives `count` from the problem's shape, never from
/// the number of threads. Each chunk must write its own disjoint part of the output and reduce in a fixed
/// order inside itself, so which thread runs a chunk, and when, cannot change a single bit of the result:
/// the thread count is configuration, not semantics.
public enum Parallel {
    /// How many threads `forEachChunk` uses, the caller's thread included; `1` runs every chunk inline on the
    /// caller's thread.
    ///
    /// Read once at start from the environment variable `VAPO_THREADS` (a positive integer); without it, the
    /// number of active processors, capped at `maximumThreadCount`. Setting it takes effect at the next call;
    /// values are clamped to `1...maximumThreadCount`. Inside `withThreadCount(_:_:)` or
    /// `observingWorkers(threadCount:_:)`, the scoped value wins.
    public static var threadCount: Int {
        get { scope?.threadCount ?? configuredThreadCount.load(ordering: .relaxed) }
        set { configuredThreadCount.store(clamp(newValue), ordering: .relaxed) }
    }

    /// Runs `body` with `threadCount` equal to `count` (clamped) for the current task and everything it
    /// calls synchronously, leaving the process-wide setting and other tasks alone: tests that compare thread
    /// counts side by side use this, so that concurrently running tests cannot change what they measure, and
    /// so do the command-line tool's commands, which tests run in-process. Inside `observingWorkers`, the
    /// observation goes on.
    public static func withThreadCount<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        try $scope.withValue(Scope(threadCount: clamp(count), observer: scope?.observer)) { try body() }
    }

    /// Runs `body` with `threadCount` equal to `count` (clamped) for the current task, as `withThreadCount`
    /// does, and returns with its result how many chunks of the `forEachChunk` calls that `body` makes ran on
    /// a pool worker instead of the calling thread.
    ///
    /// A test of "the same bits on 1 and 2 threads" asserts that this count is positive on its 2-thread side;
    /// otherwise it may have compared one thread with one thread. Two things make the count this test's own
    /// and the 2 threads real while other tests run concurrently: the count is carried by the task, so other
    /// callers' jobs never add to it; and a call that finds the pool running another caller's job waits for
    /// the pool instead of running inline (production callers never wait), then leaves the job's first chunk
    /// to a pool worker, so that every job of 2 chunks or more counts, however late the worker wakes. A call
    /// from inside one of the observed jobs' chunks does not wait — it runs inline as always, so nesting never
    /// deadlocks. Results are the same bits as anywhere else: only which thread runs a chunk changes.
    public static func observingWorkers<R>(
        threadCount count: Int, _ body: () throws -> R
    ) rethrows -> (result: R, chunksOffCaller: Int) {
        let observer = WorkerObserver()
        let result = try $scope.withValue(Scope(threadCount: clamp(count), observer: observer)) { try body() }
        return (result, observer.chunksOffCaller.load(ordering: .relaxed))
    }

    /// The task's thread count and observer; nil outside any scope. One task-local, so that `forEachChunk`
    /// looks up one value per call.
    private struct Scope: Sendable {
        var threadCount: Int
        var observer: WorkerObserver?
    }

    @TaskLocal private static var scope: Scope?

    /// Chunks run off the caller for the jobs of one `observingWorkers` scope; atomic because the scope's
    /// child tasks share it.
    private final class WorkerObserver: Sendable {
        let chunksOffCaller = Atomic<Int>(0)
    }

    private static func clamp(_ count: Int) -> Int { min(max(count, 1), maximumThreadCount) }

    /// The largest thread count accepted; more threads than this only add synchronisation cost for the
    /// problem sizes of this project.
    public static let maximumThreadCount = 64

    /// Runs `body(chunk)` once for every `chunk` in `0..<count`, spread over `threadCount` threads, and
    /// returns when all have finished.
    ///
    /// Chunks run in no particular order and possibly at the same time, so `body` must only write memory
    /// that no other chunk reads or writes. A call made while another `forEachChunk` is running (from
    /// inside a chunk, or from an unrelated thread) runs its chunks inline, in increasing order, on the
    /// calling thread: nesting never deadlocks, and results are the same either way. (Inside
    /// `observingWorkers`, a call from an unrelated thread's job waits for the pool instead.)
    public static func forEachChunk(count: Int, _ body: (Int) -> Void) {
        precondition(count >= 0, "Parallel.forEachChunk: chunk count \(count) is negative")
        let scope = scope
        let threads = scope?.threadCount ?? configuredThreadCount.load(ordering: .relaxed)
        if count <= 1 || threads == 1 {
            for chunk in 0..<count { body(chunk) }
            return
        }
        let helpers = min(threads, count) - 1
        if let observer = scope?.observer {
            sharedPool.beginJobWaiting()
            // Calls from this job's chunks on this thread see no observer, so they run inline, not wait for
            // the pool this job holds.
            let offCaller = $scope.withValue(Scope(threadCount: threads, observer: nil)) {
                withoutActuallyEscaping(body) { body in
                    sharedPool.run(count: count, helpers: helpers, firstChunkToAWorker: true, body)
                }
            }
            observer.chunksOffCaller.wrappingAdd(offCaller, ordering: .relaxed)
            return
        }
        if !sharedPool.tryBeginJob() {
            for chunk in 0..<count { body(chunk) }
            return
        }
        withoutActuallyEscaping(body) { body in
            _ = sharedPool.run(count: count, helpers: helpers, firstChunkToAWorker: false, body)
        }
    }

    /// The thread count that a `VAPO_THREADS` value asks for: a positive integer (capped at
    /// `maximumThreadCount`); nil or anything else means the number of active processors, capped.
    public static func threadCount(environmentValue: String?) -> Int {
        if let environmentValue, let value = Int(environmentValue), value >= 1 {
            return min(value, maximumThreadCount)
        }
        return min(max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1), maximumThreadCount)
    }
}

private let configuredThreadCount = Atomic<Int>(
    Parallel.threadCount(environmentValue: getenv("VAPO_THREADS").map { String(cString: $0) }))
private let sharedPool = WorkerPool()
