import Kernels
import Tasks
import TestSupport
import Testing
import Transformer
import VAPO

@Suite("Held-out evaluation")
struct HeldOutEvaluationTests {
    /// The metrics counted by hand from plain `GPT.sample` calls: greedy responses (temperature 0) and k
    /// samples at T and top-p from the stream `evaluation/sampling`, each verified by `task`, per trace bucket.
    static func expected(_ c: TrainingConfiguration, policy: GPT<Float>, task: any ReasoningTask) throws -> Metrics {
        let problems = try task.evaluationSet(count: c.evalProblems, seed: c.evalSeed, difficulties: c.difficulties(of: task))
        let prompts = problems.map(\.promptTokens)
        let greedy = try policy.sample(
            prompts: prompts, options: SamplingOptions(seed: 99, temperature: 0, maxNewTokens: c.maxNewTokens, endOfSequence: Tokenizer.eos))
        let k = c.evalSamples
        let sampled = k == 1 ? [] : try policy.sample(
            prompts: prompts, samplesPerPrompt: k,
            options: SamplingOptions(
                seed: RandomStream(seed: c.seed, name: "evaluation/sampling").key, temperature: c.evalTemperature, topP: c.evalTopP,
                maxNewTokens: c.maxNewTokens, endOfSequence: Tokenizer.eos))
        var groups: [String: [Int]] = [:]  // key prefix → problem indices
        for (i, problem) in problems.enumerated() {
            let length = problem.traceTokenCount
            let bucket = length < 20 ? "<20" : length < 50 ? "20-49" : length < 100 ? "50-99" : ">=100"
            groups["val-core/addition/acc/", default: []].append(i)
            groups["val-aux/addition/trace_\(bucket)/acc/", default: []].append(i)
        }
        var metrics: Metrics = [:]
        for (prefix, indices) in groups {
            let right = indices.filter { task.verify(response: greedy[$0].tokens, for: problems[$0]) }.count
            metrics[prefix + "pass@1"] = Double(right) / Double(indices.count)
            if k > 1 {
                let rightSamples = indices.flatMap { i in (0..<k).filter { task.verify(response: sampled[i * k + $0].tokens, for: problems[i]) } }.count
                metrics[prefix + "mean@\(k)"] = Double(rightSamples) / Double(indices.count * k)
            }
        }
        return metrics
    }

    @Test("the trainer's held-out metrics are greedy pass@1 and, for k > 1, sampled mean@k (T, top-p, stream evaluation/sampling), overall under val-core and per trace-length bucket under val-aux; k = 1 is greedy pass@1 alone", arguments: [1, 3])
    func heldOutMetrics(k: Int) throws {
        var c = Fixtures.configuration()
        c.evalProblems = 7
        c.evalSamples = k
        c.evalTemperature = 1.3
        c.evalTopP = 0.9
        c.minDifficulty = 1
        c.maxDifficulty = 3
        c.maxNewTokens = 24
        let task = LenientAddition()
        let trainer = try Trainer(configuration: c, policy: Fixtures.policy(Float.self), task: task)
        let metrics = try trainer.evaluate()
        let expected = try Self.expected(c, policy: trainer.policy, task: task)
        #expect(metrics == expected)
        #expect(Set(metrics.keys.filter { $0.hasPrefix("val-aux/") }.map { $0.split(separator: "/")[2] }) == ["trace_<20", "trace_20-49", "trace_50-99"])
        #expect(metrics.keys.contains { $0.hasSuffix("/mean@\(k)") } == (k > 1))
        #expect(metrics[HeldOutEvaluation.passAt1Key(task: "addition")] != nil)
        if k > 1 {
            let mean = try #require(metrics["val-core/addition/acc/mean@\(k)"])
            #expect(mean > 0 && mean < 1, "a mix of verdicts, so the counts are tested")
        }
    }
}
