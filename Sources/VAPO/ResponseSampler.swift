// Specs/vapo.md, "The loop, step by step": the rollout's problems, responses and scores (step 1).
import Kernels
import RLMath
import Tasks
import Transformer

/// Draws problems from the task's training split and samples and judges the policy's responses.
struct ResponseSampler: Sendable {
    let task: any ReasoningTask
    let configuration: TrainingConfiguration
    /// The task seed of this phase's problems (a named stream of the master seed).
    let dataSeed: UInt64
    /// The seed of this phase's sampling streams.
    let samplingSeed: UInt64

    /// `phase` names the streams: problems come from `RandomStream(seed, "<phase>/data")`'s key and samples
    /// from `"<phase>/sampling"`'s, so each phase (reward model, value pretraining, RL) sees its own problems
    /// and draws whatever the other phases did.
    init(task: any ReasoningTask, configuration: TrainingConfiguration, phase: String) {
        self.task = task
        self.configuration = configuration
        dataSeed = RandomStream(seed: configuration.seed, name: "\(phase)/data").key
        samplingSeed = RandomStream(seed: configuration.seed, name: "\(phase)/sampling").key
    }

    /// Training problems number `position ..< position + count` of this phase: the task's `trainingSet`,
    /// cycling through the configured difficulties.
    func problems(count: Int, at position: Int) throws(TrainingError) -> [Problem] {
        do {
            return try task.trainingSet(
                count: count, seed: dataSeed, difficulties: configuration.difficulties(of: task), startIndex: position)
        } catch {
            throw .task(error)
        }
    }

    /// `samplesPerPrompt` responses to each problem, grouped by problem. Problem i is prompt
    /// `firstPromptIndex + i` of sampling step `step`, which with the sample index alone chooses its random
    /// stream (Specs/model.md, "Determinism rule").
    func sample<S: KernelScalar>(
        _ policy: GPT<S>, problems: [Problem], firstPromptIndex: Int, samplesPerPrompt: Int, step: Int
    ) throws(TrainingError) -> [[SampledResponse]] {
        let options = SamplingOptions(
            seed: samplingSeed, step: step, temperature: configuration.temperature, topP: configuration.topP,
            maxNewTokens: configuration.maxNewTokens, endOfSequence: Tokenizer.eos)
        let requests = problems.enumerated().flatMap { i, problem in
            (0..<samplesPerPrompt).map {
                SamplingRequest(prompt: problem.promptTokens, promptIndex: firstPromptIndex + i, sampleIndex: $0)
            }
        }
        let sampled: [SampledSequence]
        do { sampled = try policy.sample(requests, options: options) } catch { throw .sampling(error) }
        return problems.indices.map { i in
            (0..<samplesPerPrompt).map { j in
                judge(sampled[i * samplesPerPrompt + j], problem: problems[i], group: firstPromptIndex + i)
            }
        }
    }

    /// The response with its verdict and score: `rewardCorrect` or `rewardIncorrect`, shaped by the recipe's
    /// reward shaping (DAPO's soft overlong punishment when `overlongPunishment` is on).
    func judge(_ sequence: SampledSequence, problem: Problem, group: Int) -> SampledResponse {
        let verdict = Self.verdict(sequence.tokens, problem: problem, task: task, configuration: configuration)
        return SampledResponse(
            problem: problem, group: group, promptTokens: problem.promptTokens, responseTokens: sequence.tokens,
            stop: sequence.stop, correct: verdict.correct, score: verdict.score)
    }

    /// The verifier's verdict on the response tokens `response` and the score training gives them (see `judge`).
    static func verdict(
        _ response: [Int], problem: Problem, task: any ReasoningTask, configuration: TrainingConfiguration
    ) -> (correct: Bool, score: Double) {
        let correct = task.verify(response: response, for: problem)
        let score = RewardShaping(configuration: configuration).score(
            correct ? configuration.rewardCorrect : configuration.rewardIncorrect, length: response.count)
        return (correct, score)
    }
}
