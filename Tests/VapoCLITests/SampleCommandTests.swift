import ArgumentParser
import Autograd
import Checkpoints
import Foundation
import Kernels
import Tasks
import Testing
import Training
import Transformer
import VAPO

@testable import VapoCLI

/// `vapo sample` run through its parser, on a tiny GPT saved both as a `vapo sft` policy and as a `vapo train`
/// checkpoint (parameters under `policy.`), each recording addition at difficulties 1...2.
@Suite("vapo sample")
struct SampleCommandTests {
    static let shape = GPTConfiguration(layers: 1, width: 16, heads: 2, context: 48, vocabulary: Tokenizer.vocabularySize)

    /// A scratch folder with `sft.safetensors` and `train.safetensors` holding the same tiny policy.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vapo-sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let model = try GPT<Float>(configuration: shape, head: .languageModel, stream: RandomStream(seed: 3, name: "sample-test"))
        var sft = SFTConfiguration()
        sft.maxDifficulty = 2
        try PolicyCheckpoint(model: model, configuration: sft, step: 0).write(to: url.appendingPathComponent("sft.safetensors").path)
        var rl = TrainingConfiguration()
        rl.minDifficulty = 1
        rl.maxDifficulty = 2
        let tensors = zip(model.names, model.parameters).map { NamedTensor("policy.\($0)", .float($1)) }
        let metadata = ["config": String(decoding: try JSONEncoder.sorted.encode(shape), as: UTF8.self),
                        "vapo.configuration": String(decoding: rl.jsonData(), as: UTF8.self)]
        try Checkpoint(tensors: tensors, metadata: metadata).write(to: url.appendingPathComponent("train.safetensors").path)
        try Data("{}".utf8).write(to: url.appendingPathComponent("not-a-checkpoint.json"))
        return url
    }

    /// The output lines of `vapo sample --checkpoint <scratch>/<file> <arguments>`.
    static func sample(_ scratch: URL, _ arguments: [String], file: String = "sft.safetensors") throws -> [String] {
        let command = try Vapo.parseAsRoot(["sample", "--checkpoint", scratch.appendingPathComponent(file).path] + arguments)
        return try #require(command as? SampleCommand).lines()
    }

    @Test("plain output shows each held-out prompt, then each response with ✓ or ✗ as the verifier judges it, then the count; --json gives one object a line with prompt, response, stop, correct and reward")
    func outputFormat() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let arguments = ["--problems", "3", "--samples", "2", "--seed", "4", "--max-new-tokens", "12"]
        let text = try Self.sample(scratch, arguments)
        let problems = try ColumnAddition().evaluationSet(count: 3, seed: 4, difficulties: 1...2)
        #expect(text.count == 1 + 3 * 3 + 1)
        #expect(text[0].hasPrefix("sample: "))
        #expect(text[0].contains("3 held-out addition problems (difficulties 1...2, seed 4)"))
        let json = try Self.sample(scratch, arguments + ["--json"])
        #expect(json.count == 6)
        var correct = 0
        for (i, problem) in problems.enumerated() {
            #expect(text[1 + 3 * i] == problem.prompt)
            for j in 0..<2 {
                let line = text[2 + 3 * i + j]
                let object = try #require(try JSONSerialization.jsonObject(with: Data(json[2 * i + j].utf8)) as? [String: Any])
                #expect(Set(object.keys) == ["problem", "sample", "prompt", "response", "stop", "correct", "reward"])
                let response = try #require(object["response"] as? String)
                let verdict = ColumnAddition().verify(response: response, for: problem)
                correct += verdict ? 1 : 0
                #expect(object["problem"] as? Int == i)
                #expect(object["sample"] as? Int == j)
                #expect(object["prompt"] as? String == problem.prompt)
                #expect(object["correct"] as? Bool == verdict)
                let reward: Double = verdict ? 1 : -1
                #expect(object["reward"] as? Double == reward)
                #expect(response.count <= 12)
                let stoppedAtEOS = object["stop"] as? String == "eos"
                #expect(stoppedAtEOS == response.hasSuffix("$"))
                #expect(line.hasPrefix("  \(verdict ? "✓" : "✗") \(response)"), "\(line)")
            }
        }
        #expect(text.last == "correct: \(correct) of 6 (\(String(format: "%.1f%%", 100 * Double(correct) / 6)))")

        let own = try Self.sample(scratch, ["--prompt", "347+85=", "--json", "--max-new-tokens", "4"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(own[0].utf8)) as? [String: Any])
        #expect(own.count == 1)
        #expect(object["prompt"] as? String == "347+85=")
        #expect(object["correct"] as? Bool != nil)
        let unjudged = try Self.sample(scratch, ["--prompt", "12", "--samples", "2"])
        #expect(unjudged.count == 1 + 1 + 2 + 1)
        #expect(unjudged[1] == "12" && unjudged[2].hasPrefix("  ? "))
        #expect(unjudged.last!.hasPrefix("not judged: prompt \"12\" is not a"))
        let unjudgedJSON = try Self.sample(scratch, ["--prompt", "12", "--json"])
        #expect(unjudgedJSON[0].contains("\"correct\":null") && unjudgedJSON[0].contains("\"reward\":null"))
    }

    /// A policy that writes `#`, `answer`, EOS after any prompt of `promptLength` tokens, whatever the prompt:
    /// its blocks add nothing (zero projections), the token embedding is zero, and position p's embedding is
    /// 10·e_(p mod width), which the language-model head maps to the token wanted after position p (a logit
    /// gap of about 80: at temperature 1 the other tokens are never drawn).
    static func answering(_ answer: String, promptLength: Int) throws -> GPT<Float> {
        let (d, v) = (shape.width, shape.vocabulary)
        let random = try GPT<Float>(configuration: shape, head: .languageModel, stream: RandomStream(seed: 3, name: "sample-test"))
        var parameters = Dictionary(uniqueKeysWithValues: zip(random.names, random.parameters))
        for (name, tensor) in parameters where (name.hasPrefix("blocks.") && name.hasSuffix(".weight")) || name == "token_embedding" {
            parameters[name] = Tensor(zeros: tensor.shape)
        }
        parameters["position_embedding"] = Tensor(
            shape: [shape.context, d], scalars: (0..<(shape.context * d)).map { $0 % d == ($0 / d) % d ? 10 : 0 })
        var head = [Float](repeating: 0, count: d * v)
        for (m, token) in try Tokenizer.encode("#\(answer)$").enumerated() { head[((promptLength - 1 + m) % d) * v + token] = 20 }
        parameters["lm_head.weight"] = Tensor(shape: [d, v], scalars: head)
        return try GPT(configuration: shape, head: .languageModel, parameters: parameters)
    }

    @Test("a policy that answers a held-out problem right is shown ✓ with reward +1 in both outputs and counted, as the verifier judges it; its wrong answers ✗ with reward −1")
    func correctAnswers() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vapo-sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        let problems = try ColumnAddition().evaluationSet(count: 4, seed: 6, difficulties: 1...1)
        let answer = try #require(Response.finalAnswer(of: problems[0].responseTokens))
        var sft = SFTConfiguration()
        sft.maxDifficulty = 1
        let policy = try Self.answering(answer, promptLength: problems[0].promptTokens.count)
        try PolicyCheckpoint(model: policy, configuration: sft, step: 0).write(to: url.appendingPathComponent("sft.safetensors").path)
        let arguments = ["--problems", "4", "--samples", "2", "--seed", "6"]
        let text = try Self.sample(url, arguments)
        let json = try Self.sample(url, arguments + ["--json"])
        #expect(text[0].contains("4 held-out addition problems (difficulties 1...1, seed 6)"))
        #expect(text.count == 1 + 4 * 3 + 1 && json.count == 8)
        let response = "#\(answer)$"
        let verdicts = problems.map { ColumnAddition().verify(response: response, for: $0) }
        #expect(verdicts.contains(true) && verdicts.contains(false), "the policy's one answer is right for some problems only: \(verdicts)")
        for (i, problem) in problems.enumerated() {
            #expect(text[1 + 3 * i] == problem.prompt)
            for j in 0..<2 {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(json[2 * i + j].utf8)) as? [String: Any])
                #expect(object["response"] as? String == response)
                #expect(object["correct"] as? Bool == verdicts[i])
                #expect(object["reward"] as? Double == (verdicts[i] ? 1 : -1))
                #expect(text[2 + 3 * i + j].hasPrefix("  \(verdicts[i] ? "✓" : "✗") \(response)"), "\(text[2 + 3 * i + j])")
            }
        }
        let correct = 2 * verdicts.filter { $0 }.count
        #expect(text.last == "correct: \(correct) of 8 (\(String(format: "%.1f%%", 100 * Double(correct) / 8)))")
    }

    @Test("the same seed gives the same output on 1 and 2 threads (as --threads asks, whatever the caller's thread count) and from the sft and the train checkpoint of one policy; another seed other samples; temperature 0 repeats the greedy response")
    func determinism() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let arguments = ["--problems", "5", "--samples", "3", "--temperature", "1.2", "--top-p", "0.9", "--json"]
        // The test's own thread count is the other one, so the counts prove that the command ran as --threads asks.
        let (one, offCallerOne) = try Parallel.observingWorkers(threadCount: 2) {
            try Self.sample(scratch, arguments + ["--seed", "1", "--threads", "1"])
        }
        #expect(offCallerOne == 0, "\(offCallerOne) chunks ran off the caller with --threads 1")
        for _ in 0..<2 {
            let (two, offCaller) = try Parallel.observingWorkers(threadCount: 1) {
                try Self.sample(scratch, arguments + ["--seed", "1", "--threads", "2"])
            }
            #expect(two == one)
            #expect(offCaller > 0, "no chunk ran off the caller with --threads 2")
        }
        #expect(try Self.sample(scratch, arguments + ["--seed", "1", "--threads", "1"], file: "train.safetensors") == one)
        let responses = one.map { line -> String in line.replacingOccurrences(of: "\"sample\":[0-9]", with: "", options: .regularExpression) }
        #expect(Set(responses).count > 5, "distinct samples")
        #expect(try Self.sample(scratch, arguments + ["--seed", "2"]) != one)
        let greedy = try Self.sample(scratch, ["--problems", "2", "--samples", "3", "--temperature", "0"])
        #expect(Set(greedy[2...4]).count == 1)
        #expect(Set(greedy[6...8]).count == 1)
    }

    @Test("bad input is one line naming the flag and what is allowed, with a non-zero exit")
    func badInput() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cases: [(String, [String], String)] = [
            ("sft.safetensors", ["--samples", "0"], "--samples is 0; allowed: 1...1000"),
            ("sft.safetensors", ["--problems", "0"], "--problems is 0; allowed: 1...10000"),
            ("sft.safetensors", ["--problems", "10000", "--samples", "11"], "--samples is 11; allowed: 1...10 (--problems × --samples, the responses, at most 100000)"),
            ("sft.safetensors", ["--temperature=-1"], "--temperature is -1.0; allowed: 0 (greedy) or a positive finite number"),
            ("sft.safetensors", ["--top-p", "0"], "--top-p is 0.0; allowed: (0, 1]"),
            ("sft.safetensors", ["--top-p", "1.5"], "--top-p is 1.5; allowed: (0, 1]"),
            ("sft.safetensors", ["--max-new-tokens", "0"], "--max-new-tokens is 0; allowed: 1 or more"),
            ("sft.safetensors", ["--threads", "0"], "--threads is 0; allowed: 1..."),
            ("sft.safetensors", ["--task", "chess"], "--task is \"chess\"; allowed: addition, multiplication, counting, countdown"),
            ("sft.safetensors", ["--prompt", "34x5="], "--prompt: character \"x\" at position 2 is not in the vocabulary; the 26 characters allowed are _^$#0123456789+-*/=(),|:>c"),
            ("sft.safetensors", ["--prompt", ""], "--prompt is empty; allowed:"),
            ("sft.safetensors", ["--prompt", String(repeating: "1", count: 47)], "--prompt is 47 characters; allowed: 1...46"),
            ("sft.safetensors", ["--prompt", "1+1=", "--problems", "2"], "--problems and --prompt were both given; allowed: one of them"),
            ("none.safetensors", [], "--checkpoint: \(scratch.path)/none.safetensors does not exist; allowed: a policy checkpoint"),
            ("not-a-checkpoint.json", [], "not-a-checkpoint.json"),
        ]
        for (file, arguments, message) in cases {
            var thrown: (any Error)?
            do { _ = try Self.sample(scratch, arguments, file: file) } catch { thrown = error }
            let error = try #require(thrown, "\(arguments) was accepted")
            let text = Vapo.message(for: error)
            #expect(text.contains(message), "\(arguments): \(text)")
            #expect(!text.contains("\n"), "\(arguments): \(text)")
            #expect(Vapo.exitCode(for: error) != .success)
        }
    }
}
