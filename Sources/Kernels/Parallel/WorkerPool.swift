// Specs/kernels.md, "Parallel-for": the persistent pool of worker threads.
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A small persistent pool of worker threads behind `Parallel.forEachChunk`.
///
/// One job runs at a time: bit 0 of `busy` is set while one runs, and the bits above count the callers waiting
/// for the pool (`beginJobWaiting`, for tests); a caller that does not wait only takes the pool when it is free
/// and nobody waits, so waiting callers are not overtaken. The caller writes the job's fields, then publishes it by storing
/// `state = generation << 1 | open`; it claims chunks itself alongside the workers through the atomic
/// `nextChunk` counter. A worker joins by incrementing `participants` and then checking that `state` is still
/// the one it saw; the caller closes the job by clearing the open bit and then waits for `participants` to
/// reach zero. Both sides use sequentially consistent operations, so either the worker sees the job closed
/// and leaves, or the caller sees it and waits: no worker ever reads the fields of a finished job. Idle
/// workers poll `state` for `spinNanoseconds` before sleeping on a condition variable, so back-to-back calls
/// (one per layer op) do not pay a wake-up; the common path takes no lock.
///
/// `@unchecked Sendable`: the plain stored properties are written only by the caller holding `busy`, while
/// no worker participates (before publishing, after closing), and read by workers only while joined.
final class WorkerPool: @unchecked Sendable {
    /// Eight words, to keep atomics that different threads write on different cache lines.
    private typealias CacheLinePadding = (Int, Int, Int, Int, Int, Int, Int, Int)

    private let state = Atomic<Int>(0)
    private let sleepingWorkers = Atomic<Int>(0)
    private var body: ((Int) -> Void)?
    private var chunkCount = 0
    private var helpers = 0
    private let padding0: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
    private let nextChunk = Atomic<Int>(0)
    private let padding1: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
    private let chunksDone = Atomic<Int>(0)
    private let callerSleeping = Atomic<Bool>(false)
    private let padding2: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
    private let participants = Atomic<Int>(0)
    private let padding3: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
    private let busy = Atomic<Int>(0)
    private var generation = 0
    private var workerCount = 0

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let jobPublished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let jobFinished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// How long an idle worker polls for the next job before sleeping, in nanoseconds.
    private static let spinNanoseconds = 100_000

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(jobPublished, nil)
        pthread_cond_init(jobFinished, nil)
    }

    /// Claims the pool for one job; false if a job is already running (nested or concurrent call) or a
    /// caller waits for the pool.
    func tryBeginJob() -> Bool {
        busy.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged
    }

    /// Claims the pool for one job, waiting (yielding the processor) while another caller's job runs. Must
    /// not be called from inside a job of this pool: it would wait for itself.
    func beginJobWaiting() {
        var current = busy.wrappingAdd(2, ordering: .relaxed).newValue
        while true {
            if current & 1 == 0 {
                let (exchanged, found) = busy.compareExchange(expected: current, desired: current - 1, ordering: .acquiring)
                if exchanged { return }
                current = found
            } else {
                sched_yield()
                current = busy.load(ordering: .relaxed)
            }
        }
    }

    /// Runs `body` for chunks `0..<count` on the caller and up to `helpers` workers, and returns how many
    /// chunks the workers ran; requires `tryBeginJob()` or `beginJobWaiting()`. With `firstChunkToAWorker`,
    /// the caller claims no chunk before a worker has claimed one (`helpers` must be positive).
    func run(count: Int, helpers: Int, firstChunkToAWorker: Bool, _ body: @escaping (Int) -> Void) -> Int {
        while workerCount < helpers { startWorker(index: workerCount); workerCount += 1 }
        self.body = body
        chunkCount = count
        self.helpers = helpers
        nextChunk.store(0, ordering: .relaxed)
        chunksDone.store(0, ordering: .relaxed)
        generation += 1
        state.store(generation << 1 | 1, ordering: .sequentiallyConsistent)
        if sleepingWorkers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(jobPublished)
            pthread_mutex_unlock(mutex)
        }

        if firstChunkToAWorker {
            while nextChunk.load(ordering: .relaxed) == 0 { sched_yield() }
        }
        let chunksOnCaller = work(body, count: count)
        waitUntilAllChunksAreDone(count: count)

        state.store(generation << 1, ordering: .sequentiallyConsistent)
        while participants.load(ordering: .sequentiallyConsistent) != 0 { sched_yield() }
        self.body = nil
        busy.wrappingSubtract(1, ordering: .releasing)
        return count - chunksOnCaller
    }

    /// Claims and runs chunks until none is left, and returns how many it ran (a plain local count: free);
    /// wakes the caller if it sleeps when the last one finishes.
    @discardableResult
    private func work(_ body: (Int) -> Void, count: Int) -> Int {
        var ran = 0
        while true {
            let chunk = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
            if chunk >= count { return ran }
            body(chunk)
            ran += 1
            if chunksDone.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue == count,
               callerSleeping.load(ordering: .sequentiallyConsistent) {
                pthread_mutex_lock(mutex)
                pthread_cond_signal(jobFinished)
                pthread_mutex_unlock(mutex)
            }
        }
    }

    private func waitUntilAllChunksAreDone(count: Int) {
        for _ in 0..<20_000 {
            if chunksDone.load(ordering: .acquiring) == count { return }
        }
        pthread_mutex_lock(mutex)
        callerSleeping.store(true, ordering: .sequentiallyConsistent)
        while chunksDone.load(ordering: .sequentiallyConsistent) != count { pthread_cond_wait(jobFinished, mutex) }
        callerSleeping.store(false, ordering: .relaxed)
        pthread_mutex_unlock(mutex)
    }

    /// The worker loop: wait for a newer generation; if it is open, register as a participant, run chunks
    /// if the job is still the one seen, and unregister.
    private func workerLoop(index: Int) {
        var seen = 0
        while true {
            let published = waitForState(after: seen)
            seen = published >> 1
            if published & 1 == 1 {
                participants.wrappingAdd(1, ordering: .sequentiallyConsistent)
                runJobIfStillOpen(published: published, index: index)
                participants.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            }
        }
    }

    /// Runs chunks of the job published as `published` if it is still open and this worker is among its
    /// helpers. The caller is registered in `participants`, so the job's fields cannot change meanwhile.
    ///
    /// Never inlined: this frame holds the worker's reference to the job's closure, and that reference must
    /// be gone before `participants` is decremented, because the caller's `withoutActuallyEscaping` traps if
    /// any reference is left once it returns.
    @inline(never)
    private func runJobIfStillOpen(published: Int, index: Int) {
        guard state.load(ordering: .sequentiallyConsistent) == published, index < helpers, let job = body else { return }
        work(job, count: chunkCount)
    }

    /// The first `state` whose generation differs from `seen`: polled, then slept for.
    private func waitForState(after seen: Int) -> Int {
        let deadline = monotonicNanoseconds() + Self.spinNanoseconds
        while true {
            let current = state.load(ordering: .acquiring)
            if current >> 1 != seen { return current }
            if monotonicNanoseconds() > deadline { break }
        }
        pthread_mutex_lock(mutex)
        sleepingWorkers.wrappingAdd(1, ordering: .sequentiallyConsistent)
        var current = state.load(ordering: .sequentiallyConsistent)
        while current >> 1 == seen {
            pthread_cond_wait(jobPublished, mutex)
            current = state.load(ordering: .sequentiallyConsistent)
        }
        sleepingWorkers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
        return current
    }

    private func startWorker(index: Int) {
        let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
            context.pool.workerLoop(index: context.index)
            return nil
        }, context)
        precondition(status == 0, "Parallel: pthread_create failed with status \(status)")
        pthread_detach(thread)
    }
}

private final class WorkerContext: Sendable {
    let pool: WorkerPool
    let index: Int
    init(pool: WorkerPool, index: Int) { self.pool = pool; self.index = index }
}

private func monotonicNanoseconds() -> Int {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return time.tv_sec * 1_000_000_000 + time.tv_nsec
}
