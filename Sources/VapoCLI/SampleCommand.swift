// Specs/vapo.md, "The command line: `vapo sample`".
import ArgumentParser
import Checkpoints
import Foundation
import Kernels
import Tasks
import Training
import Transformer
import VAPO

/// `vapo sample`: a saved policy's responses to held-out problems or to a prompt of the user's, each judged
/// by the task's verifier.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample responses from a policy checkpoint (vapo sft or vapo train) and check them with the task's verifier.",
        discussion: """
            The prompts are --problems held-out problems of the task for --seed (its evaluation split, never \
            trained on), at the difficulties the checkpoint was trained on, or one --prompt of your own. Each \
            gets --samples responses (--temperature 0: greedy). Plain text shows each prompt, then each response \
            with ✓ (correct final answer) or ✗ (? when the prompt is not a problem of the task); --json writes \
            one JSON object a line instead. The same flags give the same output with any --threads.
            """)

    @Option(help: "Policy checkpoint: policy.safetensors of vapo sft, or checkpoint-step-N.safetensors of vapo train.")
    var checkpoint: String
    @Option(parsing: .unconditional, help: "Task: \(TaskRegistry.names.joined(separator: ", ")). (default: the checkpoint's, else addition)") var task: String?
    @Option(parsing: .unconditional, help: "Held-out problems (1...10000). (default: 5; not with --prompt)") var problems: Int?
    @Option(help: "A prompt of your own instead of held-out problems, e.g. 347+85= (characters: \(String(Tokenizer.characters))). (default: none: held-out problems)")
    var prompt: String?
    @Option(parsing: .unconditional, help: "Responses per prompt (1...1000).") var samples = 1
    @Option(parsing: .unconditional, help: "Sampling temperature; 0 is greedy.") var temperature = 1.0
    @Option(parsing: .unconditional, help: "Nucleus mass in (0, 1]; 1 keeps every token.") var topP = 1.0
    @Option(parsing: .unconditional, help: "Longest response (1 or more; the model's context bounds it too). (default: the longest teacher response of the problems)")
    var maxNewTokens: Int?
    @Option(parsing: .unconditional, help: "Seed of the held-out problems and of the samples.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: threadsHelp) var threads: Int?
    @Flag(help: "One JSON object a line: problem, sample, prompt, response, stop, correct, reward.") var json = false
    @Flag(help: "With --json: each response token's log-probability under the sampling temperature (at temperature 0, under the raw logits), as logprobs.content[k] = {token, logprob, top_logprobs}, OpenAI's and vLLM's shape.")
    var logprobs = false
    @Option(parsing: .unconditional, help: "With --logprobs: the most likely tokens at each response position, listed in top_logprobs (0...\(ResponseLogProbabilities.maximumTop)). (default: 0)")
    var topLogprobs: Int?

    /// The most responses one command samples, problems × samples: 100,000 sequences of at most the model's
    /// context, under 100 MB of tokens for the tasks' context of 128.
    static let maximumResponses = 100_000

    func validate() throws {
        guard !checkpoint.isEmpty else { throw CommandError("--checkpoint is empty; allowed: a policy checkpoint file") }
        if let problems, !(1...10_000).contains(problems) { throw CommandError("--problems is \(problems); allowed: 1...10000") }
        if problems != nil, prompt != nil { throw CommandError("--problems and --prompt were both given; allowed: one of them") }
        if let prompt {
            guard !prompt.isEmpty else { throw CommandError("--prompt is empty; allowed: text such as 347+85=") }
            do { _ = try Tokenizer.encode(prompt) } catch { throw CommandError("--prompt: \(error.description)") }
        }
        if let task, !TaskRegistry.names.contains(task) {
            throw CommandError("--task is \(task.debugDescription); allowed: \(TaskRegistry.names.joined(separator: ", "))")
        }
        guard (1...1000).contains(samples) else { throw CommandError("--samples is \(samples); allowed: 1...1000") }
        // Every response is sampled in one call and kept for the output, so their number is bounded, not only
        // each factor: 10000 problems × 1000 samples would hold 10^7 sequences.
        if let problems, problems * samples > Self.maximumResponses {
            throw CommandError(
                "--samples is \(samples); allowed: 1...\(Self.maximumResponses / problems) (--problems × --samples, the responses, at most \(Self.maximumResponses))")
        }
        guard temperature >= 0, temperature.isFinite else {
            throw CommandError("--temperature is \(temperature); allowed: 0 (greedy) or a positive finite number")
        }
        guard topP > 0, topP <= 1 else { throw CommandError("--top-p is \(topP); allowed: (0, 1]") }
        if let maxNewTokens, maxNewTokens < 1 { throw CommandError("--max-new-tokens is \(maxNewTokens); allowed: 1 or more") }
        if let threads, !(1...Parallel.maximumThreadCount).contains(threads) {
            throw CommandError("--threads is \(threads); allowed: 1...\(Parallel.maximumThreadCount)")
        }
        if logprobs, !json { throw CommandError("--logprobs was given without --json; allowed: --logprobs with --json") }
        if let topLogprobs {
            guard logprobs else { throw CommandError("--top-logprobs was given without --logprobs; allowed: --top-logprobs with --logprobs") }
            guard (0...ResponseLogProbabilities.maximumTop).contains(topLogprobs) else {
                throw CommandError("--top-logprobs is \(topLogprobs); allowed: 0...\(ResponseLogProbabilities.maximumTop)")
            }
        }
    }

    func run() throws {
        for line in try lines() { output(line) }
    }

    /// One prompt to answer: its text, and the problem it states when the task knows it (nil: no verdict).
    struct Query {
        var text: String
        var problem: Problem?
    }

    /// The output lines: plain text (a header, each prompt with its responses, a count of correct ones) or,
    /// with `--json`, one JSON object per response.
    func lines() throws -> [String] {
        try onThreads(threads) { try linesOnThreads() }
    }

    /// The lines, on the threads asked for.
    private func linesOnThreads() throws -> [String] {
        let (file, policy) = try StartingPolicy.checkpointAndPolicy(from: checkpoint, flag: "--checkpoint")
        let trained = TrainedFor(checkpoint: file)
        let task = try TaskRegistry.task(named: self.task ?? trained.task ?? "addition")
        let difficulties = trained.task == task.name ? trained.difficulties(of: task) : task.difficulties
        let queries: [Query]
        if let prompt {
            guard prompt.count + 2 <= policy.configuration.context else {
                throw CommandError("--prompt is \(prompt.count) characters; allowed: 1...\(policy.configuration.context - 2) (the model's context is \(policy.configuration.context) tokens with BOS and one response token)")
            }
            queries = [Query(text: prompt, problem: try? task.problem(prompt: prompt))]
        } else {
            let set = try task.evaluationSet(count: problems ?? 5, seed: seed, difficulties: difficulties)
            queries = set.map { Query(text: $0.prompt, problem: $0) }
        }
        let tokens = queries.map { [Tokenizer.bos] + (try! Tokenizer.encode($0.text)) }
        let teacherLimit = queries.compactMap(\.problem).map { task.maximumTokenCount(difficulty: $0.difficulty) - $0.promptTokens.count }.max()
        let options = SamplingOptions(
            seed: RandomStream(seed: seed, name: "sample/sampling").key, temperature: temperature, topP: topP,
            maxNewTokens: maxNewTokens ?? teacherLimit ?? policy.configuration.context, endOfSequence: Tokenizer.eos)
        let sequences: [SampledSequence]
        do { sequences = try policy.sample(prompts: tokens, samplesPerPrompt: samples, options: options) } catch {
            throw CommandError("\(error)")
        }
        let verdicts = sequences.indices.map { index -> Bool? in
            queries[index / samples].problem.map { task.verify(response: sequences[index].tokens, for: $0) }
        }
        if json {
            return sequences.indices.map { index in
                let verdict = verdicts[index]
                return SampleLine(
                    problem: index / samples, sample: index % samples, prompt: queries[index / samples].text,
                    response: Self.text(sequences[index].tokens), stop: sequences[index].stop.rawValue, correct: verdict,
                    reward: verdict.map { $0 ? trained.rewards.correct : trained.rewards.incorrect },
                    logprobs: logprobs
                        ? ResponseLogProbabilities(
                            policy: policy, prompt: tokens[index / samples], response: sequences[index].tokens, temperature: temperature,
                            top: topLogprobs ?? 0)
                        : nil
                ).json
            }
        }
        let source = prompt == nil
            ? "\(plural(queries.count, "held-out \(task.name) problem")) (difficulties \(difficulties.lowerBound)...\(difficulties.upperBound), seed \(seed))"
            : "your \(task.name) prompt"
        var lines = ["sample: \(checkpoint), \(source), \(plural(samples, "sample")) each at temperature \(temperature), top-p \(topP), "
            + "at most \(options.maxNewTokens) new tokens"]
        for (i, query) in queries.enumerated() {
            lines.append(query.text)
            for j in 0..<samples {
                let index = i * samples + j
                let mark = verdicts[index].map { $0 ? "✓" : "✗" } ?? "?"
                let stop = sequences[index].stop == .endOfSequence ? "" : "  (stopped: \(sequences[index].stop.rawValue))"
                lines.append("  \(mark) \(Self.text(sequences[index].tokens))\(stop)")
            }
        }
        let judged = verdicts.compactMap { $0 }
        if judged.isEmpty {
            lines.append("not judged: \(Self.reason(task, prompt ?? ""))")
        } else {
            let correct = judged.filter { $0 }.count
            lines.append("correct: \(correct) of \(judged.count) (\(String(format: "%.1f%%", 100 * Double(correct) / Double(judged.count))))")
        }
        return lines
    }

    /// The response as text, one character per token (`$` is EOS).
    static func text(_ tokens: [Int]) -> String { (try? Tokenizer.decode(tokens)) ?? "\(tokens)" }

    /// Why the task does not take `prompt`.
    static func reason(_ task: any ReasoningTask, _ prompt: String) -> String {
        do { _ = try task.problem(prompt: prompt); return "" } catch { return error.description }
    }
}

/// What a checkpoint says it was trained on: the task, difficulties and rewards of its `vapo.sft` (SFT) or
/// `vapo.configuration` (`vapo train`) metadata, when it has them.
struct TrainedFor {
    var task: String?
    var minDifficulty: Int?
    var maxDifficulty: Int?
    var rewards = (correct: TrainingConfiguration().rewardCorrect, incorrect: TrainingConfiguration().rewardIncorrect)

    init(checkpoint: Checkpoint) {
        if let text = checkpoint.metadata["vapo.configuration"],
            let c = try? TrainingConfiguration.decode(json: Data(text.utf8))
        {
            (task, minDifficulty, maxDifficulty) = (c.task, c.minDifficulty, c.maxDifficulty)
            rewards = (c.rewardCorrect, c.rewardIncorrect)
        } else if let text = checkpoint.metadata["vapo.sft"], let c = try? JSONDecoder().decode(SFTConfiguration.self, from: Data(text.utf8)) {
            (task, minDifficulty, maxDifficulty) = (c.task, c.minDifficulty, c.maxDifficulty)
        }
    }

    /// The recorded difficulties, within the task's range.
    func difficulties(of task: any ReasoningTask) -> ClosedRange<Int> {
        let range = task.difficulties
        let lower = min(max(minDifficulty ?? range.lowerBound, range.lowerBound), range.upperBound)
        return lower...max(lower, min(maxDifficulty ?? range.upperBound, range.upperBound))
    }
}

/// One `--json` line. `correct` and `reward` are null when the prompt is not a problem of the task; `logprobs`
/// is there only with `--logprobs`.
struct SampleLine: Encodable {
    var problem: Int, sample: Int
    var prompt: String, response: String, stop: String
    var correct: Bool?
    var reward: Double?
    var logprobs: ResponseLogProbabilities? = nil

    enum CodingKeys: String, CodingKey { case problem, sample, prompt, response, stop, correct, reward, logprobs }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(problem, forKey: .problem)
        try container.encode(sample, forKey: .sample)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(response, forKey: .response)
        try container.encode(stop, forKey: .stop)
        try container.encode(correct, forKey: .correct)
        try container.encode(reward, forKey: .reward)
        try container.encodeIfPresent(logprobs, forKey: .logprobs)
    }

    /// The line: sorted keys, so the same sample is the same bytes; `/` (a countdown operator) unescaped.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
