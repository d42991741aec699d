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
    /// values are clamped to `1...maximumThreadCount`. Inside `withThreadCount(_:_:)`, the scoped value wins.
    public static var threadCount: Int {
        get { scopedThreadCount ?? configuredThreadCount.load(ordering: .relaxed) }
        set { configuredThreadCount.store(clamp(newValue), ordering: .relaxed) }
    }

    /// Runs `body` with `threadCount` equal to `count` (clamped) for the current task and everything it
    /// calls synchronously, leaving the process-wide setting and other tasks alone: tests that compare thread
    /// counts side by side use this, so that concurrently running tests cannot change what they measure.
    public static func withThreadCount<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        try $scopedThreadCount.withValue(clamp(count)) { try body() }
    }

    @TaskLocal private static var scopedThreadCount: Int?

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
    /// calling thread: nesting never deadlocks, and results are the same either way.
    public static func forEachChunk(count: Int, _ body: (Int) -> Void) {
        precondition(count >= 0, "Parallel.forEachChunk: chunk count \(count) is negative")
        let threads = threadCount
        if count <= 1 || threads == 1 || !sharedPool.tryBeginJob() {
            for chunk in 0..<count { body(chunk) }
            return
        }
        withoutActuallyEscaping(body) { body in
            sharedPool.run(count: count, helpers: min(threads, count) - 1, body)
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
