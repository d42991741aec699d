import ArgumentParser
import Autograd
import Foundation
import Tasks
import Testing
import Transformer

@testable import VapoCLI

/// `vapo sample --json --logprobs` (Specs/vapo.md, "The command line: `vapo sample`"), on the tiny policy of
/// `SampleCommandTests`: each value is recomputed independently by `GPT.tokenLogProbabilities`, one sequence
/// per alternative token.
@Suite("vapo sample --logprobs")
struct SampleLogProbabilitiesTests {
    /// One decoded `--json` line: the prompt, the response and the `logprobs.content` entries.
    struct Line: Decodable {
        struct Alternative: Decodable { var token: String, logprob: Float }
        struct Entry: Decodable {
            var token: String, logprob: Float
            var top_logprobs: [Alternative]
        }
        struct Content: Decodable { var content: [Entry] }
        var prompt: String, response: String
        var logprobs: Content
    }

    static func lines(_ scratch: URL, _ arguments: [String]) throws -> [Line] {
        try SampleCommandTests.sample(scratch, arguments).map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    /// log softmax(logits / temperature) of `token` after `prefix` (BOS included), by `tokenLogProbabilities`.
    static func logProbability(_ policy: GPT<Float>, prefix: [Int], token: Int, temperature: Float) -> Float {
        let tokens = prefix + [token]
        let mask = [Float](repeating: 0, count: prefix.count) + [1]
        return policy.tokenLogProbabilities(TokenBatch([tokens]), responseMask: mask, temperature: temperature).logProbabilities.scalars.last!
    }

    /// Checks every entry of `lines` against `tokenLogProbabilities` at `temperature`, with `top` alternatives.
    static func expectScores(_ lines: [Line], _ policy: GPT<Float>, temperature: Float, top: Int) throws {
        var ranked = 0
        for line in lines {
            let prompt = [Tokenizer.bos] + (try Tokenizer.encode(line.prompt))
            let response = try Tokenizer.encode(line.response)
            #expect(line.logprobs.content.count == response.count && !response.isEmpty)
            for (k, entry) in line.logprobs.content.enumerated() {
                let prefix = prompt + response[..<k]
                #expect(entry.token == String(Tokenizer.characters[response[k]]))
                let expected = logProbability(policy, prefix: prefix, token: response[k], temperature: temperature)
                #expect(entry.logprob.bitPattern == expected.bitPattern, "\(line.prompt) token \(k): \(entry.logprob) vs \(expected)")
                #expect(entry.top_logprobs.count == top)
                for alternative in entry.top_logprobs {
                    let token = try #require(Tokenizer.encode(alternative.token).first)
                    let value = logProbability(policy, prefix: prefix, token: token, temperature: temperature)
                    #expect(alternative.logprob.bitPattern == value.bitPattern)
                }
                let values = entry.top_logprobs.map(\.logprob)
                #expect(values == values.sorted(by: >), "most likely first")
                #expect(Set(entry.top_logprobs.map(\.token)).count == top, "distinct tokens")
                if top > 0, entry.logprob > values.last! {
                    #expect(entry.top_logprobs.contains { $0.token == entry.token && $0.logprob == entry.logprob })
                    ranked += 1
                }
                if top == Tokenizer.vocabularySize {
                    let total = values.reduce(0.0) { $0 + exp(Double($1)) }
                    #expect(abs(total - 1) < 1e-5, "the whole vocabulary's probabilities sum to 1: \(total)")
                }
            }
        }
        if top > 0 { #expect(ranked > 0, "some sampled token ranks in the top \(top)") }
    }

    @Test("--logprobs gives each response token's log-probability under softmax(logits / T), equal bit for bit to tokenLogProbabilities at T; --top-logprobs N lists the N most likely tokens, most likely first, with the sampled token among them when it ranks there")
    func logProbabilitiesAtTemperature() throws {
        let scratch = try SampleCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let policy = try StartingPolicy.read(from: scratch.appendingPathComponent("sft.safetensors").path)
        let arguments = ["--problems", "3", "--samples", "2", "--seed", "4", "--max-new-tokens", "10", "--json", "--temperature", "0.7", "--logprobs"]
        try Self.expectScores(try Self.lines(scratch, arguments + ["--top-logprobs", "5"]), policy, temperature: 0.7, top: 5)
        try Self.expectScores(try Self.lines(scratch, arguments), policy, temperature: 0.7, top: 0)
        try Self.expectScores(try Self.lines(scratch, arguments + ["--top-logprobs", "26"]), policy, temperature: 0.7, top: 26)
        let plain = try SampleCommandTests.sample(scratch, ["--problems", "1", "--json", "--max-new-tokens", "3"])
        #expect(!plain[0].contains("logprobs"), "no logprobs key without --logprobs")
    }

    @Test("at temperature 0 (greedy) the log-probabilities are those of the raw logits (temperature 1), and each greedy token is the first of its top log-probabilities")
    func greedyLogProbabilities() throws {
        let scratch = try SampleCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let policy = try StartingPolicy.read(from: scratch.appendingPathComponent("sft.safetensors").path)
        let lines = try Self.lines(scratch, ["--problems", "3", "--max-new-tokens", "10", "--json", "--temperature", "0", "--logprobs", "--top-logprobs", "3"])
        try Self.expectScores(lines, policy, temperature: 1, top: 3)
        for entry in lines.flatMap(\.logprobs.content) {
            #expect(entry.top_logprobs[0].token == entry.token && entry.top_logprobs[0].logprob == entry.logprob)
        }
    }

    @Test("bad --logprobs and --top-logprobs values are one line naming the flag and what is allowed, with a non-zero exit")
    func badInput() throws {
        let scratch = try SampleCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cases: [([String], String)] = [
            (["--logprobs"], "--logprobs was given without --json; allowed: --logprobs with --json"),
            (["--json", "--top-logprobs", "2"], "--top-logprobs was given without --logprobs; allowed: --top-logprobs with --logprobs"),
            (["--json", "--logprobs", "--top-logprobs=-1"], "--top-logprobs is -1; allowed: 0...26"),
            (["--json", "--logprobs", "--top-logprobs", "27"], "--top-logprobs is 27; allowed: 0...26"),
        ]
        for (arguments, message) in cases {
            var thrown: (any Error)?
            do { _ = try SampleCommandTests.sample(scratch, arguments) } catch { thrown = error }
            let error = try #require(thrown, "\(arguments) was accepted")
            let text = Vapo.message(for: error)
            #expect(text.contains(message), "\(arguments): \(text)")
            #expect(!text.contains("\n") && Vapo.exitCode(for: error) != .success)
        }
    }
}
