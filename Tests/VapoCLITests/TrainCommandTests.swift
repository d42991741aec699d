import ArgumentParser
import Foundation
import Kernels
import Testing
import VAPO

@testable import VapoCLI

/// `vapo train` run through its parser and `run()`, on a 1-layer width-16 GPT and 2 steps of 2 × 2 responses.
@Suite("vapo train", .serialized)
struct TrainCommandTests {
    /// A fresh temporary folder holding the tiny configuration file.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vapo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let tiny = """
            {"promptsPerStep": 2, "samplesPerPrompt": 2, "miniBatchSize": 2, "microBatchSize": 1, "ppoEpochs": 2,
             "maxNewTokens": 8, "overlongMaxLength": 8, "overlongCacheLength": 3, "rewardModelSteps": 2,
             "valuePretrainingSteps": 2, "valuePretrainingExplainedVariance": 1, "evalEvery": 2, "evalProblems": 3,
             "minDifficulty": 1, "maxDifficulty": 1, "actorLearningRate": 1e-3, "criticLearningRate": 2e-3, "warmupSteps": 1,
             "dynamicSampling": false}
            """
        try Data(tiny.utf8).write(to: url.appendingPathComponent("tiny.json"))
        return url
    }

    /// Runs `vapo train` with the tiny model and configuration and `extra` arguments into `out`.
    /// The policy is a fresh tiny GPT unless it comes from a checkpoint (`--init-checkpoint`, or an `sft.safetensors`
    /// in the folder), which the shape flags would contradict.
    static func train(_ scratch: URL, out: String, _ extra: [String] = []) throws {
        let folder = scratch.appendingPathComponent(out)
        let fromCheckpoint = extra.contains("--init-checkpoint")
            || FileManager.default.fileExists(atPath: folder.appendingPathComponent("sft.safetensors").path)
        let fresh = fromCheckpoint ? [] : ["--fresh", "--layers", "1", "--width", "16", "--heads", "2", "--context", "32"]
        let arguments = ["train", "--config", scratch.appendingPathComponent("tiny.json").path] + fresh
            + ["--steps", "2", "--seed", "7", "--out", folder.path] + extra
        var command = try Vapo.parseAsRoot(arguments)
        try command.run()
    }

    /// The metrics lines without the wall-clock keys.
    static func metrics(_ folder: URL) throws -> [[String: Double?]] {
        let text = try String(contentsOf: folder.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let data = object["data"] as! [String: Any]
            var kept: [String: Double?] = ["step": (object["step"] as! NSNumber).doubleValue]
            for (key, value) in data where !key.hasPrefix("timing_s/") && !key.hasPrefix("perf/") {
                kept[key] = (value as? NSNumber)?.doubleValue
            }
            return kept
        }
    }

    static func bytes(_ folder: URL, _ name: String) throws -> Data { try Data(contentsOf: folder.appendingPathComponent(name)) }

    @Test("two runs with the same seed, and runs on 1 and 2 threads (as --threads asks, whatever the caller's thread count), write byte-identical checkpoints and configs and identical metrics but wall-clock ones")
    func sameSeedSameRun() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        // The test's own thread count is the other one, so the counts prove that the command ran as --threads asks.
        for out in ["a", "b"] {
            let offCaller = try Parallel.observingWorkers(threadCount: 1) {
                try Self.train(scratch, out: out, ["--threads", "2", "--dump-rollouts"])
            }.chunksOffCaller
            #expect(offCaller > 0, "run \(out): no chunk ran off the caller with --threads 2")
        }
        let offCaller = try Parallel.observingWorkers(threadCount: 2) {
            try Self.train(scratch, out: "c", ["--threads", "1", "--dump-rollouts"])
        }.chunksOffCaller
        #expect(offCaller == 0, "\(offCaller) chunks ran off the caller with --threads 1")
        let a = scratch.appendingPathComponent("a")
        let checkpoint = "checkpoint-step-2.safetensors"
        let lines = try Self.metrics(a)
        #expect(lines.count == 3)
        #expect(lines[2]["val-core/addition/acc/pass@1"] != nil)
        #expect(lines[1]["critic/vf_loss"] != nil)
        for other in ["b", "c"].map({ scratch.appendingPathComponent($0) }) {
            #expect(try Self.bytes(a, checkpoint) == Self.bytes(other, checkpoint))
            #expect(try Self.bytes(a, "config.json") == Self.bytes(other, "config.json"))
            #expect(try Self.bytes(a, "rollouts.jsonl") == Self.bytes(other, "rollouts.jsonl"))
            #expect(try Self.metrics(other) == lines)
        }
        try Self.train(scratch, out: "d", ["--seed", "8"])
        #expect(try Self.bytes(a, checkpoint) != Self.bytes(scratch.appendingPathComponent("d"), checkpoint))
    }

    @Test("bad input is one line naming the field and what is allowed, a non-zero exit, and an existing run folder is left untouched")
    func badInput() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Self.train(scratch, out: "run")
        let run = scratch.appendingPathComponent("run")
        let names = try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()
        let before = try names.map { try Self.bytes(run, $0) }
        let cases: [([String], String)] = [
            (["--algo", "sac"], "--algo is \"sac\"; allowed: vapo, ppo, grpo, dapo"),
            (["--preset", "vapo-fast"], "preset is \"vapo-fast\"; allowed: vapo, vapo-paper, ppo, grpo, dapo, vapo-no-value-pretrain"),
            (["--task", "chess"], "task is \"chess\"; allowed: addition, multiplication, counting, countdown"),
            (["--mu=-0.5"], "--mu is -0.5; allowed:"),
            (["--alpha", "-1"], "--alpha is -1.0; allowed:"),
            (["--samples", "0"], "--samples is 0; allowed:"),
            (["--mini-batch", "64"], "--mini-batch is 64; allowed: 1...4 (the responses per step, --prompts × --samples)"),
            (["--threads", "0"], "--threads is 0; allowed: 1..."),
            (["--init-checkpoint", scratch.appendingPathComponent("none.safetensors").path], "does not exist; allowed: a policy checkpoint"),
            (["--init-checkpoint", scratch.appendingPathComponent("tiny.json").path], "tiny.json"),
            (["--resume"], "--resume: --config would change the run; allowed with --resume: --steps"),
            (["--checkpoint-every", "0"], "--checkpoint-every is 0; allowed: 1...1000000"),
            (["--keep-checkpoints", "0"], "--keep-checkpoints is 0; allowed: 1...1000000"),
            ([], "already holds a run (\(names[0])); allowed: a new or empty folder, or --resume to continue it"),
        ]
        for (extra, message) in cases {
            var thrown: (any Error)?
            do { try Self.train(scratch, out: "run", extra) } catch { thrown = error }
            let error = try #require(thrown, "\(extra) was accepted")
            let text = Vapo.message(for: error)
            #expect(text.contains(message), "\(extra): \(text)")
            #expect(!text.contains("\n"), "\(extra): \(text)")
            #expect(Vapo.exitCode(for: error) != .success)
            #expect(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted() == names)
            #expect(try names.map { try Self.bytes(run, $0) } == before)
        }
    }
}

extension TrainCommandTests {
    @Test("a run with a critic ends with the critic's probe figures at the start and the end, in the first and last steps' metrics; a run without a critic has none")
    func criticProbeFigures() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Self.train(scratch, out: "vapo")
        let metrics = try Self.metrics(scratch.appendingPathComponent("vapo"))
        let keys = ["ev_vmc", "ev_returns", "ceiling", "first_error_drop", "first_error_drop_vmc"]
        for (step, phase) in [(1, "start"), (2, "end")] {
            let record = try #require(metrics.first { $0["step"] == Double(step) })
            for key in keys {
                let value = try #require(record["critic_probe/\(phase)/\(key)"] ?? nil, "step \(step) has critic_probe/\(phase)/\(key)")
                #expect(value.isFinite)
            }
        }
        try Self.train(scratch, out: "grpo", ["--algo", "grpo"])
        let withoutCritic = try Self.metrics(scratch.appendingPathComponent("grpo"))
        #expect(!withoutCritic.contains { $0.keys.contains { $0.hasPrefix("critic_probe/") } })
    }

    @Test("a run starts from --init-checkpoint, or from the run folder's sft.safetensors, which it keeps; a policy from either gives the same run")
    func startingPoints() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Self.train(scratch, out: "first")
        let trained = scratch.appendingPathComponent("first/checkpoint-step-2.safetensors")
        try Self.train(scratch, out: "from-flag", ["--init-checkpoint", trained.path])
        let reused = scratch.appendingPathComponent("from-folder")
        try FileManager.default.createDirectory(at: reused, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: trained, to: reused.appendingPathComponent("sft.safetensors"))
        try Self.train(scratch, out: "from-folder")
        let name = "checkpoint-step-2.safetensors"
        #expect(try Self.bytes(scratch.appendingPathComponent("from-flag"), name) == Self.bytes(reused, name))
        #expect(try Self.bytes(scratch.appendingPathComponent("first"), name) != Self.bytes(reused, name))
        #expect(try Self.bytes(reused, "sft.safetensors") == Data(contentsOf: trained))
    }
}
