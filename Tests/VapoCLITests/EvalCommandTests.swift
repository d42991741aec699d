import ArgumentParser
import Checkpoints
import Foundation
import Tasks
import Testing
import Training
import VAPO

@testable import VapoCLI

/// `vapo eval` run through its parser, on a `vapo sft` policy of a 1-layer width-16 GPT (600 steps of addition
/// at difficulties 1...2, about a third right) and on the checkpoints of 2 `vapo train` steps from it.
@Suite("vapo eval", .serialized)
struct EvalCommandTests {
    /// A scratch folder holding `sft/` (the policy, its evaluation.txt) and `train/` (a 2-step run from the
    /// policy, evaluating 40 held-out problems at steps 0 and 2).
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vapo-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let sft = url.appendingPathComponent("sft")
        try run([
            "sft", "--task", "addition", "--max-difficulty", "2", "--steps", "600", "--batch-size", "16", "--lr", "0.01", "--warmup-steps", "10",
            "--layers", "1", "--width", "16", "--heads", "2", "--context", "48", "--eval-problems", "40", "--eval-every", "300", "--eval-samples", "2",
            "--out", sft.path,
        ])
        let configuration = """
            {"promptsPerStep": 2, "samplesPerPrompt": 2, "miniBatchSize": 2, "microBatchSize": 1, "ppoEpochs": 2,
             "maxNewTokens": 40, "overlongMaxLength": 8, "overlongCacheLength": 3, "rewardModelSteps": 2,
             "valuePretrainingSteps": 2, "valuePretrainingExplainedVariance": 1, "evalEvery": 2, "evalProblems": 40,
             "minDifficulty": 1, "maxDifficulty": 2, "actorLearningRate": 1e-3, "criticLearningRate": 2e-3, "warmupSteps": 1,
             "dynamicSampling": false}
            """
        let config = url.appendingPathComponent("train.json")
        try Data(configuration.utf8).write(to: config)
        try run([
            "train", "--config", config.path, "--init-checkpoint", sft.appendingPathComponent("policy.safetensors").path, "--steps", "2",
            "--seed", "7", "--out", url.appendingPathComponent("train").path,
        ])
        return url
    }

    /// Parses and runs `arguments` as `vapo` does.
    static func run(_ arguments: [String]) throws {
        var command = try Vapo.parseAsRoot(arguments)
        try command.run()
    }

    /// The header and report of `vapo eval --checkpoint <checkpoint> <arguments>`.
    static func eval(_ checkpoint: URL, _ arguments: [String] = []) throws -> (header: String, report: EvaluationReport) {
        let command = try Vapo.parseAsRoot(["eval", "--checkpoint", checkpoint.path] + arguments)
        return try #require(command as? EvalCommand).evaluation()
    }

    /// The greedy pass@1 keys and values of `report`, named as the trainer names them.
    static func passAt1(_ report: EvaluationReport) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: report.rows.map { row in
            let key = row.bucket.map { "val-aux/\(row.task)/trace_\($0.description)/acc/pass@1" } ?? "val-core/\(row.task)/acc/pass@1"
            return (key, row.passAt1)
        })
    }

    /// The `val-*/…/pass@1` values of the metrics line of `step` in `run`'s metrics.jsonl.
    static func metricsPassAt1(_ run: URL, step: Int) throws -> [String: Double] {
        let line = try #require(try TrainCommandTests.metrics(run).first { $0["step"] == Double(step) })
        return line.compactMapValues { $0 }.filter { $0.key.hasPrefix("val-") && $0.key.hasSuffix("/pass@1") }
    }

    @Test("eval of a vapo train checkpoint gives the greedy pass@1 of every row (all, each trace-length bucket) that vapo train wrote to metrics.jsonl at that step")
    func trainCheckpointMatchesMetrics() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = scratch.appendingPathComponent("train")
        let written = try Self.metricsPassAt1(run, step: 2)
        let overall = try #require(written["val-core/addition/acc/pass@1"])
        // A discriminating run: neither all right nor all wrong, and unlike the starting policy's.
        try #require(overall > 0 && overall < 1, "pass@1 \(overall)")
        try #require(try Self.metricsPassAt1(run, step: 0) != written)
        let (header, report) = try Self.eval(run.appendingPathComponent("checkpoint-step-2.safetensors"))
        #expect(Self.passAt1(report) == written)
        #expect(report.samplesPerProblem == 0)
        #expect(report.rows.first?.problems == 40)
        #expect(header.contains("(vapo train vapo, step 2), addition difficulties 1...2, 40 held-out problems"), "\(header)")
    }

    @Test("eval of a vapo sft policy prints the table vapo sft printed and wrote to evaluation.txt")
    func sftPolicyUnchanged() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let sft = scratch.appendingPathComponent("sft")
        let (header, report) = try Self.eval(sft.appendingPathComponent("policy.safetensors"))
        #expect(report.table + "\n" == (try String(contentsOf: sft.appendingPathComponent("evaluation.txt"), encoding: .utf8)))
        #expect(report.samplesPerProblem == 2)
        #expect(header.contains("(vapo sft, step 600), addition difficulties 1...2, 40 held-out problems"), "\(header)")
    }

    @Test("on a vapo train checkpoint --eval-problems, --samples, --temperature and --seed set the held-out set and k samples as the trainer's evalProblems, evalSamples, evalTemperature and seeds would")
    func trainOverrides() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("train/checkpoint-step-2.safetensors")
        let (_, report) = try Self.eval(file, ["--eval-problems", "12", "--samples", "3", "--temperature", "0.5", "--seed", "9"])
        let models = try TrainerStateModels<Float>(checkpoint: Checkpoint.read(from: file.path))
        var configuration = models.configuration
        (configuration.evalProblems, configuration.evalSamples, configuration.evalTemperature) = (12, 3, 0.5)
        (configuration.evalSeed, configuration.seed) = (9, 9)
        let expected = try HeldOutEvaluation.report(policy: models.policy, task: ColumnAddition(), configuration: configuration)
        #expect(report == expected)
        #expect(report.samplesPerProblem == 3 && report.temperature == 0.5 && report.rows.first?.problems == 12)
        #expect(report != (try Self.eval(file, ["--eval-problems", "12", "--samples", "3", "--temperature", "0.5"]).report))
    }

    @Test("a missing file, a file that is not a checkpoint, a checkpoint of neither vapo sft nor vapo train, and an out-of-range override are each one line naming what was given and what is allowed")
    func badInput() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let json = scratch.appendingPathComponent("train.json")
        let other = scratch.appendingPathComponent("other.safetensors")
        try Checkpoint(tensors: [], metadata: ["config": "{}"]).write(to: other.path)
        let train = scratch.appendingPathComponent("train/checkpoint-step-2.safetensors")
        let sft = scratch.appendingPathComponent("sft/policy.safetensors")
        let allowed = "allowed: policy.safetensors written by vapo sft or checkpoint-step-N.safetensors written by vapo train"
        let cases: [(URL, [String], String)] = [
            (scratch.appendingPathComponent("none.safetensors"), [], "--checkpoint: \(scratch.path)/none.safetensors does not exist; \(allowed)"),
            (json, [], allowed),
            (other, [], "--checkpoint: \(other.path) has neither metadata vapo.sft (vapo sft) nor vapo.kind = trainer-state (vapo train); \(allowed)"),
            (train, ["--samples", "0"], "--samples is 0; allowed: 1...1024"),
            (train, ["--eval-problems=-1"], "--eval-problems is -1; allowed: 0...1000000"),
            (train, ["--temperature=-1"], "--temperature is -1.0; allowed: 0 (greedy) or a positive finite number"),
            (sft, ["--eval-problems", "0"], "--eval-problems is 0; allowed: 1...1000000"),
            (train, ["--threads", "0"], "--threads is 0; allowed: 1..."),
        ]
        for (file, arguments, message) in cases {
            var thrown: (any Error)?
            do { _ = try Self.eval(file, arguments) } catch { thrown = error }
            let error = try #require(thrown, "\(file.lastPathComponent) \(arguments) was accepted")
            let text = Vapo.message(for: error)
            #expect(text.hasPrefix(message) || (message == allowed && text.hasSuffix(allowed)), "\(arguments): \(text)")
            #expect(text.contains(file.path) || !arguments.isEmpty, "\(text)")
            #expect(!text.contains("\n"), "\(text)")
            #expect(Vapo.exitCode(for: error) == .failure, "\(text)")
        }
    }
}
