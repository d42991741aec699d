// Specs/vapo.md, "The loop, step by step": one judged response of a rollout.
import Tasks
import Transformer

/// One sampled response to one problem, judged by the verifier.
public struct SampledResponse: Sendable, Hashable {
    /// The problem the prompt states.
    public let problem: Problem
    /// Which group (prompt) of the step it belongs to; the samples of one prompt share it.
    public let group: Int
    /// BOS and the prompt: what the policy was given.
    public let promptTokens: [Int]
    /// The generated tokens (EOS last when the response finished).
    public let responseTokens: [Int]
    /// Why generation stopped.
    public let stop: SamplingStop
    /// Whether the verifier accepts the final answer.
    public let correct: Bool
    /// The sequence-level reward: `rewardCorrect` or `rewardIncorrect`, plus DAPO's soft overlong punishment.
    public let score: Double

    /// Prompt then response: the sequence the models score.
    public var tokens: [Int] { promptTokens + responseTokens }
    /// Whether the response was cut by the length limit instead of ending with EOS.
    public var truncated: Bool { stop != .endOfSequence }
    /// Mask over `tokens`: true at the response's tokens.
    public var responseMask: [Bool] {
        Array(repeating: false, count: promptTokens.count) + Array(repeating: true, count: responseTokens.count)
    }

    /// A response with the given parts.
    public init(
        problem: Problem, group: Int, promptTokens: [Int], responseTokens: [Int], stop: SamplingStop, correct: Bool,
        score: Double
    ) {
        self.problem = problem
        self.group = group
        self.promptTokens = promptTokens
        self.responseTokens = responseTokens
        self.stop = stop
        self.correct = correct
        self.score = score
    }
}
