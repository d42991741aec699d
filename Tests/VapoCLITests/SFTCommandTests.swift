import ArgumentParser
import Checkpoints
import Foundation
import TestSupport
import Testing
import Training

@testable import VapoCLI

#if canImport(Glibc)
import Glibc
#endif

/// `vapo sft`'s run folder (Specs/reliability.md, "The command line"): never written over, checkpointed,
/// continued bit for bit, with metrics as `vapo train` writes them.
@Suite("vapo sft run folders", .serialized)
struct SFTCommandTests {
    /// A tiny warm-up: a 1-layer width-16 GPT on sums of up to two digits, 30 steps of 4 sequences.
    static let tiny = ["--layers", "1", "--width", "16", "--heads", "2", "--context", "48", "--max-digits", "2", "--batch-size", "4",
                       "--eval-problems", "8", "--eval-samples", "2", "--eval-every", "10", "--steps", "30"]

    /// Runs `vapo sft` in-process with `arguments`.
    static func sft(_ arguments: [String]) throws {
        var command = try Vapo.parseAsRoot(["sft"] + arguments)
        try command.run()
    }

    /// The error `vapo sft <arguments>` throws, as the user sees it (one line), or nil when it succeeds.
    static func refusal(_ arguments: [String], command: String = "sft") -> String? {
        do {
            var parsed = try Vapo.parseAsRoot([command] + arguments)
            try parsed.run()
            return nil
        } catch {
            #expect(Vapo.exitCode(for: error) != .success)
            return Vapo.message(for: error)
        }
    }

    /// Every file of `folder` and its bytes.
    static func contents(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return files
    }

    @Test("vapo sft refuses an --out that holds a run (an earlier SFT's, or a vapo train run's) in one line, leaving every file's bytes as they were, so the train run still resumes")
    func refusesARun() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let first = scratch.appendingPathComponent("first")
        try Self.sft(Self.tiny + ["--out", first.path])
        try TrainCommandTests.train(scratch, out: "rl")
        let rl = scratch.appendingPathComponent("rl")
        for folder in [first, rl] {
            let before = try Self.contents(folder)
            let message = try #require(Self.refusal(Self.tiny + ["--seed", "3", "--out", folder.path]), "sft wrote into \(folder.lastPathComponent)")
            #expect(message.contains("--out: \(folder.path) already holds a run ("), "\(message)")
            #expect(!message.contains("\n"))
            #expect(try Self.contents(folder) == before)
        }
        try ResumeCommandTests.resume(scratch, out: "rl", steps: 3)
        #expect(try ResumeCommandTests.checkpointSteps(rl).last == 3)
    }

    @Test("vapo sft checkpoints every --checkpoint-every steps and after the last, keeping the newest --keep-checkpoints; a run stopped by its time limit and continued with --resume ends with the checkpoint, policy, evaluation and config bytes of a run never stopped; a finished run resumes to nothing")
    func checkpointsAndResume() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let straight = scratch.appendingPathComponent("straight"), stopped = scratch.appendingPathComponent("stopped")
        let settings = ["--checkpoint-every", "7", "--keep-checkpoints", "2"]
        try Self.sft(Self.tiny + settings + ["--out", straight.path])
        #expect(try RunFolder(url: straight).checkpoints().map(\.step) == [28, 30])
        try Self.sft(Self.tiny + settings + ["--time-limit", "1e-9", "--out", stopped.path])
        #expect(try RunFolder(url: stopped).checkpoints().map(\.step) == [0, 1], "a time-limit stop after step 1 checkpoints it")
        #expect(FileManager.default.fileExists(atPath: stopped.appendingPathComponent("policy.safetensors").path))
        try Self.sft(["--resume", "--out", stopped.path])
        #expect(try RunFolder(url: stopped).checkpoints().map(\.step) == [28, 30], "the recorded --checkpoint-every and --keep-checkpoints hold")
        for name in ["checkpoint-step-30.safetensors", "policy.safetensors", "evaluation.txt", "config.json"] {
            #expect(try Data(contentsOf: stopped.appendingPathComponent(name)) == Data(contentsOf: straight.appendingPathComponent(name)), "\(name)")
        }
        // The metrics equal but for the evaluation the time limit added at step 1.
        var lines = try TrainCommandTests.metrics(stopped)
        lines[0].removeValue(forKey: "val-core/addition/acc/pass@1")
        #expect(lines == (try TrainCommandTests.metrics(straight)))
        let finished = try Self.contents(stopped)
        try Self.sft(["--resume", "--out", stopped.path])
        #expect(try Self.contents(stopped) == finished)
        let refused = try #require(Self.refusal(["--resume", "--out", stopped.path, "--steps", "40"]))
        #expect(refused.hasPrefix("--resume: --steps would change the run (its steps is 30); allowed with --resume: --threads"), "\(refused)")
    }

    @Test("vapo sft writes metrics.jsonl as vapo train does: a {step, data} line per step with sft/loss, sft/learning_rate and sft/grad_norm, and the held-out greedy pass@1 at each evaluation")
    func metricsFile() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = scratch.appendingPathComponent("run")
        try Self.sft(Self.tiny + ["--out", run.path])
        let lines = try TrainCommandTests.metrics(run)
        #expect(lines.compactMap { $0["step"] ?? nil } == (1...30).map(Double.init))
        for line in lines {
            for key in ["sft/loss", "sft/learning_rate", "sft/grad_norm"] { #expect((line[key] ?? nil)?.isFinite == true, "\(key)") }
            let evaluated = Int((line["step"] ?? nil) ?? 0) % 10 == 0
            #expect((line["val-core/addition/acc/pass@1"] != nil) == evaluated)
        }
        #expect(lines[0]["sft/learning_rate"]! != lines[20]["sft/learning_rate"]!, "the schedule is recorded, not a constant")
    }

    @Test("an --out that exists but cannot be written is refused before any work, by vapo sft and vapo train, in one line naming it")
    func unwritableFolder() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let locked = scratch.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        // Root ignores permission bits: the immutable attribute stops it; anyone else, mode 0555.
        let immutable = Process()
        immutable.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        immutable.arguments = ["+i", locked.path]
        if getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr") {
            try immutable.run()
            immutable.waitUntilExit()
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
        }
        defer {
            let undo = Process()
            undo.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            undo.arguments = ["-i", locked.path]
            if getuid() == 0 { try? undo.run(); undo.waitUntilExit() }
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked.path)
        }
        try #require(!FileManager.default.createFile(atPath: locked.appendingPathComponent("probe").path, contents: Data()),
                     "this machine offers no way to make a folder unwritable for this user")
        let clock = ContinuousClock(), start = clock.now
        // A million steps: only a refusal before any work ends in time.
        let sft = try #require(Self.refusal(Array(Self.tiny.dropLast(2)) + ["--steps", "1000000", "--out", locked.path]))
        let train = try #require(Self.refusal(["--config", scratch.appendingPathComponent("tiny.json").path, "--fresh", "--layers", "1",
            "--width", "16", "--heads", "2", "--context", "32", "--steps", "1000000", "--out", locked.path], command: "train"))
        #expect(clock.now - start < .seconds(10))
        for message in [sft, train] {
            #expect(message.hasPrefix("--out: cannot write in \(locked.path) ("), "\(message)")
            #expect(!message.contains("\n"))
        }
    }

    @Test("vapo sft and vapo train stopped by SIGTERM print one line saying how to continue and exit with 128 + 15; --resume then ends with the bytes of a run never stopped")
    func signalStop() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let sftRun = Array(Self.tiny.dropLast(2)) + ["--steps", "1000", "--checkpoint-every", "20"]
        let trainRun = ["train", "--config", scratch.appendingPathComponent("tiny.json").path, "--fresh", "--layers", "1", "--width", "16",
                        "--heads", "2", "--context", "32", "--seed", "7", "--steps", "40", "--checkpoint-every", "1"]
        for (command, run, final) in [("sft", ["sft"] + sftRun, "checkpoint-step-1000.safetensors"), ("train", trainRun, "checkpoint-step-40.safetensors")] {
            let straight = scratch.appendingPathComponent("\(command)-straight"), stopped = scratch.appendingPathComponent("\(command)-stopped")
            #expect(try ChildProcess.run(run + ["--out", straight.path]).status == 0)
            let child = try ChildProcess.start(run + ["--out", stopped.path])
            let started = child.wait(upTo: 60) { ((try? RunFolder(url: stopped).checkpoints().last?.step) ?? 0) > 0 }
            try #require(started, "\(command) wrote no checkpoint after step 0 in time")
            kill(child.process.processIdentifier, SIGTERM)
            let result = try child.finish()
            try #require(result.status == 128 + SIGTERM, "\(command) ended with \(result.status) (it may have finished before the signal)")
            let lines = result.errors.split(separator: "\n").map(String.init)
            #expect(lines == ["vapo \(command) stopped by a signal; its newest checkpoint is kept. Continue it with: vapo \(command) --resume --out \(stopped.path)"])
            #expect(try ChildProcess.run([command, "--resume", "--out", stopped.path]).status == 0)
            #expect(try Data(contentsOf: stopped.appendingPathComponent(final)) == Data(contentsOf: straight.appendingPathComponent(final)), "\(command)")
            #expect(try TrainCommandTests.metrics(stopped) == TrainCommandTests.metrics(straight), "\(command)")
        }
    }
}
