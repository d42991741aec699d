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
        c.evaluationProblems = 40
        c.evaluateEvery = 100
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
        #expect(outcome.report.samplesPerProblem == configuration.samples)
    }

    @Test("a run stops at the first evaluation that reaches the target accuracy, or after the step that passes the time limit")
    func stoppingRules() throws {
        var target = Self.configuration()
        target.targetAccuracy = 0.05
        target.evaluateEvery = 50
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
