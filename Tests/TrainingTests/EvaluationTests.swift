import Kernels
import Tasks
import TestSupport
import Testing
import Training
import Transformer

@Suite("Evaluation")
struct EvaluationTests {
    @Test("length buckets split teacher traces at 20, 50 and 100 tokens")
    func buckets() {
        #expect(LengthBucket.all.map(\.description) == ["<20", "20-49", "50-99", ">=100"])
        let expected = [0: 0, 1: 0, 19: 0, 20: 1, 49: 1, 50: 2, 99: 2, 100: 3, 128: 3]
        for (length, index) in expected { #expect(LengthBucket.of(traceLength: length) == LengthBucket.all[index], "\(length)") }
    }

    /// Tokens of a response text (`$` is EOS).
    static func tokens(_ text: String) -> [Int] { try! Tokenizer.encode(text) }

    @Test("hand-made responses give the counted pass@1 and mean@k per task and per length bucket")
    func bookkeeping() throws {
        let addition = ColumnAddition(), counting = DigitCounting()
        let problems = [
            try addition.problem(prompt: "5+7="),        // trace 16: <20
            try addition.problem(prompt: "34+9="),       // 33: 20-49
            try addition.problem(prompt: "347+85="),     // 50: 50-99
            try addition.problem(prompt: "999999+1="),   // 101: >=100
            try addition.problem(prompt: "3+4="),        // 16: <20
            try counting.problem(prompt: "5:5="),        // 7: <20
            try counting.problem(prompt: "2:5815886422182="),  // 103: >=100
        ]
        #expect(problems.map { LengthBucket.of(traceLength: $0.traceTokenCount).description }
            == ["<20", "20-49", "50-99", ">=100", "<20", "<20", ">=100"])
        let teacher = problems.map(\.responseTokens)
        let wrong = Self.tokens("#0$")
        // Greedy: right, wrong, right, right (answer only, no trace: the verifier reads the answer), wrong
        // (no marker), right, wrong (truncated answer). Samples (k = 3): 3, 0, 1, 2, 0, 3, 1 right.
        let responses = [
            ProblemResponses(greedy: teacher[0], samples: [teacher[0], teacher[0], teacher[0]]),
            ProblemResponses(greedy: wrong, samples: [wrong, wrong, []]),
            ProblemResponses(greedy: teacher[2], samples: [wrong, teacher[2], Self.tokens("1:7")]),
            ProblemResponses(greedy: Self.tokens("#1000000$"), samples: [teacher[3], Self.tokens("#1000000"), wrong]),
            ProblemResponses(greedy: Self.tokens("7$"), samples: [wrong, wrong, wrong]),
            ProblemResponses(greedy: teacher[5], samples: [teacher[5], teacher[5], Self.tokens("#1$$$")]),
            ProblemResponses(greedy: Self.tokens("#$"), samples: [wrong, teacher[6], Self.tokens("#4$")]),
        ]
        let report = EvaluationReport(problems: problems, responses: responses, temperature: 0.7)
        struct Row: Equatable { var task: String, bucket: String, problems: Int, greedy: Int, sampled: Int }
        let rows = report.rows.map {
            Row(task: $0.task, bucket: $0.bucket?.description ?? "all", problems: $0.problems, greedy: $0.greedyCorrect, sampled: $0.sampledCorrect)
        }
        #expect(rows == [
            Row(task: "addition", bucket: "all", problems: 5, greedy: 3, sampled: 6),
            Row(task: "addition", bucket: "<20", problems: 2, greedy: 1, sampled: 3),
            Row(task: "addition", bucket: "20-49", problems: 1, greedy: 0, sampled: 0),
            Row(task: "addition", bucket: "50-99", problems: 1, greedy: 1, sampled: 1),
            Row(task: "addition", bucket: ">=100", problems: 1, greedy: 1, sampled: 2),
            Row(task: "counting", bucket: "all", problems: 2, greedy: 1, sampled: 4),
            Row(task: "counting", bucket: "<20", problems: 1, greedy: 1, sampled: 3),
            Row(task: "counting", bucket: ">=100", problems: 1, greedy: 0, sampled: 1),
        ])
        #expect(report.rows[0].passAt1 == 3.0 / 5 && report.rows[0].meanAtK == 6.0 / 15)
        #expect(report.rows[5].passAt1 == 0.5 && report.rows[5].meanAtK == 4.0 / 6)
        #expect(report.passAt1 == 4.0 / 7)
        let lines = report.table.split(separator: "\n")
        #expect(lines.count == 9 && lines[0].contains("mean@3 (T=0.7)"))
        #expect(lines[1].split(separator: " ") == ["addition", "all", "5", "60.0%", "40.0%"])
        #expect(lines[8].split(separator: " ") == ["counting", ">=100", "1", "0.0%", "33.3%"])
    }

    @Test("greedy-only reports have no mean@k column")
    func greedyOnly() throws {
        let problem = try ColumnAddition().problem(prompt: "5+7=")
        let report = EvaluationReport(problems: [problem], responses: [ProblemResponses(greedy: problem.responseTokens, samples: [])], temperature: 1)
        #expect(report.rows.map(\.meanAtK) == [nil, nil] && report.passAt1 == 1)
        #expect(!report.table.contains("mean@"))
    }

    @Test("evaluation samples with GPT.sample: greedy is sample 0 at temperature 0, sample j of problem i is request (i, j), in chunks of any size")
    func usesSampling() throws {
        let model = try GPT<Float>(configuration: Fixtures.tinyModel, head: .languageModel, stream: RandomStream(seed: 9))
        let problems = try ColumnAddition().evaluationSet(count: 6, seed: 3, difficulties: 1...2)
        var options = EvaluationOptions(samples: 3, temperature: 1.3, seed: 11)
        let responses = try model.responses(to: problems, options: options)
        let limit = problems.map { ColumnAddition().maximumTokenCount(difficulty: $0.difficulty) - $0.promptTokens.count }.max()!
        for (i, problem) in problems.enumerated() {
            let greedy = try model.sample(
                [SamplingRequest(prompt: problem.promptTokens, promptIndex: i, sampleIndex: 0)],
                options: SamplingOptions(seed: 11, temperature: 0, maxNewTokens: limit, endOfSequence: Tokenizer.eos))
            #expect(responses[i].greedy == greedy[0].tokens)
            for j in 0..<3 {
                let sampled = try model.sample(
                    [SamplingRequest(prompt: problem.promptTokens, promptIndex: i, sampleIndex: j)],
                    options: SamplingOptions(seed: 11, temperature: 1.3, maxNewTokens: limit, endOfSequence: Tokenizer.eos))
                #expect(responses[i].samples[j] == sampled[0].tokens)
            }
        }
        #expect(Set(responses.flatMap(\.samples)).count > 1)
        options.chunkSize = 4
        #expect(try model.responses(to: problems, options: options) == responses)
        #expect(try model.evaluate(on: problems, options: options) == EvaluationReport(problems: problems, responses: responses, temperature: 1.3))
    }

    @Test("evaluation honours top-p and a set maximum response length, and a caller's task judges the responses and bounds their length")
    func optionsAndTask() throws {
        let model = try GPT<Float>(configuration: Fixtures.tinyModel, head: .languageModel, stream: RandomStream(seed: 9))
        let problems = try ColumnAddition().evaluationSet(count: 6, seed: 3, difficulties: 1...2)
        var options = EvaluationOptions(samples: 2, temperature: 1.3, seed: 11)
        options.topP = 0.8
        options.maxNewTokens = 5
        let responses = try model.responses(to: problems, options: options)
        let prompts = problems.map(\.promptTokens)
        let greedy = try model.sample(prompts: prompts, options: SamplingOptions(seed: 0, temperature: 0, maxNewTokens: 5, endOfSequence: Tokenizer.eos))
        let sampled = try model.sample(
            prompts: prompts, samplesPerPrompt: 2,
            options: SamplingOptions(seed: 11, temperature: 1.3, topP: 0.8, maxNewTokens: 5, endOfSequence: Tokenizer.eos))
        #expect(responses.map(\.greedy) == greedy.map(\.tokens))
        #expect(responses.flatMap(\.samples) == sampled.map(\.tokens))
        // The task's own limit: 30 tokens minus the shortest prompt's.
        options.maxNewTokens = nil
        let task = LenientAddition(tokenLimit: 30)
        let limit = problems.map { 30 - $0.promptTokens.count }.max()!
        let bounded = try model.responses(to: problems, options: options, task: task)
        #expect(bounded.allSatisfy { ([$0.greedy] + $0.samples).allSatisfy { $0.count <= limit } })
        #expect(bounded.contains { ([$0.greedy] + $0.samples).contains { $0.count == limit } })
        let report = try model.evaluate(on: problems, options: options, task: task)
        let stated = bounded.filter { Response.finalAnswer(of: $0.greedy) != nil }.count
        let statedSamples = bounded.flatMap(\.samples).filter { Response.finalAnswer(of: $0) != nil }.count
        #expect(report.rows[0].greedyCorrect == stated && report.rows[0].sampledCorrect == statedSamples)
        #expect(statedSamples > 0, "some samples state an answer, so the caller's verifier is what counted them")
        #expect(report == EvaluationReport(problems: problems, responses: bounded, temperature: 1.3, task: task))
    }
}
