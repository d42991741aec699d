// Specs/vapo.md, "VinePPO's Monte-Carlo values".
import Foundation
import Kernels
import RLMath
import Tasks
import TestSupport
import Testing
import Transformer
import VAPO

@Suite("VinePPO's Monte-Carlo values")
struct MonteCarloValuesTests {
    static func tokens(_ text: String) -> [Int] { try! Tokenizer.encode(text) }

    /// Hand-made responses: two to `3+5=` that share their first two tokens, one to `12+7=`, and an empty one.
    static func responses() -> [SampledResponse] {
        let a = Fixtures.problem("3+5="), b = Fixtures.problem("12+7=")
        return [
            Fixtures.response(tokens("1:8") + [Tokenizer.answerMarker], group: 0, score: -1, stop: .maxNewTokens, problem: a),
            Fixtures.response(tokens("1:") + [Tokenizer.answerMarker] + tokens("8$"), group: 0, score: 1, problem: a),
            Fixtures.response(tokens("9|1") + [Tokenizer.answerMarker] + tokens("19$"), group: 1, score: 1, problem: b),
            Fixtures.response([], group: 2, score: -1, stop: .maxNewTokens, problem: b),
        ]
    }

    @Test("V̂(b) is the mean score, as training scores a response (DAPO's overlong punishment included), of the K continuations sampled as sample j of prompt i at sampling step b of stream vineppo/continuations, child step; equal states share the first response's estimate")
    func definition() throws {
        let policy = Fixtures.policy(Float.self, seed: 3)
        let task = ColumnAddition()
        for preset in ["vapo", "dapo"] {
            let c = Fixtures.configuration(preset)
            let responses = Self.responses()
            let boundaries = responses.map { stepBoundaries(length: $0.responseTokens.count, every: 2) }
            let k = 5, step = 7
            let out = try MonteCarloValues.estimate(
                responses: responses, boundaries: boundaries, policy: policy, task: task, configuration: c, continuations: k, step: step)
            #expect(out.boundaries == boundaries && out.boundaries == [[0, 2], [0, 2, 4], [0, 2, 4, 6], [0]])
            let sampling = SamplingOptions(
                seed: RandomStream(seed: c.seed, name: "vineppo/continuations").child(step).key, temperature: c.temperature, topP: c.topP,
                maxNewTokens: c.maxNewTokens, endOfSequence: Tokenizer.eos)
            var states: Set<[Int]> = [], tokens = 0
            for (i, response) in responses.enumerated() {
                #expect(out.values[i].count == boundaries[i].count)
                for (slot, b) in boundaries[i].enumerated() {
                    let state = Array(response.tokens[..<(response.promptTokens.count + b)])
                    // The first response with this state owns its estimate.
                    let owner = responses.indices.first { j in
                        responses[j].problem == response.problem && boundaries[j].contains(b)
                            && Array(responses[j].tokens.prefix(responses[j].promptTokens.count + b)) == state
                    }!
                    var options = sampling
                    options.step = b
                    options.maxNewTokens = c.maxNewTokens - b
                    let continuations = try policy.sample(
                        (0..<k).map { SamplingRequest(prompt: state, promptIndex: owner, sampleIndex: $0) }, options: options)
                    let scores = continuations.map { continuation -> Double in
                        let whole = Array(response.responseTokens[..<b]) + continuation.tokens
                        let correct = task.verify(response: whole, for: response.problem)
                        let punishment: Double = preset == "dapo"
                            ? softOverlongPunishment(length: whole.count, maxLength: c.overlongMaxLength, cacheLength: c.overlongCacheLength) : 0
                        return (correct ? c.rewardCorrect : c.rewardIncorrect) + punishment
                    }
                    #expect(out.values[i][slot] == scores.reduce(0, +) / Double(k), "response \(i) boundary \(b) (\(preset))")
                    if states.insert(state).inserted { tokens += continuations.reduce(0) { $0 + $1.length } }
                }
            }
            // The prompt of 3+5= is shared by responses 0 and 1, and so is state 2 ("1:"); the empty response's prompt
            // is response 2's.
            #expect(out.values[1][0] == out.values[0][0] && out.values[1][1] == out.values[0][1] && out.values[3][0] == out.values[2][0])
            #expect(out.sampledStates == states.count && states.count == 7)
            #expect(out.continuationTokens == tokens)
        }
    }

    @Test("the K continuations of a state whose response tokens already hold an answer all score that answer: V̂ is rewardCorrect exactly under the lenient verifier")
    func answeredPrefix() throws {
        let c = Fixtures.configuration()
        let response = Fixtures.response([Tokenizer.answerMarker] + Self.tokens("42$"), group: 0, score: 1, correct: true)
        let out = try MonteCarloValues.estimate(
            responses: [response], boundaries: [[0, 1, 2, 3]], policy: Fixtures.policy(Float.self), task: LenientAddition(),
            configuration: c, continuations: 16, step: 0)
        #expect(out.values[0].dropFirst() == [c.rewardCorrect, c.rewardCorrect, c.rewardCorrect])
        #expect(out.continuationTokens > 0)
    }

    /// `count` responses of the tiny policy to the fixture problems, judged leniently.
    static func sampledResponses(_ policy: GPT<Float>, _ c: TrainingConfiguration, count: Int) throws -> [SampledResponse] {
        let problems = try ColumnAddition().evaluationSet(count: count, seed: 9, difficulties: 1...2)
        let sequences = try policy.sample(
            problems.enumerated().map { SamplingRequest(prompt: $1.promptTokens, promptIndex: $0, sampleIndex: 0) },
            options: SamplingOptions(seed: 4, maxNewTokens: c.maxNewTokens, endOfSequence: Tokenizer.eos))
        return zip(problems, sequences).enumerated().map { i, pair in
            let correct = LenientAddition().verify(response: pair.1.tokens, for: pair.0)
            return Fixtures.response(pair.1.tokens, group: i, score: correct ? 1 : -1, correct: correct, stop: pair.1.stop, problem: pair.0)
        }
    }

    @Test("the same responses, boundaries and step give the same values on 1 and 2 threads (a pool worker running chunks of the 2-thread run); another step gives other values")
    func deterministic() throws {
        let policy = Fixtures.policy(Float.self, seed: 2)
        let c = Fixtures.configuration()
        let responses = try Self.sampledResponses(policy, c, count: 6)
        let boundaries = responses.map { stepBoundaries(length: $0.responseTokens.count, every: 3) }
        func estimate(threads: Int, step: Int = 1) throws -> MonteCarloValues {
            let (values, chunksOffCaller) = try Parallel.observingWorkers(threadCount: threads) {
                try MonteCarloValues.estimate(
                    responses: responses, boundaries: boundaries, policy: policy, task: LenientAddition(), configuration: c,
                    continuations: 6, step: step)
            }
            #expect((chunksOffCaller > 0) == (threads == 2), "\(chunksOffCaller) chunks off the caller with \(threads) thread(s)")
            return values
        }
        let one = try estimate(threads: 1)
        #expect(try estimate(threads: 2) == one)
        #expect(try estimate(threads: 1, step: 2).values != one.values)
        #expect(one.values.joined().allSatisfy { $0 >= c.rewardIncorrect && $0 <= c.rewardCorrect })
    }

    @Test("on the coin policy, whose values are known in closed form, every V̂ is within 4 standard errors of the truth 2q − 1 for K = 16 and K = 1024, the summed errors within 4 of their joint standard error, and the K = 1024 estimates closer to the truth than the K = 16 ones")
    func closedForm() throws {
        let m = 3
        let c = CriticProbeTests.configuration(maxNewTokens: m)
        let task = MarkerThenOnes(ones: m - 1)
        let symbols = [Tokenizer.answerMarker, CriticProbeTests.one]
        // Every response of the coin policy: the 8 strings of # and 1 of length 3, to one problem.
        let responses = (0..<8).map { n in
            let tokens = (0..<m).map { symbols[(n >> $0) & 1] }
            return Fixtures.response(tokens, group: 0, score: task.verify(response: tokens, for: Fixtures.problem()) ? 1 : -1, stop: .maxNewTokens)
        }
        let boundaries = responses.map { stepBoundaries(length: $0.responseTokens.count, every: 1) }
        var squaredErrors: [Int: Double] = [:]
        for k in [16, 1024] {
            let out = try MonteCarloValues.estimate(
                responses: responses, boundaries: boundaries, policy: CriticProbeTests.coinPolicy, task: task, configuration: c,
                continuations: k, step: 0)
            #expect(out.sampledStates == 1 + 2 + 4)
            var seen: Set<[Int]> = [], sum = 0.0, variance = 0.0
            for (i, response) in responses.enumerated() {
                for (slot, b) in boundaries[i].enumerated() {
                    let q = CriticProbeTests.truth(response.responseTokens[..<b], m: m)
                    let truth = 2 * q - 1
                    let standardError = (4 * q * (1 - q) / Double(k)).squareRoot()
                    let v = out.values[i][slot]
                    #expect(abs(v - truth) <= 4 * standardError + 1e-12, "K \(k) response \(i) b \(b): \(v) vs \(truth) ± \(standardError)")
                    guard seen.insert(Array(response.responseTokens[..<b])).inserted else { continue }
                    sum += v - truth
                    variance += standardError * standardError
                    squaredErrors[k, default: 0] += (v - truth) * (v - truth)
                }
            }
            #expect(abs(sum) <= 4 * variance.squareRoot() + 1e-12)
        }
        #expect(squaredErrors[1024]! < squaredErrors[16]!)
    }

    @Test("VinePPO's advantages from these values: the segments' advantages sum to the score minus the prompt's V̂, and a state that holds the answer gives its tokens advantage 0")
    func advantagesFromValues() throws {
        let c = Fixtures.configuration()
        let response = Fixtures.response(Self.tokens("1:") + [Tokenizer.answerMarker] + Self.tokens("8$"), group: 0, score: 1, correct: true)
        let boundaries = [stepBoundaries(tokens: response.responseTokens, after: [Tokenizer.answerMarker])]
        #expect(boundaries == [[0, 3]])
        let out = try MonteCarloValues.estimate(
            responses: [response], boundaries: boundaries, policy: Fixtures.policy(Float.self), task: LenientAddition(), configuration: c,
            continuations: 8, step: 0)
        let advantages = vinePPOAdvantages(mask: response.responseMask, boundaries: out.boundaries[0], values: out.values[0], reward: response.score)
        let prompt = response.promptTokens.count
        #expect(advantages[..<prompt].allSatisfy { $0 == 0 })
        #expect(advantages[prompt..<(prompt + 3)].allSatisfy { $0 == c.rewardCorrect - out.values[0][0] })
        #expect(advantages[(prompt + 3)...].allSatisfy { $0 == 0 })
    }
}
