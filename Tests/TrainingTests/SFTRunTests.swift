import Autograd
import Checkpoints
import Foundation
import Tasks
import Testing
import Training
import Transformer

@Suite("Supervised warm-up runs")
struct SFTRunTests {
    static func configuration() -> SFTConfiguration {
        var c = Fixtures.tinyConfiguration(steps: 400, seed: 0)
        c.model.width = 48
        c.batchSize = 16
        c.warmupSteps = 50
        c.evalProblems = 40
        c.evalEvery = 100
        return c
    }

    @Test("400 steps of SFT take a tiny model's held-out greedy accuracy on sums of up to two digits from 0 to at least 20%; the final report's pass@1 is the last progress line's")
    func accuracyRises() throws {
        let configuration = Self.configuration()
        let untrained = try SFTTrainer(configuration)
        let resolved = untrained.resolved
        let before = try untrained.model.evaluate(on: resolved.evaluationSet(), options: resolved.evaluationOptions(sampled: false))
        #expect(before.passAt1 == 0)
        var lines: [SFTRun.Progress] = []
        let outcome = try SFTRun.run(configuration) { lines.append($0) }
        #expect(lines.map(\.step) == [100, 200, 300, 400])
        #expect(lines.allSatisfy { $0.loss.isFinite && $0.elapsed > 0 })
        #expect(lines.last!.loss < lines.first!.loss)
        #expect(outcome.stop == .steps && outcome.checkpoint.step == 400)
        #expect(outcome.report.passAt1 >= 0.2 && outcome.report.passAt1 == lines.last!.accuracy)
        #expect(outcome.report.samplesPerProblem == configuration.evalSamples)
    }

    @Test("a run stops at the first evaluation that reaches the target accuracy, or after the step that passes the time limit")
    func stoppingRules() throws {
        var target = Self.configuration()
        target.targetAccuracy = 0.05
        target.evalEvery = 50
        var lines: [SFTRun.Progress] = []
        let reached = try SFTRun.run(target) { lines.append($0) }
        #expect(reached.stop == .targetAccuracy && reached.checkpoint.step < 400)
        #expect(lines.last!.accuracy >= 0.05 && lines.dropLast().allSatisfy { $0.accuracy < 0.05 })
        #expect(reached.checkpoint.step == lines.last!.step)

        var timed = Self.configuration()
        timed.timeLimit = 1e-9
        lines = []
        let stopped = try SFTRun.run(timed) { lines.append($0) }
        #expect(stopped.stop == .timeLimit && stopped.checkpoint.step == 1 && lines.map(\.step) == [1])
    }
}

/// A warm-up saved after any step and continued from the checkpoint's bytes (Specs/training.md, "Resuming a
/// warm-up").
@Suite("Resuming a warm-up")
struct SFTResumeTests {
    struct Stop: Error {}

    /// Each update's loss bits and each progress line's step, loss bits and accuracy.
    static func trace(_ record: SFTRun.StepRecord) -> [UInt64] {
        [UInt64(record.step), UInt64(record.update.loss.bitPattern), UInt64(record.update.gradientNorm.bitPattern)]
            + (record.progress.map { [UInt64($0.loss.bitPattern), $0.accuracy.bitPattern] } ?? [])
    }

    @Test("a run saved after k steps (k = 0, 7, 10, 13) and continued from the checkpoint's bytes gives the updates, progress lines, final parameter bits and final checkpoint bytes of a run never stopped")
    func resumeIsExact() throws {
        var configuration = Fixtures.tinyConfiguration(steps: 20)
        configuration.evalEvery = 5
        let straight = try SFTRun(configuration)
        var expected: [[UInt64]] = []
        try straight.train(timeLimit: nil) { expected.append(Self.trace($0)) }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for k in [0, 7, 10, 13] {
            let first = try SFTRun(configuration)
            var saved: Checkpoint?
            if k == 0 { saved = try first.checkpoint() }
            do {
                try first.train(timeLimit: nil) { record in
                    if record.step == k { saved = try first.checkpoint(); throw Stop() }
                }
            } catch is Stop {}
            let path = directory.appendingPathComponent("state-\(k).safetensors").path
            try #require(saved).write(to: path)
            let resumed = try SFTRun(resumingFrom: try Checkpoint.read(from: path), path: path)
            #expect(resumed.trainer.step == k)
            var trace: [[UInt64]] = []
            try resumed.train(timeLimit: nil) { trace.append(Self.trace($0)) }
            #expect(trace == Array(expected.dropFirst(k)), "k = \(k)")
            #expect(Fixtures.bits(resumed.trainer.model.parameters) == Fixtures.bits(straight.trainer.model.parameters), "k = \(k)")
            let (a, b) = (directory.appendingPathComponent("a.safetensors").path, directory.appendingPathComponent("b.safetensors").path)
            try resumed.checkpoint().write(to: a)
            try straight.checkpoint().write(to: b)
            #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)), "k = \(k)")
            #expect(resumed.isFinished && resumed.stop == .steps)
        }
    }

    @Test("a checkpoint of another kind, without a tensor or a metadata key, or with a tensor of another shape is refused, naming the file and what is wrong")
    func refusals() throws {
        let run = try SFTRun(Fixtures.tinyConfiguration(steps: 3))
        try run.train(timeLimit: nil) { _ in }
        let good = try run.checkpoint()
        func message(_ change: (inout Checkpoint) -> Void) -> String? {
            var checkpoint = good
            change(&checkpoint)
            do { _ = try SFTRun(resumingFrom: checkpoint, path: "x.safetensors"); return nil } catch { return error.description }
        }
        #expect(message { _ in } == nil)
        #expect(message { $0.metadata["vapo.kind"] = "trainer-state" } == "x.safetensors: metadata vapo.kind is trainer-state; allowed: sft-state, a checkpoint written by vapo sft")
        #expect(message { $0.tensors.removeLast() } == "x.safetensors: tensor adam.v.lm_head.weight is missing")
        #expect(message { $0.metadata.removeValue(forKey: "vapo.adam.step") } == "x.safetensors: metadata vapo.adam.step is missing")
        #expect(message { $0.tensors[0] = NamedTensor($0.tensors[0].name, Tensor<Float>(shape: [1], scalars: [0])) }?.hasPrefix("x.safetensors: tensor policy.") == true)
        #expect(message { $0.metadata["vapo.step"] = "99" } == "x.safetensors: metadata vapo.step is 99; allowed: 0...3, the run's steps")
    }
}
