// Specs/experiments.md, "The experiment runner": runs a plan's runs as child processes, any number of times.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Runs an `ExperimentPlan` in its folder: first the shared starting policy, then every (configuration, seed)
/// run, `jobs` at a time, each a `vapo train` child process of this binary on one thread. Restartable at any
/// moment: a run with `finished.json` is skipped, a stopped run with a checkpoint is continued with
/// `vapo train --resume` (bit for bit), a run stopped before its first checkpoint is started again (its folder,
/// which holds only that run's partial output, is removed first). A line per finished run, with the time left
/// estimated from the runs finished by this command.
struct ExperimentRunner {
    let plan: ExperimentPlan
    let folder: URL
    let jobs: Int

    struct Run {
        let configuration: String
        let seed: UInt64
        let folder: URL
        var finished: URL { folder.appendingPathComponent("finished.json") }
        /// The run's output, beside its folder (a `vapo train` run folder holds only the run's own files).
        var log: URL { folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + ".log") }
        var label: String { "\(configuration) seed \(seed)" }
    }

    var start: URL { folder.appendingPathComponent("start") }
    var policy: URL { start.appendingPathComponent("policy.safetensors") }
    var setUp: URL { folder.appendingPathComponent("set-up.json") }

    /// Every run of the plan, seed by seed, each seed's configurations in order: a partly run experiment has
    /// every configuration on its first seeds rather than some configurations on every seed.
    var runs: [Run] {
        plan.seeds.flatMap { seed in
            plan.configurations.map { configuration in
                Run(configuration: configuration, seed: seed,
                    folder: folder.appendingPathComponent("runs/\(configuration)/seed-\(seed)"))
            }
        }
    }

    /// Runs what is left; throws on the first failed run (its `train.log` named), after the others running
    /// alongside it have finished.
    func run() throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: policy.path) {
            try? manager.removeItem(at: start)  // a starting SFT stopped part-way: only its own output is there
            output("experiment: the starting policy (vapo sft, \(plural(plan.sftSteps, "step")) on \(plan.task))")
            try Self.wait(for: try launch(plan.sftArguments(folder: start.path, threads: jobs), log: folder.appendingPathComponent("start.log")), log: "start.log")
        }
        if let text = plan.setUpConfiguration { try text.write(to: setUp, atomically: true, encoding: .utf8) }
        let left = runs.filter { !manager.fileExists(atPath: $0.finished.path) }
        output("experiment: \(plural(runs.count, "run")), \(runs.count - left.count) finished before, \(left.count) to run, \(jobs) at a time")
        var queue = left[...]
        var running: [(run: Run, process: Process, started: Date)] = []
        var durations: [Double] = []
        var failure: String?
        while (failure == nil && !queue.isEmpty) || !running.isEmpty {
            while running.count < jobs, failure == nil, let next = queue.popFirst() {
                running.append((next, try launch(try arguments(for: next), log: next.log), Date()))
            }
            Thread.sleep(forTimeInterval: 0.2)
            for (index, entry) in running.enumerated().reversed() where !entry.process.isRunning {
                running.remove(at: index)
                ExperimentChildren.forget(entry.process.processIdentifier)
                guard entry.process.terminationStatus == 0 else {
                    failure = failure ?? "experiment: \(entry.run.label) failed (exit \(entry.process.terminationStatus)); its output: \(entry.run.log.path)"
                    continue
                }
                let seconds = Date().timeIntervalSince(entry.started)
                durations.append(seconds)
                try "{\"seconds\": \(String(format: "%.1f", seconds)), \"steps\": \(plan.steps)}\n".write(to: entry.run.finished, atomically: true, encoding: .utf8)
                let done = runs.filter { manager.fileExists(atPath: $0.finished.path) }.count
                let remaining = queue.count + running.count
                let estimate = durations.reduce(0, +) / Double(durations.count) * Double(remaining) / Double(jobs)
                output(String(format: "experiment: %@ finished in %.0f s; %d of %d done", entry.run.label, seconds, done, runs.count)
                    + (remaining == 0 ? "" : ", about \(clockText(estimate)) left"))
            }
        }
        if let failure { throw CommandError(failure) }
    }

    /// `vapo train`'s flags for `run`: a new run, or `--resume` of a stopped one.
    private func arguments(for run: Run) throws -> [String] {
        let manager = FileManager.default
        let contents = (try? manager.contentsOfDirectory(atPath: run.folder.path)) ?? []
        if contents.contains(where: { $0.hasPrefix("checkpoint-step-") && $0.hasSuffix(".safetensors") }) {
            return ["train", "--resume", "--out", run.folder.path, "--threads", "1"]
        }
        if !contents.isEmpty { try manager.removeItem(at: run.folder) }
        return try plan.trainArguments(run.configuration, seed: run.seed, policy: policy.path, folder: run.folder.path, setUp: setUp.path)
    }

    /// Starts this binary with `arguments`, its output appended to `log`.
    private func launch(_ arguments: [String], log: URL) throws -> Process {
        let manager = FileManager.default
        try manager.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !manager.fileExists(atPath: log.path) { manager.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        // A signal between the child's start and `remember` would stop the runner but not this child, which
        // would go on writing into its run folder while a runner started again works there (seen in the
        // stop-and-restart test): the handler defers to `endLaunch`, which stops everything once it is known.
        ExperimentChildren.beginLaunch()
        defer { ExperimentChildren.endLaunch() }
        try process.run()
        ExperimentChildren.remember(process.processIdentifier)
        return process
    }

    private static func wait(for process: Process, log: String) throws {
        process.waitUntilExit()
        ExperimentChildren.forget(process.processIdentifier)
        guard process.terminationStatus == 0 else { throw CommandError("experiment: the starting policy failed (exit \(process.terminationStatus)); its output: \(log)") }
    }

    private func clockText(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// The children running now, so that Ctrl-C or SIGTERM stops them with the runner: their process ids in C
/// memory, which the signal handler reads (it may call nothing but `kill`, `write` and `_exit`).
enum ExperimentChildren {
    private static let capacity = 64
    nonisolated(unsafe) private static let pids: UnsafeMutablePointer<pid_t> = {
        let memory = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        memory.initialize(repeating: 0, count: capacity)
        return memory
    }()

    static func remember(_ pid: pid_t) {
        if let slot = (0..<capacity).first(where: { pids[$0] == 0 }) { pids[slot] = pid }
    }

    static func forget(_ pid: pid_t) {
        for slot in 0..<capacity where pids[slot] == pid { pids[slot] = 0 }
    }

    /// Whether `launch` is between starting a child and remembering its process id.
    private static let launching = Atomic<Bool>(false)
    /// A signal that arrived while `launching` was true (0: none).
    private static let deferredSignal = Atomic<Int32>(0)

    /// Marks the start of a launch: from here until `endLaunch`, a signal is deferred to `endLaunch`.
    static func beginLaunch() { launching.store(true, ordering: .sequentiallyConsistent) }

    /// Ends a launch (the child's process id remembered, or the launch failed); stops the runner now, as the
    /// handler would have, if a signal arrived during it.
    static func endLaunch() {
        launching.store(false, ordering: .sequentiallyConsistent)
        let signal = deferredSignal.load(ordering: .sequentiallyConsistent)
        if signal != 0 { Interruption.stop(signal) }
    }

    /// Called by the signal handler: true if a launch is under way, so that `endLaunch` stops the runner once
    /// the new child is remembered. Each side stores, then loads the other's flag (sequentially consistent), so
    /// at least one of them sees the signal with the child remembered; both stopping is harmless.
    static func deferringToLaunch(_ signal: Int32) -> Bool {
        deferredSignal.store(signal, ordering: .sequentiallyConsistent)
        return launching.load(ordering: .sequentiallyConsistent)
    }

    /// Sends SIGTERM to every child still running and waits for each to end, so that no child writes into a run
    /// folder after the runner has exited (a runner started again right away would find its files). Async-signal-
    /// safe: reads C memory and calls `kill` and `waitpid`.
    static func stopAll() {
        for slot in 0..<capacity where pids[slot] != 0 { kill(pids[slot], SIGTERM) }
        for slot in 0..<capacity where pids[slot] != 0 { _ = waitpid(pids[slot], nil, 0) }
    }
}
