import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A small persistent pool of worker threads behind `Parallel.forEachChunk`.
///
/// One job runs at a time (`busy`). The caller publishes a job under `mutex`, then claims chunks itself
/// alongside the helpers through the atomic `nextChunk` counter. Workers spin for a short while after a job
/// before sleeping on a condition variable, so back-to-back calls (one per layer op) do not pay a
/// wake-up each time. A worker joins a job only under `mutex` and while the job is open, and the caller
/// closes the job and waits for `participants` to drain before returning, so no worker can ever see the
/// closure or counters of a finished job.
///
/// `@unchecked Sendable`: the plain stored properties are written only under `mutex` (job fields) or by
/// the caller holding `busy` before the job is published.
final class WorkerPool: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let jobPublished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let jobFinished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    private let busy = Atomic<Bool>(false)
    private let generation = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    private let chunksDone = Atomic<Int>(0)
    private let participants = Atomic<Int>(0)

    // Guarded by `mutex`.
    private var body: ((Int) -> Void)?
    private var chunkCount = 0
    private var helpers = 0
    private var jobOpen = false
    private var callerSleeping = false
    // Touched only by the caller that holds `busy`.
    private var workerCount = 0

    /// How long an idle worker polls for the next job before sleeping, in nanoseconds.
    private static let spinNanoseconds = 100_000

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(jobPublished, nil)
        pthread_cond_init(jobFinished, nil)
    }

    /// Claims the pool for one job; false if a job is already running (nested or concurrent call).
    func tryBeginJob() -> Bool {
        busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }

    /// Runs `body` for chunks `0..<count` on the caller and up to `helpers` workers; requires `tryBeginJob()`.
    func run(count: Int, helpers: Int, _ body: @escaping (Int) -> Void) {
        while workerCount < helpers { startWorker(index: workerCount); workerCount += 1 }
        nextChunk.store(0, ordering: .relaxed)
        chunksDone.store(0, ordering: .relaxed)
        pthread_mutex_lock(mutex)
        self.body = body
        chunkCount = count
        self.helpers = helpers
        jobOpen = true
        generation.wrappingAdd(1, ordering: .releasing)
        pthread_cond_broadcast(jobPublished)
        pthread_mutex_unlock(mutex)

        work(body, count: count)
        waitUntilAllChunksAreDone(count: count)

        pthread_mutex_lock(mutex)
        jobOpen = false
        self.body = nil
        pthread_mutex_unlock(mutex)
        while participants.load(ordering: .acquiring) != 0 { sched_yield() }
        busy.store(false, ordering: .releasing)
    }

    /// Claims and runs chunks until none is left; wakes the caller when the last one finishes.
    private func work(_ body: (Int) -> Void, count: Int) {
        while true {
            let chunk = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
            if chunk >= count { return }
            body(chunk)
            if chunksDone.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == count {
                pthread_mutex_lock(mutex)
                if callerSleeping { pthread_cond_signal(jobFinished) }
                pthread_mutex_unlock(mutex)
            }
        }
    }

    private func waitUntilAllChunksAreDone(count: Int) {
        for _ in 0..<20_000 {
            if chunksDone.load(ordering: .acquiring) == count { return }
        }
        pthread_mutex_lock(mutex)
        callerSleeping = true
        while chunksDone.load(ordering: .acquiring) != count { pthread_cond_wait(jobFinished, mutex) }
        callerSleeping = false
        pthread_mutex_unlock(mutex)
    }

    /// The worker loop: wait for a newer generation, join it if allowed, run chunks, leave.
    private func workerLoop(index: Int) {
        var seen = 0
        while true {
            waitForGeneration(after: seen)
            let (generation, joined) = joinCurrentJob(index: index)
            if joined { participants.wrappingSubtract(1, ordering: .releasing) }
            seen = generation
        }
    }

    /// Joins the published job if it is open and this worker is among its helpers, and runs chunks until
    /// none is left. Returns the generation seen and whether it joined.
    ///
    /// Never inlined: this frame holds the worker's reference to the job's closure, and that reference must
    /// be gone before `participants` is decremented, because the caller's `withoutActuallyEscaping` traps if
    /// any reference is left once it returns.
    @inline(never)
    private func joinCurrentJob(index: Int) -> (generation: Int, joined: Bool) {
        pthread_mutex_lock(mutex)
        let generation = generation.load(ordering: .acquiring)
        guard jobOpen, index < helpers, let job = body else {
            pthread_mutex_unlock(mutex)
            return (generation, false)
        }
        let count = chunkCount
        participants.wrappingAdd(1, ordering: .relaxed)
        pthread_mutex_unlock(mutex)
        work(job, count: count)
        return (generation, true)
    }

    private func waitForGeneration(after seen: Int) {
        let deadline = monotonicNanoseconds() + Self.spinNanoseconds
        while generation.load(ordering: .acquiring) == seen {
            if monotonicNanoseconds() > deadline {
                pthread_mutex_lock(mutex)
                while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(jobPublished, mutex) }
                pthread_mutex_unlock(mutex)
                return
            }
        }
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
