import Kernels
import Tasks
import TestSupport
import Transformer
import VAPO

/// Test data from the shared SplitMix64, so a failing case is reproducible from its seed.
typealias TestRandom = SplitMix64

enum Fixtures {
    /// The tiny GPT of the trainer tests: 1 layer, width 16, 2 heads, context 32, the Tasks vocabulary.
    static let tiny = GPTConfiguration(layers: 1, width: 16, heads: 2, context: 32, vocabulary: Tokenizer.vocabularySize)

    static func policy<S: KernelScalar>(_: S.Type = S.self, seed: UInt64 = 1, configuration: GPTConfiguration = tiny) -> GPT<S> {
        try! GPT(configuration: configuration, head: .languageModel, stream: RandomStream(seed: seed, name: "test-policy"))
    }

    /// `preset` at toy-of-toy size: 2 prompts × 2 samples, mini-batches of 2 in micro-batches of 1, 2 epochs,
    /// 8 new tokens, 2 reward-model and 2 value-pretraining steps, an evaluation every 2 steps on 3 problems.
    static func configuration(_ preset: String = "vapo") -> TrainingConfiguration {
        var c = try! TrainingConfiguration.preset(named: preset)
        c.promptsPerStep = 2
        c.samplesPerPrompt = 2
        c.miniBatchSize = 2
        c.microBatchSize = 1
        c.ppoEpochs = 2
        c.maxNewTokens = 8
        c.overlongMaxLength = 8
        c.overlongCacheLength = 3
        c.rewardModelSteps = 2
        c.valuePretrainingSteps = 2
        c.valuePretrainingExplainedVariance = 1
        c.evalEvery = 2
        c.evalProblems = 3
        c.minDifficulty = 1
        c.maxDifficulty = 1
        c.actorLearningRate = 1e-3
        c.criticLearningRate = 2e-3
        c.rewardModelLearningRate = 1e-3
        c.warmupSteps = 1
        c.seed = 5
        return c
    }

    /// A problem of the addition task, for hand-made rollouts.
    static func problem(_ prompt: String = "3+5=") -> Problem { try! ColumnAddition().problem(prompt: prompt) }

    /// A response to `problem` with the given response tokens.
    static func response(
        _ tokens: [Int], group: Int, score: Double, correct: Bool = false, stop: SamplingStop = .endOfSequence,
        problem: Problem = problem()
    ) -> SampledResponse {
        SampledResponse(
            problem: problem, group: group, promptTokens: problem.promptTokens, responseTokens: tokens, stop: stop,
            correct: correct, score: score)
    }
}
