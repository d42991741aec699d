// Specs/vapo.md, "The critic probe": `vapo probe-critic`.
import ArgumentParser
import Checkpoints
import Foundation
import Kernels
import Tasks
import Training
import VAPO

/// `vapo probe-critic`: the critic of a `vapo train` checkpoint measured against Monte-Carlo values of its
/// policy (`CriticProbe`, Specs/vapo.md "The critic probe").
struct ProbeCriticCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-critic",
        abstract: "Measure a vapo train checkpoint's critic against Monte-Carlo values of its policy.",
        discussion: """
            The policy answers --problems held-out problems of the checkpoint's task (at its difficulties, \
            temperature, top-p and response limit); at --prefixes positions of each response (--all-prefixes: \
            every one), V_MC is the mean score of --continuations responses the policy completes from that \
            prefix. The table gives, overall and by response position, the explained variance of the critic \
            against V_MC and against the returns (beside the ceiling, V_MC against the returns), the mean \
            absolute error, the correlation and the bias V − V_MC; then the value drop at each response's first \
            departure from the teacher response, for the critic and for V_MC. Progress goes to standard error. \
            The same flags give the same report with any --threads. vapo train --steps 0 writes a checkpoint \
            of the critic right after its set-up (reward model, Value-Pretraining).
            """)

    @Option(help: "A vapo train checkpoint (checkpoint-step-N.safetensors) with a critic.") var checkpoint: String
    @Option(parsing: .unconditional, help: "Held-out problems, one response each (1...100000).") var problems = CriticProbeOptions().problems
    @Option(parsing: .unconditional, help: "Continuations K per probed prefix (1...100000).") var continuations = CriticProbeOptions().continuations
    @Option(parsing: .unconditional, help: "Response positions probed per response (1...100000). (default: 8; not with --all-prefixes)") var prefixes: Int?
    @Flag(help: "Probe every response position.") var allPrefixes = false
    @Flag(help: "Leave out the value drop at the first departure from the teacher response.") var noFirstError = false
    @Option(parsing: .unconditional, help: "Seed of the held-out problems and of every draw.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: threadsHelp) var threads: Int?
    @Flag(help: "Print the report as one JSON object.") var json = false
    @Flag(help: "With --json, include every response and every probed prefix.") var records = false

    func validate() throws {
        guard !checkpoint.isEmpty else { throw CommandError("--checkpoint is empty; allowed: a checkpoint file written by vapo train") }
        let range = 1...CriticProbeOptions.maximumCount
        guard range.contains(problems) else { throw CommandError("--problems is \(problems); allowed: 1...\(CriticProbeOptions.maximumCount)") }
        guard range.contains(continuations) else {
            throw CommandError("--continuations is \(continuations); allowed: 1...\(CriticProbeOptions.maximumCount)")
        }
        let most = CriticProbeOptions.maximumSequencesPerCall
        guard problems * continuations <= most else {
            throw CommandError(
                "--continuations is \(continuations); allowed: 1...\(most / problems) (--problems × --continuations, the sequences of one sampling call, at most \(most))")
        }
        if let prefixes {
            guard range.contains(prefixes) else { throw CommandError("--prefixes is \(prefixes); allowed: 1...\(CriticProbeOptions.maximumCount)") }
            if allPrefixes { throw CommandError("--prefixes and --all-prefixes were both given; allowed: one of them") }
        }
        if records && !json { throw CommandError("--records was given without --json; allowed: --records with --json") }
        if let threads, !(1...Parallel.maximumThreadCount).contains(threads) {
            throw CommandError("--threads is \(threads); allowed: 1...\(Parallel.maximumThreadCount)")
        }
    }

    /// The probe's settings from the flags.
    var options: CriticProbeOptions {
        CriticProbeOptions(
            problems: problems, continuations: continuations,
            prefixesPerResponse: allPrefixes ? nil : (prefixes ?? CriticProbeOptions().prefixesPerResponse), seed: seed,
            firstError: !noFirstError)
    }

    func run() throws {
        for line in try lines() { print(line) }
    }

    /// The report's lines (one JSON object with `--json`); progress lines go to standard error.
    func lines() throws -> [String] {
        try onThreads(threads) { try linesOnThreads() }
    }

    /// The lines, on the threads asked for.
    private func linesOnThreads() throws -> [String] {
        let (models, task) = try Self.read(checkpoint)
        guard let critic = models.critic else {
            throw CommandError(
                "--checkpoint: \(checkpoint) has no critic (algorithm \(models.configuration.algorithm.rawValue), step \(models.step)); "
                    + "allowed: a checkpoint of vapo or ppo written after the critic's set-up (vapo train --steps 0 writes one)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        var shown = -1.0
        let report: CriticProbeReport
        do {
            report = try CriticProbe.measure(
                policy: models.policy, critic: critic, task: task, configuration: models.configuration, options: options
            ) { p in
                let elapsed = seconds(start.duration(to: clock.now))
                guard p.done == p.total || elapsed - shown >= 5 else { return }
                shown = elapsed
                let line = p.phase == .responses
                    ? "probe-critic: \(p.total) responses sampled"
                    : "probe-critic: \(p.done) of \(p.total) prefixes, \(p.tokens) continuation tokens"
                FileHandle.standardError.write(Data((line + String(format: "  %.1f s\n", elapsed)).utf8))
            }
        } catch {
            throw CommandError("--checkpoint \(checkpoint): \(error.description)")
        }
        if json { return [String(decoding: report.jsonData(records: records), as: UTF8.self)] }
        return ["checkpoint: \(checkpoint) (\(models.configuration.algorithm.rawValue), step \(models.step))"] + report.lines()
            + [String(format: "%.1f s on %@", seconds(start.duration(to: clock.now)), plural(Parallel.threadCount, "thread"))]
    }

    /// The models and task of the trainer checkpoint at `path`; a missing file, an unreadable one or another
    /// kind of checkpoint is one line naming `--checkpoint`.
    static func read(_ path: String) throws -> (TrainerStateModels<Float>, any ReasoningTask) {
        let allowed = "allowed: a checkpoint-step-N.safetensors written by vapo train"
        guard FileManager.default.fileExists(atPath: path) else { throw CommandError("--checkpoint: \(path) does not exist; \(allowed)") }
        let file: Checkpoint
        do { file = try Checkpoint.read(from: path) } catch { throw CommandError("--checkpoint: \(path): \(error); \(allowed)") }
        let models: TrainerStateModels<Float>
        do { models = try TrainerStateModels(checkpoint: file) } catch {
            throw CommandError("--checkpoint: \(path) is not a vapo train checkpoint (\(error.description))")
        }
        do { return (models, try TaskRegistry.task(named: models.configuration.task)) } catch {
            throw CommandError("--checkpoint: \(path): \(error.description)")
        }
    }
}
