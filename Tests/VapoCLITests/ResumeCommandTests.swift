import ArgumentParser
import Checkpoints
import Foundation
import Testing
import VAPO

@testable import VapoCLI

/// `vapo train --resume`, periodic checkpoints and numerical faults, through the parser and `run()`.
@Suite("vapo train --resume", .serialized)
struct ResumeCommandTests {
    /// Runs `vapo train --resume` on the run in `out` up to `steps` steps, with `extra` arguments.
    static func resume(_ scratch: URL, out: String, steps: Int, _ extra: [String] = []) throws {
        var command = try Vapo.parseAsRoot(["train", "--resume", "--out", scratch.appendingPathComponent(out).path, "--steps", "\(steps)"] + extra)
        try command.run()
    }

    /// The steps of the run folder's checkpoints, oldest first.
    static func checkpointSteps(_ folder: URL) throws -> [Int] {
        try RunFolder(url: folder).checkpoints().map(\.step)
    }

    @Test(
        "for every algorithm, a run stopped at step 3 whose newest checkpoint is then truncated resumes from step 2 (the truncated one moved aside) and ends with the metrics, rollouts and final checkpoint bytes of a run that never stopped",
        arguments: ["vapo", "ppo", "grpo", "dapo"])
    func resumeEqualsStraight(algorithm: String) throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let common = ["--algo", algorithm, "--dump-rollouts", "--checkpoint-every", "2"]
        try TrainCommandTests.train(scratch, out: "straight", common + ["--steps", "4"])
        try TrainCommandTests.train(scratch, out: "stopped", common + ["--steps", "3"])
        let stopped = scratch.appendingPathComponent("stopped"), straight = scratch.appendingPathComponent("straight")
        #expect(try Self.checkpointSteps(stopped) == [0, 2, 3])
        let newest = stopped.appendingPathComponent("checkpoint-step-3.safetensors")
        let bytes = try Data(contentsOf: newest)
        try bytes.prefix(bytes.count / 2).write(to: newest)  // a truncated newest checkpoint: reported, removed, step 2 used
        try Self.resume(scratch, out: "stopped", steps: 4)
        #expect(try Self.checkpointSteps(stopped) == [0, 2, 4])
        #expect(FileManager.default.fileExists(atPath: newest.path + ".corrupt"), "the corrupted checkpoint is moved aside, not deleted")
        let final = "checkpoint-step-4.safetensors"
        #expect(try TrainCommandTests.bytes(stopped, final) == TrainCommandTests.bytes(straight, final), "\(algorithm)")
        #expect(try TrainCommandTests.metrics(stopped) == TrainCommandTests.metrics(straight), "\(algorithm)")
        #expect(try TrainCommandTests.bytes(stopped, "rollouts.jsonl") == TrainCommandTests.bytes(straight, "rollouts.jsonl"), "\(algorithm)")
        #expect(try TrainCommandTests.bytes(stopped, "config.json") == TrainCommandTests.bytes(straight, "config.json"))
        try Self.resume(scratch, out: "stopped", steps: 4)  // a finished run resumes to nothing new
        #expect(try TrainCommandTests.metrics(stopped) == TrainCommandTests.metrics(straight))
    }

    @Test("--keep-checkpoints N keeps exactly the newest N checkpoints, each with a valid checksum")
    func keepsNewest() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try TrainCommandTests.train(scratch, out: "run", ["--steps", "5", "--checkpoint-every", "1", "--keep-checkpoints", "2"])
        let run = scratch.appendingPathComponent("run")
        #expect(try Self.checkpointSteps(run) == [4, 5])
        try Self.resume(scratch, out: "run", steps: 7, ["--keep-checkpoints", "3", "--checkpoint-every", "2"])
        #expect(try Self.checkpointSteps(run) == [5, 6, 7])
        for step in [5, 6, 7] { _ = try Checkpoint.read(from: run.appendingPathComponent("checkpoint-step-\(step).safetensors").path) }
        let names = try FileManager.default.contentsOfDirectory(atPath: run.path)
        #expect(!names.contains { $0.contains(".tmp-") })
    }

    @Test("--resume refuses a flag that changes the run, a folder without a run, and --steps below the checkpoint, each in one line, leaving the folder as it was")
    func resumeRefusals() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try TrainCommandTests.train(scratch, out: "run")
        let run = scratch.appendingPathComponent("run")
        let names = try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()
        let before = try names.map { try TrainCommandTests.bytes(run, $0) }
        let cases: [(String, Int, [String], String)] = [
            ("run", 4, ["--seed", "3"], "--resume: --seed would change the run; allowed with --resume: --steps, --time-limit, --threads"),
            ("run", 4, ["--actor-lr", "1"], "--resume: --actor-lr would change the run"),
            ("run", 1, [], "--steps is 1 but the run is at step 2; allowed: 2 or more with --resume"),
            ("none", 4, [], "is not a run folder; allowed: the --out of an earlier vapo train"),
        ]
        for (out, steps, extra, message) in cases {
            var thrown: (any Error)?
            do { try Self.resume(scratch, out: out, steps: steps, extra) } catch { thrown = error }
            let error = try #require(thrown, "\(extra) was accepted")
            let text = Vapo.message(for: error)
            #expect(text.contains(message), "\(extra): \(text)")
            #expect(!text.contains("\n"))
            #expect(Vapo.exitCode(for: error) != .success)
            #expect(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted() == names)
            #expect(try names.map { try TrainCommandTests.bytes(run, $0) } == before)
        }
    }

    @Test("--resume rebuilds a config.json lost to a kill from the checkpoint's own copy, and refuses a config.json edited since in one line naming the field")
    func configurationOfTheRun() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try TrainCommandTests.train(scratch, out: "run")
        let run = scratch.appendingPathComponent("run")
        let original = try TrainCommandTests.bytes(run, "config.json")
        try FileManager.default.removeItem(at: run.appendingPathComponent("config.json"))
        try Self.resume(scratch, out: "run", steps: 3)
        #expect(try TrainCommandTests.bytes(run, "config.json") == original)
        var edited = try TrainingConfiguration.decode(json: original)
        edited.actorLearningRate = 0.5
        try edited.jsonData().write(to: run.appendingPathComponent("config.json"))
        var thrown: (any Error)?
        do { try Self.resume(scratch, out: "run", steps: 4) } catch { thrown = error }
        let text = Vapo.message(for: try #require(thrown))
        #expect(text.contains("checkpoint-step-3.safetensors: resume: the checkpoint's configuration differs from the run's in actorLearningRate (checkpoint 0.001, run 0.5)"), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test("a numerical fault (GRPO at an actor learning rate of 1e38) ends vapo train with one line naming the step, component and tensor, a non-zero exit, and the last good checkpoint intact")
    func numericalFault() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var thrown: (any Error)?
        do { try TrainCommandTests.train(scratch, out: "run", ["--algo", "grpo", "--actor-lr", "1e38"]) } catch { thrown = error }
        let error = try #require(thrown)
        let text = Vapo.message(for: error)
        #expect(text.contains("numerical fault at RL step 1, actor: parameter token_embedding after the update is not finite"), "\(text)")
        #expect(!text.contains("\n"))
        #expect(Vapo.exitCode(for: error) != .success)
        let run = scratch.appendingPathComponent("run")
        #expect(try Self.checkpointSteps(run) == [0])
        let checkpoint = try Checkpoint.read(from: run.appendingPathComponent("checkpoint-step-0.safetensors").path)
        #expect(checkpoint.tensors.allSatisfy { named in named.tensor.floatTensor!.scalars.allSatisfy(\.isFinite) })
    }
}
