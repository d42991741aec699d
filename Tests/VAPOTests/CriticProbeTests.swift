import Autograd
import Foundation
import Kernels
import RLMath
import TestSupport
import Tasks
import Testing
import Transformer
import VAPO

/// Addition problems judged by a rule whose values are known in closed form for the hand-built policy below:
/// a response is correct when its first token is the answer marker and the rest are all `1`
/// (`#` then m − 1 ones, m = `maxNewTokens`).
struct MarkerThenOnes: ReasoningTask {
    let name = "addition"
    let difficulties = ColumnAddition().difficulties
    let ones: Int
    /// Whether the task has a teacher trace (false: the task-without-trace case).
    var hasTeacherTrace = true

    func draw(difficulty: Int, from stream: inout RandomStream) -> Problem? { ColumnAddition().draw(difficulty: difficulty, from: &stream) }
    func problem(prompt: String) throws(TaskError) -> Problem { try ColumnAddition().problem(prompt: prompt) }
    func isCorrect(answer: String, for problem: Problem) -> Bool { answer == String(repeating: "1", count: ones) }
    func splitKey(for problem: Problem) -> String { ColumnAddition().splitKey(for: problem) }
    func maximumTokenCount(difficulty: Int) -> Int { ColumnAddition().maximumTokenCount(difficulty: difficulty) }
}

@Suite("Critic probe")
struct CriticProbeTests {
    static let shape = GPTConfiguration(layers: 1, width: 16, heads: 2, context: 32, vocabulary: Tokenizer.vocabularySize)
    static let one = try! Tokenizer.encode("1")[0]

    /// A GPT whose output does not depend on its input: every parameter 0 but the final layer norm's offset
    /// e₀, so the trunk's output is e₀ at every position, and the head's row 0, which is then the output:
    /// `logits` for a language-model head, `value` (the head's bias) for a scalar head.
    static func constantModel(head: GPTHead, logits: [Float] = [], value: Float = 0) -> GPT<Float> {
        var parameters: [String: Tensor<Float>] = [:]
        for specification in shape.parameterSpecifications(head: head) {
            var scalars = [Float](repeating: 0, count: specification.shape.reduce(1, *))
            switch specification.name {
            case "final_norm.offset": scalars[0] = 1
            case "lm_head.weight": for (v, logit) in logits.enumerated() { scalars[v] = logit }
            case "scalar_head.bias": scalars[0] = value
            default: break
            }
            parameters[specification.name] = Tensor(shape: specification.shape, scalars: scalars)
        }
        return try! GPT(configuration: shape, head: head, parameters: parameters)
    }

    /// A policy that writes `#` and `1` with probability 1/2 each and nothing else.
    static var coinPolicy: GPT<Float> {
        var logits = [Float](repeating: -10_000, count: Tokenizer.vocabularySize)
        logits[Tokenizer.answerMarker] = 0
        logits[one] = 0
        return constantModel(head: .languageModel, logits: logits)
    }

    /// The tiny configuration with responses of `maxNewTokens` tokens.
    static func configuration(maxNewTokens: Int = 3) -> TrainingConfiguration {
        var c = Fixtures.configuration()
        c.maxNewTokens = maxNewTokens
        c.overlongMaxLength = maxNewTokens
        c.overlongCacheLength = 1
        c.maxDifficulty = 2
        return c
    }

    /// P(correct | the first t response tokens `prefix`) under the coin policy and `MarkerThenOnes` with m
    /// tokens: 2^−m at t = 0; 2^−(m − t) when the prefix is `#` then ones; else 0.
    static func truth(_ prefix: ArraySlice<Int>, m: Int) -> Double {
        guard let first = prefix.first else { return pow(0.5, Double(m)) }
        guard first == Tokenizer.answerMarker, prefix.dropFirst().allSatisfy({ $0 == one }) else { return 0 }
        return pow(0.5, Double(m - prefix.count))
    }

    @Test("on a hand-built policy whose values are known in closed form, every V_MC is within 4 standard errors of the truth, the errors summed are within 4 of the reported standard errors, and a constant critic explains none of the variance")
    func closedForm() throws {
        let m = 3, k = 256
        let critic = Self.constantModel(head: .scalar, value: 0.25)
        let options = CriticProbeOptions(problems: 8, continuations: k, prefixesPerResponse: nil, seed: 3)
        let report = try CriticProbe.measure(
            policy: Self.coinPolicy, critic: critic, task: MarkerThenOnes(ones: m - 1), configuration: Self.configuration(maxNewTokens: m),
            options: options)
        #expect(report.responses.count == 8 && report.prefixes.count == 8 * m)
        var sum = 0.0, reported = 0.0
        for record in report.prefixes {
            let tokens = report.responses[record.response].tokens
            #expect(tokens.count == m && tokens.allSatisfy { $0 == Tokenizer.answerMarker || $0 == Self.one })
            let q = Self.truth(tokens[..<record.position], m: m)
            let value = 2 * q - 1
            let standardError = (4 * q * (1 - q) / Double(k)).squareRoot()
            #expect(abs(record.monteCarloValue - value) <= 4 * standardError + 1e-12, "\(record): truth \(value) ± \(standardError)")
            if q == 0 { #expect(record.monteCarloValue == -1 && record.monteCarloStandardError == 0) }
            if q > 0 { #expect(abs(record.monteCarloStandardError - standardError) <= 0.25 * standardError, "\(record)") }
            #expect(record.value == 0.25)
            #expect(record.monteCarloReturn == (tokens == [Tokenizer.answerMarker, Self.one, Self.one] ? 1 : -1))
            sum += record.monteCarloValue - value
            reported += record.monteCarloStandardError * record.monteCarloStandardError
        }
        #expect(abs(sum) <= 4 * reported.squareRoot())
        // A constant critic: EV 0 against anything, no correlation, bias c − mean V_MC, no drop at the first error.
        let all = report.overall
        #expect(abs(all.explainedVarianceMonteCarlo) < 1e-12 && abs(all.explainedVarianceReturns) < 1e-12)
        #expect(all.correlation == nil)
        let meanMC = report.prefixes.reduce(0) { $0 + $1.monteCarloValue } / Double(report.prefixes.count)
        #expect(abs(all.bias - (0.25 - meanMC)) < 1e-12 && abs(all.meanMonteCarloValue - meanMC) < 1e-12)
        let first = try #require(report.firstError)
        #expect(first.responses == 8 && first.criticDrop == 0)
        // The teacher response starts with `1:`: a response leaves it at token 0 (`#`) or at token 1.
        for response in report.responses { #expect(response.firstError == (response.tokens[0] == Self.one ? 1 : 0)) }
        let drops = report.responses.map { response -> Double in
            let t = response.firstError!
            func mc(_ position: Int) -> Double {
                report.prefixes.first { $0.response == report.responses.firstIndex(of: response)! && $0.position == position }!.monteCarloValue
            }
            return mc(t + 1) - mc(t)
        }
        let monteCarloDrop = try #require(first.monteCarloDrop)
        #expect(abs(monteCarloDrop - drops.reduce(0, +) / 8) < 1e-12)
        #expect(first.ratio == 0)
    }

    @Test("the figures are RLMath's explained variance, mean absolute error, Pearson correlation and bias of the probed prefixes; a critic equal to V_MC scores 1, 0, 1, 0")
    func figureDefinitions() throws {
        let mc: [Double] = [-1, -0.5, 0.25, 0.75, 1, -0.25]
        let returns: [Double] = [-1, -1, 1, 1, 1, -1]
        let values: [Double] = [-0.5, -0.5, 0, 0.5, 0.25, 0.5]
        func records(_ v: [Double]) -> [ProbedPrefix] {
            v.indices.map { ProbedPrefix(response: $0, position: $0, value: v[$0], monteCarloValue: mc[$0], monteCarloStandardError: 0.1, monteCarloReturn: returns[$0]) }
        }
        let exact = CriticProbeFigures(label: "all", records: records(mc))
        #expect(exact.explainedVarianceMonteCarlo == 1 && exact.meanAbsoluteError == 0 && exact.bias == 0)
        #expect(abs(try #require(exact.correlation) - 1) < 1e-12)
        #expect(exact.explainedVarianceReturns == exact.ceilingReturns)
        let f = CriticProbeFigures(label: "all", records: records(values))
        func ev(_ p: [Double], _ t: [Double]) -> Double { explainedVariance(values: [p], returns: [t], masks: [Array(repeating: true, count: p.count)]) }
        #expect(f.explainedVarianceMonteCarlo == ev(values, mc))
        #expect(f.explainedVarianceReturns == ev(values, returns))
        #expect(f.ceilingReturns == ev(mc, returns))
        #expect(abs(f.meanAbsoluteError - zip(values, mc).map { abs($0 - $1) }.reduce(0, +) / 6) < 1e-15)
        #expect(abs(f.bias - zip(values, mc).map { $0 - $1 }.reduce(0, +) / 6) < 1e-15)
        #expect(abs(f.monteCarloStandardError - 0.1) < 1e-15)
        // Pearson by its definition, computed in another order.
        let (mv, mm) = (values.reduce(0, +) / 6, mc.reduce(0, +) / 6)
        let cov = zip(values, mc).map { ($0 - mv) * ($1 - mm) }.reduce(0, +)
        let pearson = cov / (values.map { ($0 - mv) * ($0 - mv) }.reduce(0, +) * mc.map { ($0 - mm) * ($0 - mm) }.reduce(0, +)).squareRoot()
        #expect(abs(try #require(f.correlation) - pearson) < 1e-12)
    }

    /// A random tiny policy and critic.
    static func randomModels() -> (GPT<Float>, GPT<Float>) {
        let policy = Fixtures.policy(Float.self, seed: 2, configuration: shape)
        let critic = try! GPT<Float>(configuration: shape, head: .scalar, stream: RandomStream(seed: 4, name: "test-critic"))
        return (policy, critic)
    }

    @Test("the same seed gives the same report on 1 and 2 threads (a pool worker running chunks of the 2-thread runs), the critic's values are Rollout.score's, and another seed gives another report")
    func deterministic() throws {
        let (policy, critic) = Self.randomModels()
        let c = Self.configuration(maxNewTokens: 10)
        let options = CriticProbeOptions(problems: 6, continuations: 4, prefixesPerResponse: 3, seed: 11)
        func measure(threads: Int, seed: UInt64 = 11) throws -> CriticProbeReport {
            var o = options
            o.seed = seed
            let (report, chunksOffCaller) = try Parallel.observingWorkers(threadCount: threads) {
                try CriticProbe.measure(policy: policy, critic: critic, task: ColumnAddition(), configuration: c, options: o)
            }
            #expect((chunksOffCaller > 0) == (threads == 2), "\(chunksOffCaller) chunks off the caller with \(threads) thread(s)")
            return report
        }
        let one = try measure(threads: 1)
        #expect(try measure(threads: 2) == one)
        #expect(try measure(threads: 1, seed: 12) != one)
        #expect(one.jsonData() == (try measure(threads: 2)).jsonData())
        let problems = try ColumnAddition().evaluationSet(count: 6, seed: 11, difficulties: 1...2)
        #expect(one.responses.map(\.prompt) == problems.map(\.prompt))
        // The values are those of the rollout of the responses, scored with the policy and the critic.
        let sampled = zip(problems, one.responses).enumerated().map { i, pair in
            SampledResponse(
                problem: pair.0, group: i, promptTokens: pair.0.promptTokens, responseTokens: pair.1.tokens, stop: .endOfSequence,
                correct: pair.1.correct, score: pair.1.score)
        }
        var rollout = Rollout<Float>(responses: sampled, samplesPerGroup: 1, overlongFiltering: false)
        rollout.score(policy: policy, critic: critic, reference: nil, chunkSize: c.microBatchSize, temperature: Float(c.temperature))
        let values = try #require(rollout.values)
        for record in one.prefixes {
            #expect(record.value == Double(values[record.response][problems[record.response].promptTokens.count + record.position]))
        }
    }

    @Test("each response is probed at its subsample of distinct positions and at both sides of its first error; --all-prefixes probes every position")
    func positions() throws {
        let (policy, critic) = Self.randomModels()
        let c = Self.configuration(maxNewTokens: 10)
        let some = try CriticProbe.measure(
            policy: policy, critic: critic, task: ColumnAddition(), configuration: c,
            options: CriticProbeOptions(problems: 6, continuations: 2, prefixesPerResponse: 2, seed: 1))
        let every = try CriticProbe.measure(
            policy: policy, critic: critic, task: ColumnAddition(), configuration: c,
            options: CriticProbeOptions(problems: 6, continuations: 2, prefixesPerResponse: nil, seed: 1, firstError: false))
        #expect(some.responses.map(\.tokens) == every.responses.map(\.tokens))
        let problems = try ColumnAddition().evaluationSet(count: 6, seed: 1, difficulties: 1...2)
        for (i, response) in some.responses.enumerated() {
            let length = response.tokens.count
            let probed = some.prefixes.filter { $0.response == i }.map(\.position)
            let subsample = CriticProbe.subsample(length: length, count: 2, stream: RandomStream(seed: 1, name: "critic-probe/prefixes").child(i))
            #expect(subsample.count == min(2, length) && Set(subsample).count == subsample.count && subsample.allSatisfy { (0..<length).contains($0) })
            var expected = Set(subsample)
            let error = CriticProbe.firstDeparture(response: response.tokens, teacher: problems[i].responseTokens)
            #expect(response.firstError == error)
            if let error { expected.formUnion([error, error + 1].filter { $0 < length }) }
            #expect(probed == expected.sorted())
            #expect(every.prefixes.filter { $0.response == i }.map(\.position) == Array(0..<length))
        }
        #expect(every.firstError == nil && every.responses.allSatisfy { $0.firstError == nil })
        // The bucket figures cover the prefixes in their positions.
        #expect(every.buckets.reduce(0) { $0 + $1.prefixes } == every.prefixes.count)
    }

    @Test("the first error is the first token where the response leaves the teacher response, or its first token beyond the teacher's end; none when it follows the teacher or stops early")
    func firstDeparture() {
        let teacher = [5, 6, 7, 2]
        #expect(CriticProbe.firstDeparture(response: [5, 6, 7, 2], teacher: teacher) == nil)
        #expect(CriticProbe.firstDeparture(response: [5, 6], teacher: teacher) == nil)
        #expect(CriticProbe.firstDeparture(response: [5, 9, 7, 2], teacher: teacher) == 1)
        #expect(CriticProbe.firstDeparture(response: [4], teacher: teacher) == 0)
        #expect(CriticProbe.firstDeparture(response: [5, 6, 7, 8, 2], teacher: teacher) == 3)
        #expect(CriticProbe.firstDeparture(response: [5, 6, 7, 2, 2], teacher: teacher) == 4)
        #expect(CriticProbe.firstDeparture(response: [5, 6, 7, 2, 9], teacher: teacher) == 4)
    }

    @Test("a first error at a response's last token takes the response's score as the value after it, for the critic and for V_MC")
    func terminalFirstError() throws {
        // The coin policy with one token: the teacher response starts with `1`, so `#` departs at token 0, which is the last.
        let critic = Self.constantModel(head: .scalar, value: 0.25)
        let report = try CriticProbe.measure(
            policy: Self.coinPolicy, critic: critic, task: MarkerThenOnes(ones: 0), configuration: Self.configuration(maxNewTokens: 1),
            options: CriticProbeOptions(problems: 8, continuations: 16, seed: 5))
        let departing = report.responses.enumerated().filter { $0.element.firstError != nil }
        #expect(!departing.isEmpty)
        for (_, response) in departing { #expect(response.tokens == [Tokenizer.answerMarker] && response.firstError == 0 && response.score == 1) }
        let first = try #require(report.firstError)
        // Before the token: V = 0.25 and V_MC at prefix 0; after it: the score, 1.
        let before = departing.map { i, _ in report.prefixes.first { $0.response == i && $0.position == 0 }!.monteCarloValue }
        #expect(first.criticDrop == 0.75)
        let drop: Double = before.map { 1 - $0 }.reduce(0, +) / Double(before.count)
        let monteCarloDrop = try #require(first.monteCarloDrop)
        #expect(abs(monteCarloDrop - drop) < 1e-12)
    }

    @Test("an option out of range, a model with the wrong head, and first-error figures on a task without teacher traces are one TrainingError line")
    func badInput() {
        let (policy, critic) = Self.randomModels()
        let c = Self.configuration()
        let cases: [(GPT<Float>, GPT<Float>, any ReasoningTask, CriticProbeOptions, String)] = [
            (policy, critic, ColumnAddition(), CriticProbeOptions(continuations: 0), "critic probe: continuations is 0; allowed: 1...100000"),
            (policy, critic, ColumnAddition(), CriticProbeOptions(problems: 0), "critic probe: problems is 0; allowed: 1...100000"),
            (policy, critic, ColumnAddition(), CriticProbeOptions(problems: 100_000, continuations: 11),
             "critic probe: continuations is 11; allowed: 1...10 (problems × continuations, the sequences of one sampling call, at most 1000000)"),
            (policy, critic, ColumnAddition(), CriticProbeOptions(prefixesPerResponse: 0), "critic probe: prefixesPerResponse is 0; allowed: 1...100000, or every position"),
            (critic, critic, ColumnAddition(), CriticProbeOptions(), "model: policy head is scalar; allowed: language_model"),
            (policy, policy, ColumnAddition(), CriticProbeOptions(), "model: critic head is language_model; allowed: scalar"),
            (policy, critic, MarkerThenOnes(ones: 1, hasTeacherTrace: false), CriticProbeOptions(problems: 2),
             "critic probe: firstError is true (task addition has no teacher trace); allowed: false for a task without teacher traces"),
        ]
        for (policy, critic, task, options, message) in cases {
            var thrown: TrainingError?
            do { _ = try CriticProbe.measure(policy: policy, critic: critic, task: task, configuration: c, options: options) } catch { thrown = error }
            let text = thrown?.description ?? "accepted"
            #expect(text.hasPrefix(message), "\(text)")
            #expect(!text.contains("\n"))
        }
        var off = CriticProbeOptions(problems: 2, continuations: 2)
        off.firstError = false
        #expect(throws: Never.self) {
            try CriticProbe.measure(policy: policy, critic: critic, task: MarkerThenOnes(ones: 1, hasTeacherTrace: false), configuration: c, options: off)
        }
    }
}
