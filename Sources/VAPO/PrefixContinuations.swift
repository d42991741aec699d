// Specs/vapo.md, "VinePPO's Monte-Carlo values" (the continuations), shared with "The critic probe".
import Kernels
import Tasks
import Transformer

/// K continuations of chosen prefixes of responses, sampled by the policy and judged: the Monte-Carlo
/// machinery that the critic probe and VinePPO's values share.
enum PrefixContinuations {
    /// The scores of K = `continuations` continuations of every prefix `positions[i][p]` of response i, as
    /// `scores[i][p][j]` for continuation j, and the number of continuation tokens sampled.
    ///
    /// Prefix t of response i is its prompt then its first t response tokens (0 ≤ t < its length).
    /// Continuation j of it is request (prompt i, sample j) of one `GPT.sample` call per distinct t, in
    /// increasing t, under `sampling` with step t and at most `sampling.maxNewTokens` − t new tokens (the
    /// whole response keeps within `maxNewTokens`); `score(prefix's response tokens + continuation, response)`
    /// judges it as a whole response. So the result depends only on the policy, the responses, the positions and
    /// `sampling` (its seed names the stream), never on the thread count. `progress(prefixes done, tokens so
    /// far)` is called after each t.
    static func scores<Scalar: KernelScalar>(
        policy: GPT<Scalar>, responses: [SampledResponse], positions: [[Int]], continuations k: Int, sampling: SamplingOptions,
        score: ([Int], SampledResponse) -> Double, progress: ((_ done: Int, _ tokens: Int) -> Void)? = nil
    ) throws(TrainingError) -> (scores: [[[Double]]], tokens: Int) {
        precondition(positions.count == responses.count, "PrefixContinuations: \(positions.count) position lists for \(responses.count) responses")
        var scores = positions.map { $0.map { _ in [Double]() } }
        var byPosition: [Int: [(response: Int, slot: Int)]] = [:]
        for (i, list) in positions.enumerated() {
            for (p, t) in list.enumerated() { byPosition[t, default: []].append((i, p)) }
        }
        var done = 0, tokens = 0
        for t in byPosition.keys.sorted() {
            let prefixes = byPosition[t]!
            let requests = prefixes.flatMap { prefix in
                let response = responses[prefix.response]
                let prompt = response.promptTokens + response.responseTokens[..<t]
                return (0..<k).map { SamplingRequest(prompt: prompt, promptIndex: prefix.response, sampleIndex: $0) }
            }
            var options = sampling
            options.step = t
            options.maxNewTokens = sampling.maxNewTokens - t
            let continuations: [SampledSequence]
            do { continuations = try policy.sample(requests, options: options) } catch { throw .sampling(error) }
            for (r, prefix) in prefixes.enumerated() {
                let response = responses[prefix.response]
                let head = Array(response.responseTokens[..<t])
                scores[prefix.response][prefix.slot] = (0..<k).map { j in
                    let continuation = continuations[r * k + j].tokens
                    tokens += continuation.count
                    return score(head + continuation, response)
                }
            }
            done += prefixes.count
            progress?(done, tokens)
        }
        return (scores, tokens)
    }
}
