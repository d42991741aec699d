import Foundation
import StrictJSON
import TestSupport
import Testing

/// `vapo experiment ablation` (Specs/experiments.md, "The experiment runner"): the plan it writes, its refusals,
/// and a runner stopped at any moment that finishes, run again, with the runs of one that never stopped.
@Suite("vapo experiment", .serialized)
struct ExperimentCommandTests {
    /// A tiny experiment: two critic-free presets (no set-up phase), two seeds, 2 RL steps, a 2-step starting SFT.
    static func arguments(_ out: URL) -> [String] {
        ["experiment", "ablation", "--out", out.path, "--only", "grpo,dapo", "--seeds", "0,1", "--steps", "2", "--sft-steps", "2"]
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("experiment-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every run's metrics without the wall-clock keys, by run folder, and the set of runs that finished.
    static func deterministicMetrics(_ out: URL) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for configuration in ["grpo", "dapo"] {
            for seed in [0, 1] {
                let folder = out.appendingPathComponent("runs/\(configuration)/seed-\(seed)")
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("finished.json").path), "\(configuration) seed \(seed) finished")
                let text = try String(contentsOf: folder.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
                result["\(configuration)/\(seed)"] = try text.split(separator: "\n").map { line in
                    let members = try #require(try JSONValue.parse(Array(line.utf8)).members)
                    let step = try #require(members.first { $0.key == "step" }?.value.summary)
                    let data = try #require(members.first { $0.key == "data" }?.value.members)
                    #expect(data.contains { $0.key == "critic/score/mean" } || step == "0", "a step's line holds its metrics")
                    return "step \(step): " + data.filter { !$0.key.hasPrefix("timing_s/") && !$0.key.hasPrefix("perf/") }
                        .map { "\($0.key)=\($0.value.summary)" }.joined(separator: ",")
                }
            }
        }
        return result
    }

    @Test("a runner stopped by SIGTERM after its first finished run and started again ends with the runs, metrics and finished set of a runner never stopped; a third start has nothing to do")
    func stopAndRestart() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let whole = scratch.appendingPathComponent("whole"), stopped = scratch.appendingPathComponent("stopped")
        let uninterrupted = try ChildProcess.run(Self.arguments(whole), timeout: 600)
        #expect(uninterrupted.status == 0, "\(uninterrupted.errors)")
        #expect(uninterrupted.lines.contains { $0.hasPrefix("experiment: grpo seed 0 finished in ") && $0.contains("of 4 done, about") })

        let child = try ChildProcess.start(Self.arguments(stopped))
        let firstFinished = child.wait(upTo: 600) {
            ((try? FileManager.default.subpathsOfDirectory(atPath: stopped.appendingPathComponent("runs").path)) ?? []).contains { $0.hasSuffix("finished.json") }
        }
        #expect(firstFinished)
        child.process.terminate()
        let killed = try child.finish(timeout: 60)
        #expect(killed.status != 0 && killed.errors.contains("vapo experiment stopped; finished runs are kept. Continue with the same command."))

        let restarted = try ChildProcess.run(Self.arguments(stopped), timeout: 600)
        #expect(restarted.status == 0, "\(restarted.errors)")
        #expect(restarted.lines.contains { $0.hasPrefix("experiment: 4 runs, ") && !$0.hasPrefix("experiment: 4 runs, 0 finished before") })
        #expect(try Self.deterministicMetrics(stopped) == Self.deterministicMetrics(whole))

        let again = try ChildProcess.run(Self.arguments(stopped), timeout: 120)
        #expect(again.status == 0 && again.lines.contains("experiment: 4 runs, 4 finished before, 0 to run, 2 at a time"))
    }

    @Test("bad input is one line naming what was typed and what is allowed, with a non-zero exit, and leaves the folder as it was: an unknown preset in --only, seeds out of range, a non-empty folder that is no experiment, another experiment's folder")
    func badInput() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out")
        let cases: [([String], String)] = [
            (["--only", "grpo,vapo-kl"], #"Error: --only: "vapo-kl" is not a preset; allowed: vapo, vapo-paper, "#),
            (["--seeds", "0,2000000"], #"Error: --seeds is "0,2000000"; allowed: distinct integers in 0...1000000, comma-separated"#),
            (["--seeds", "1,1"], #"Error: --seeds is "1,1"; allowed: distinct integers in 0...1000000, comma-separated"#),
            (["--steps", "0"], "Error: --steps is 0; allowed: 1...100000"),
            (["--jobs", "0"], "Error: --jobs is 0; allowed: 1...64"),
        ]
        for (flags, expected) in cases {
            let result = try ChildProcess.run(["experiment", "ablation", "--out", out.path] + flags)
            #expect(result.status == 1 && result.firstErrorLine.hasPrefix(expected), "\(flags): \(result.errors)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(flags) wrote nothing")
        }
        // A folder holding something else.
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let foreign = try ChildProcess.run(Self.arguments(out))
        #expect(foreign.status == 1 && foreign.firstErrorLine.hasPrefix("Error: --out: \(out.path) is not an experiment folder (no experiment.json) and not empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["notes.txt"])
        // Another experiment's folder: its plan differs in the steps.
        try FileManager.default.removeItem(at: out.appendingPathComponent("notes.txt"))
        let document = """
            {"kind": "ablation", "quick": false, "steps": 7, "seeds": [0, 1], "configurations": ["grpo", "dapo"], "task": "addition",
             "settings": {"minDifficulty": 1, "maxDifficulty": 5, "responsesPerStep": 64, "evalEvery": 10, "sftSteps": 2, "threadsPerRun": 1}}
            """
        try Data(document.utf8).write(to: out.appendingPathComponent("experiment.json"))
        let other = try ChildProcess.run(Self.arguments(out))
        #expect(other.status == 1 && other.firstErrorLine == "Error: --out: \(out.path) holds another experiment (its steps is 7, this command's 2); allowed: the same command, or a new folder")
        #expect(try String(contentsOf: out.appendingPathComponent("experiment.json"), encoding: .utf8) == document)
    }
}
