import Checkpoints
import Foundation
import Testing
import TestSupport

@testable import VapoCLI

#if canImport(Glibc)
import Glibc
#endif

/// The real `vapo` executable killed with SIGKILL at seeded random moments and resumed each time.
@Suite("vapo train under SIGKILL", .serialized)
struct KillTests {
    /// Whether a temporary file (a checkpoint or metrics write under way) is in `folder`.
    static func writeUnderWay(in folder: URL) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).contains { $0.contains(".tmp-") }
    }

    @Test("vapo train killed with SIGKILL at up to 5 seeded random moments, half of them during a checkpoint write, and resumed each time never loses a completed checkpoint and ends with the bytes and metrics of a run never killed")
    func killAndResume() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let straight = scratch.appendingPathComponent("straight"), killed = scratch.appendingPathComponent("killed")
        let run = ["--config", scratch.appendingPathComponent("tiny.json").path, "--fresh", "--layers", "1", "--width", "16", "--heads", "2",
            "--context", "32", "--seed", "7", "--algo", "vapo", "--checkpoint-every", "1", "--keep-checkpoints", "2"]
        let steps = ["--steps", "150"]
        try #require(try ChildProcess.run(["train"] + run + steps + ["--out", straight.path]).status == 0, "the uninterrupted run failed")

        var random = SplitMix64(seed: 2026)
        let clock = ContinuousClock(), start = clock.now
        var kills = 0, newest = -1, duringWrites = 0
        while kills < 5 && clock.now - start < .seconds(45) {
            let fresh = try !FileManager.default.fileExists(atPath: killed.path) || RunFolder.checkpointCount(killed) == 0
            if fresh { try? FileManager.default.removeItem(at: killed) }  // killed before its first checkpoint: start again
            let child = try ChildProcess.start(["train"] + (fresh ? run : ["--resume"]) + steps + ["--out", killed.path])
            // Even kills at a random moment, odd ones as soon as a checkpoint write is seen under way.
            if kills % 2 == 0 {
                _ = child.wait(upTo: random.uniform(0.05...0.8)) { false }
            } else {
                _ = child.wait(upTo: random.uniform(0.2...1.0)) { Self.writeUnderWay(in: killed) }
            }
            if !child.process.isRunning {
                try #require(try child.finish().status == 0, "a resumed run failed")
                break
            }
            kill(child.process.processIdentifier, SIGKILL)
            _ = try child.finish()
            kills += 1
            // Every checkpoint left reads back with a valid checksum, and the newest completed one is never lost.
            let folder = try FileManager.default.contentsOfDirectory(atPath: killed.path)
            if folder.contains(where: { $0.contains(".tmp-") }) { duringWrites += 1 }
            let checkpoints = try RunFolder(url: killed).checkpoints()
            let present = checkpoints.map(\.step)
            for (step, url) in checkpoints {
                #expect(throws: Never.self, "checkpoint \(step) after kill \(kills)") { try Checkpoint.read(from: url.path) }
            }
            #expect((present.max() ?? -1) >= newest, "kill \(kills) lost checkpoint \(newest)")
            newest = max(newest, present.max() ?? -1)
        }
        #expect(kills >= 1, "no kill landed before the run finished")
        print("vapo train under SIGKILL: \(kills) kills, \(duringWrites) of them during a file write, newest checkpoint kept \(newest)")
        try #require(try ChildProcess.run(["train", "--resume"] + steps + ["--out", killed.path]).status == 0, "the final resume failed")
        let final = "checkpoint-step-150.safetensors"
        #expect(try TrainCommandTests.bytes(killed, final) == TrainCommandTests.bytes(straight, final))
        #expect(try TrainCommandTests.metrics(killed) == TrainCommandTests.metrics(straight))
    }
}

extension RunFolder {
    /// How many checkpoints the folder at `url` holds.
    static func checkpointCount(_ url: URL) throws -> Int { try RunFolder(url: url).checkpoints().count }
}

extension KillTests {
    @Test(
        "vapo train killed by SIGKILL inside a chosen atomic write (the first checkpoint, config.json, mid-checkpoint after 100 bytes, a complete temporary file before its rename) keeps every checkpoint readable, and run again or resumed it removes the unfinished write and ends with the bytes and metrics of a run never killed; a malformed value of the variable stops the run with a message naming it",
        arguments: ["1", "2:0", "5:100", "8"])
    func killInsideAWrite(point: String) throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let straight = scratch.appendingPathComponent("straight"), killed = scratch.appendingPathComponent("killed")
        let run = ["--config", scratch.appendingPathComponent("tiny.json").path, "--fresh", "--layers", "1", "--width", "16", "--heads", "2",
            "--context", "32", "--seed", "7", "--steps", "8", "--checkpoint-every", "1"]
        #expect(try ChildProcess.run(["train"] + run + ["--out", straight.path]).status == 0)
        let malformed = try ChildProcess.run(["train"] + run + ["--out", scratch.appendingPathComponent("malformed").path],
                                             environment: ["VAPO_TEST_KILL_DURING_WRITE": point + ":x"])
        #expect(malformed.status != 0 && malformed.errors.contains("VAPO_TEST_KILL_DURING_WRITE is \"\(point):x\"; allowed: <n>[:<bytes>]"),
                "a malformed value stops the run: \(malformed.errors.prefix(300))")
        let child = try ChildProcess.start(["train"] + run + ["--out", killed.path], environment: ["VAPO_TEST_KILL_DURING_WRITE": point])
        let ended = try child.finish()
        #expect(ended.signalled && ended.status == SIGKILL, "killed by SIGKILL at write \(point)")
        let names = try FileManager.default.contentsOfDirectory(atPath: killed.path)
        #expect(names.filter { $0.contains(".tmp-") }.count == 1, "the kill landed inside a write: \(names)")
        for (step, url) in try RunFolder(url: killed).checkpoints() {
            #expect(throws: Never.self, "checkpoint \(step)") { try Checkpoint.read(from: url.path) }
        }
        // A write killed before the first checkpoint was complete: the same command again; after it: --resume.
        let again = try RunFolder(url: killed).checkpoints().isEmpty ? run : ["--resume"]
        // An unfinished last metrics line, as a kill inside an append leaves, is cut away by the resume.
        if FileManager.default.fileExists(atPath: killed.appendingPathComponent("metrics.jsonl").path) {
            let handle = try FileHandle(forWritingTo: killed.appendingPathComponent("metrics.jsonl"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"step": 99, "data": {"actor/lo"#.utf8))
            try handle.close()
        }
        #expect(try ChildProcess.run(["train"] + again + ["--out", killed.path]).status == 0)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: killed.path).contains { $0.contains(".tmp-") })
        let final = "checkpoint-step-8.safetensors"
        #expect(try TrainCommandTests.bytes(killed, final) == TrainCommandTests.bytes(straight, final))
        #expect(try TrainCommandTests.metrics(killed) == TrainCommandTests.metrics(straight))
    }
}
