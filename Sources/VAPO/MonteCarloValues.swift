// Specs/vapo.md, "VinePPO's Monte-Carlo values".
import Kernels
import RLMath
import Tasks
import Transformer

/// VinePPO's values of a batch of responses (Kazemnejad et al., arXiv 2410.01679): at chosen states of each
/// response, the mean score of K continuations that the current policy samples from the state, in place of
/// a critic's estimate. RLMath's `vinePPOAdvantages` turns them into per-token advantages.
public struct MonteCarloValues: Sendable, Hashable {
    /// Per response, its segment boundaries 0 = b_0 < b_1 < … < b_m below its length, in response tokens:
    /// state b is the prompt then the first b response tokens.
    public var boundaries: [[Int]]
    /// Per response, V̂(b_i) for each of its boundaries: the mean score of the K continuations of state b_i
    /// (b_0 = 0: the prompt's value). The value after the last token is not here: it is the response's score.
    public var values: [[Double]]
    /// Distinct states sampled (responses that share a state share its estimate).
    public var sampledStates: Int
    /// Continuation tokens generated in all.
    public var continuationTokens: Int

    /// The Monte-Carlo values of `responses` at `boundaries` (one list per response, each starting at 0,
    /// increasing strictly and below the response's length, or just 0 for an empty response; RLMath's
    /// `stepBoundaries` makes them), from `continuations` = K continuations each sampled by `policy` under
    /// `configuration`'s rollout settings (`temperature`, `topP`, `maxNewTokens`), at training step `step`.
    ///
    /// V̂(b) = (1/K) Σⱼ s(y<b ⊕ cⱼ): continuation cⱼ has at most `maxNewTokens` − b tokens, and the whole
    /// response, the state's b response tokens then cⱼ, is scored as training scores a response (the verifier
    /// on `task`, `rewardCorrect` / `rewardIncorrect`, shaped by the recipe's reward shaping).
    /// Continuation j of boundary b of response i is sample j of prompt i at sampling step b of the stream
    /// `RandomStream(seed, "vineppo/continuations").child(step)`; responses whose states are equal (the same
    /// problem and the same tokens: the prompt at b = 0 for every sample of a group) share the estimate of the
    /// first of them, as VinePPO's code samples each distinct state once. So the values depend only on the
    /// policy, the task, the responses, their boundaries, the configuration and `step`, never on the thread
    /// count. Errors: a sampling failure (`TrainingError.sampling`).
    ///
    /// - Precondition: `continuations` ≥ 1, `step` ≥ 0; one boundary list per response, each as above.
    public static func estimate<Scalar: KernelScalar>(
        responses: [SampledResponse], boundaries: [[Int]], policy: GPT<Scalar>, task: any ReasoningTask,
        configuration c: TrainingConfiguration, continuations k: Int, step: Int
    ) throws(TrainingError) -> MonteCarloValues {
        precondition(k >= 1, "MonteCarloValues.estimate: continuations must be ≥ 1, got \(k)")
        precondition(step >= 0, "MonteCarloValues.estimate: step must be ≥ 0, got \(step)")
        precondition(boundaries.count == responses.count, "MonteCarloValues.estimate: \(boundaries.count) boundary lists for \(responses.count) responses")
        for (i, list) in boundaries.enumerated() {
            let length = responses[i].responseTokens.count
            precondition(
                areStepBoundaries(list, length: length),
                "MonteCarloValues.estimate: boundaries \(list) of response \(i) must start at 0, increase strictly and end below its \(length) tokens")
        }
        // Each distinct state is sampled once, as a boundary of the first response that reaches it.
        var first: [PrefixState: (response: Int, slot: Int)] = [:]
        var owner: [[(response: Int, slot: Int)]] = []
        var positions = responses.map { _ in [Int]() }
        for (i, list) in boundaries.enumerated() {
            owner.append(list.map { b in
                let tokens = responses[i].tokens
                let state = PrefixState(problem: responses[i].problem, tokens: tokens[..<(responses[i].promptTokens.count + b)])
                if let known = first[state] { return known }
                let slot = (response: i, slot: positions[i].count)
                positions[i].append(b)
                first[state] = slot
                return slot
            })
        }
        let sampled = try PrefixContinuations.scores(
            policy: policy, responses: responses, positions: positions, continuations: k,
            sampling: SamplingOptions(
                seed: RandomStream(seed: c.seed, name: "vineppo/continuations").child(step).key, temperature: c.temperature, topP: c.topP,
                maxNewTokens: c.maxNewTokens, endOfSequence: Tokenizer.eos),
            score: { ResponseSampler.verdict($0, problem: $1.problem, task: task, configuration: c).score })
        let means = sampled.scores.map { $0.map { $0.reduce(0, +) / Double(k) } }
        return MonteCarloValues(
            boundaries: boundaries, values: owner.map { $0.map { means[$0.response][$0.slot] } },
            sampledStates: first.count, continuationTokens: sampled.tokens)
    }
}

/// A state of a response: its problem, and its prompt and first response tokens.
private struct PrefixState: Hashable {
    let problem: Problem
    let tokens: ArraySlice<Int>
}
