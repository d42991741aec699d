import ArgumentParser
import Checkpoints
import Foundation
import Kernels
import Tasks
import Testing
import Training
import Transformer
import VAPO

@testable import VapoCLI

/// `vapo probe-critic` run through its parser, on the checkpoints of `vapo train --steps 0` with the tiny
/// model and configuration of the `vapo train` tests.
@Suite("vapo probe-critic", .serialized)
struct ProbeCriticCommandTests {
    /// The output lines of `vapo probe-critic --checkpoint <checkpoint> <arguments>`.
    static func probe(_ checkpoint: URL, _ arguments: [String]) throws -> [String] {
        let command = try Vapo.parseAsRoot(["probe-critic", "--checkpoint", checkpoint.path] + arguments)
        return try #require(command as? ProbeCriticCommand).lines()
    }

    static func step(_ folder: URL, _ step: Int) -> URL { folder.appendingPathComponent("checkpoint-step-\(step).safetensors") }

    @Test("vapo train --steps 0 writes the trainer's state after the critic's set-up as its step-0 checkpoint, and resuming it gives the bytes of a run that never stopped")
    func zeroSteps() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try TrainCommandTests.train(scratch, out: "zero", ["--steps", "0"])
        let zero = scratch.appendingPathComponent("zero")
        #expect(try RunFolder(url: zero).checkpoints().map(\.step) == [0])
        let checkpoint = try Checkpoint.read(from: Self.step(zero, 0).path)
        #expect(checkpoint.metadata["vapo.prepared"] == "true")
        #expect(try TrainerStateModels<Float>(checkpoint: checkpoint).critic != nil)
        #expect(try TrainCommandTests.metrics(zero).count == 1)
        try ResumeCommandTests.resume(scratch, out: "zero", steps: 2)
        try TrainCommandTests.train(scratch, out: "straight")
        let straight = scratch.appendingPathComponent("straight")
        #expect(try TrainCommandTests.bytes(zero, "checkpoint-step-2.safetensors") == TrainCommandTests.bytes(straight, "checkpoint-step-2.safetensors"))
        #expect(try TrainCommandTests.metrics(zero) == TrainCommandTests.metrics(straight))
    }

    @Test("plain output is the header, the table (all, then position buckets) and the first-error line; --json is one object equal to the library's report, the same on 1 and 2 threads (as --threads asks, whatever the caller's thread count)")
    func output() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try TrainCommandTests.train(scratch, out: "run", ["--steps", "0"])
        let file = Self.step(scratch.appendingPathComponent("run"), 0)
        let arguments = ["--problems", "4", "--continuations", "3", "--prefixes", "2", "--seed", "5"]
        let text = try Self.probe(file, arguments)
        #expect(text[0].hasPrefix("checkpoint: \(file.path) (vapo, step 0)"))
        #expect(text[1].hasPrefix("critic probe: 4 held-out addition problems (difficulties 1...1, seed 5)"))
        #expect(text.contains { $0.hasPrefix("positions  prefixes  EV(V_MC)  EV(return)  ceiling") })
        #expect(text.contains { $0.hasPrefix("all ") })
        #expect(text.contains { $0.hasPrefix("first error: ") })
        // The test's own thread count is the other one, so the counts prove that the command ran as --threads asks.
        let (json, offCallerOne) = try Parallel.observingWorkers(threadCount: 2) { try Self.probe(file, arguments + ["--json", "--threads", "1"]) }
        #expect(json.count == 1)
        #expect(offCallerOne == 0, "\(offCallerOne) chunks ran off the caller with --threads 1")
        let (two, offCallerTwo) = try Parallel.observingWorkers(threadCount: 1) { try Self.probe(file, arguments + ["--json", "--threads", "2"]) }
        #expect(two == json)
        #expect(offCallerTwo > 0, "no chunk ran off the caller with --threads 2")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json[0].utf8)) as? [String: Any])
        for key in ["overall", "buckets", "firstError", "options", "accuracy", "continuationTokens"] { #expect(object[key] != nil, "\(key)") }
        #expect(object["prefixes"] == nil)
        let models = try TrainerStateModels<Float>(checkpoint: try Checkpoint.read(from: file.path))
        let report = try CriticProbe.measure(
            policy: models.policy, critic: try #require(models.critic), task: ColumnAddition(), configuration: models.configuration,
            options: CriticProbeOptions(problems: 4, continuations: 3, prefixesPerResponse: 2, seed: 5))
        #expect(json[0] == String(decoding: report.jsonData(), as: UTF8.self))
        let records = try Self.probe(file, arguments + ["--json", "--records"])
        let withRecords = try #require(try JSONSerialization.jsonObject(with: Data(records[0].utf8)) as? [String: Any])
        #expect((withRecords["prefixes"] as? [Any])?.count == report.prefixes.count)
        let all = try Self.probe(file, ["--problems", "2", "--continuations", "1", "--all-prefixes", "--no-first-error", "--json", "--records"])
        let allObject = try #require(try JSONSerialization.jsonObject(with: Data(all[0].utf8)) as? [String: Any])
        let responses = try #require(allObject["responses"] as? [[String: Any]])
        let lengths = responses.map { ($0["tokens"] as? [Any])?.count ?? -1 }
        #expect((allObject["prefixes"] as? [Any])?.count == lengths.reduce(0, +))
        #expect(allObject["firstError"] is NSNull)
    }

    @Test("bad input is one line naming the flag or file and what is allowed, with a non-zero exit")
    func badInput() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try TrainCommandTests.train(scratch, out: "run", ["--steps", "0"])
        try TrainCommandTests.train(scratch, out: "grpo", ["--steps", "0", "--algo", "grpo"])
        let good = Self.step(scratch.appendingPathComponent("run"), 0)
        let grpo = Self.step(scratch.appendingPathComponent("grpo"), 0)
        let policyFile = scratch.appendingPathComponent("policy.safetensors")
        let models = try TrainerStateModels<Float>(checkpoint: try Checkpoint.read(from: good.path))
        try PolicyCheckpoint(model: models.policy, configuration: SFTConfiguration(), step: 0).write(to: policyFile.path)
        let missing = scratch.appendingPathComponent("none.safetensors")
        let json = scratch.appendingPathComponent("tiny.json")
        let cases: [(URL, [String], String)] = [
            (missing, [], "--checkpoint: \(missing.path) does not exist; allowed: a checkpoint-step-N.safetensors written by vapo train"),
            (json, [], "--checkpoint: \(json.path)"),
            (policyFile, [], "--checkpoint: \(policyFile.path) is not a vapo train checkpoint (checkpoint: vapo.kind is (none); allowed: a trainer-state checkpoint"),
            (grpo, [], "--checkpoint: \(grpo.path) has no critic (algorithm grpo, step 0); allowed: a checkpoint of vapo or ppo"),
            (good, ["--continuations", "0"], "--continuations is 0; allowed: 1...100000"),
            (good, ["--problems", "0"], "--problems is 0; allowed: 1...100000"),
            (good, ["--problems", "100000", "--continuations", "11"],
             "--continuations is 11; allowed: 1...10 (--problems × --continuations, the sequences of one sampling call, at most 1000000)"),
            (good, ["--prefixes", "0"], "--prefixes is 0; allowed: 1...100000"),
            (good, ["--prefixes", "2", "--all-prefixes"], "--prefixes and --all-prefixes were both given; allowed: one of them"),
            (good, ["--threads", "0"], "--threads is 0; allowed: 1..."),
            (good, ["--records"], "--records was given without --json; allowed: --records with --json"),
        ]
        for (file, arguments, message) in cases {
            var thrown: (any Error)?
            do { _ = try Self.probe(file, arguments) } catch { thrown = error }
            let error = try #require(thrown, "\(file.lastPathComponent) \(arguments) was accepted")
            let text = Vapo.message(for: error)
            #expect(text.hasPrefix(message), "\(arguments): \(text)")
            #expect(!text.contains("\n"), "\(arguments): \(text)")
            #expect(Vapo.exitCode(for: error) != .success)
        }
    }
}
