// Specs/model.md, "Sampling".
import Autograd
import Kernels

extension GPT {
    /// Samples `samplesPerPrompt` continuations of every prompt: request (i, j) is sample j of prompt i.
    /// Results are in the order prompt 0 samples 0..<n, prompt 1 samples 0..<n, and so on.
    public func sample(prompts: [[Int]], samplesPerPrompt: Int = 1, options: SamplingOptions) throws(SamplingError) -> [SampledSequence] {
        guard samplesPerPrompt >= 1 else {
            throw .outOfRange(field: "samplesPerPrompt", value: "\(samplesPerPrompt)", allowed: "1 or more")
        }
        let requests = prompts.enumerated().flatMap { i, prompt in
            (0..<samplesPerPrompt).map { SamplingRequest(prompt: prompt, promptIndex: i, sampleIndex: $0) }
        }
        return try sample(requests, options: options)
    }

    /// Continues every request with the KV cache, without a tape (Specs/model.md, "Sampling").
    ///
    /// The requests are cut into groups of consecutive requests (`SamplingGroups`, a count that depends only
    /// on the number of requests), sampled in parallel, each group from start to end on one thread. Within a
    /// group, the prompts go through first (the prefill, many rows per pass), and then every unfinished
    /// sequence feeds its last draw at its own position as one row of each step; a sequence's rows read only its own cache,
    /// so its tokens never depend on the group. Token t of the response of request (i, j) is drawn with
    /// `options.stream(prompt: i, sample: j).uniform(at: t)`. A sequence stops at EOS, after
    /// `maxNewTokens` tokens, or when prompt and response fill the context (so the whole sequence can be
    /// scored by `logits`); then it leaves the step's rows.
    public func sample(_ requests: [SamplingRequest], options: SamplingOptions) throws(SamplingError) -> [SampledSequence] {
        precondition(head == .languageModel, "sample needs a language-model head; this model has \(head)")
        try options.validate(for: configuration)
        for (index, request) in requests.enumerated() { try request.validate(for: configuration, index: index) }
        guard let longest = requests.map(\.prompt.count).max() else { return [] }
        let weights = InferenceWeights(self)
        // The positions a sequence can reach (maxNewTokens may be as large as Int.max).
        let capacity = longest + min(options.maxNewTokens, configuration.context - longest)
        let groups = SamplingGroups(requests: requests.count)
        var results = [SampledSequence](repeating: SampledSequence(tokens: [], stop: .maxNewTokens), count: requests.count)
        results.withUnsafeMutableBufferPointer { results in
            Parallel.forEachChunk(count: groups.count) { group in
                let range = groups.range(group)
                var sampler = GroupSampler(
                    weights: weights, requests: requests[range], options: options, capacity: capacity)
                sampler.run()
                for (offset, result) in sampler.results.enumerated() { results[range.lowerBound + offset] = result }
            }
        }
        return results
    }

    /// The logits [batch, length, vocabulary] of `tokens` computed through the KV cache as `sample` computes
    /// them: positions 0 ..< `prefill` of every sequence in one pass, then one position per step
    /// (Specs/model.md, "Sampling": they equal `logits` bit for bit).
    public func incrementalLogits(_ tokens: TokenBatch, prefill: Int = 1) -> Tensor<Scalar> {
        precondition(head == .languageModel, "incrementalLogits needs a language-model head; this model has \(head)")
        let (b, t, v) = (tokens.batch, tokens.length, configuration.vocabulary)
        precondition(t >= 1 && t <= configuration.context, "incrementalLogits: sequence length \(t) outside 1...\(configuration.context)")
        precondition((1...t).contains(prefill), "incrementalLogits: prefill \(prefill) outside 1...\(t)")
        for id in tokens.ids {
            precondition(id >= 0 && id < v, "incrementalLogits: token id \(id) outside 0..<\(v)")
        }
        let forward = CachedForward(weights: InferenceWeights(self), slots: b, capacity: t, maxRows: b * prefill)
        var logits = [Scalar](repeating: 0, count: b * t * v)
        func run(_ rows: [CachedRow]) {
            let step = rows.withUnsafeBufferPointer { forward.logits($0) }
            for (r, row) in rows.enumerated() {
                for i in 0..<v { logits[(row.slot * t + row.position) * v + i] = step[r * v + i] }
            }
        }
        run((0..<b).flatMap { slot in (0..<prefill).map { CachedRow(slot: slot, position: $0, token: tokens[slot, $0]) } })
        for position in prefill..<t {
            run((0..<b).map { CachedRow(slot: $0, position: position, token: tokens[$0, position]) })
        }
        return Tensor(shape: [b, t, v], scalars: logits)
    }
}

/// How `sample` cuts n requests into groups of consecutive requests: ⌈n / 16⌉ groups (at least 2 when
/// n ≥ 2, so that two threads share a small batch), sizes differing by at most one. Results do not depend
/// on the cut, so the size is chosen by speed alone. Each step of a group reads every weight matrix (3.2 MB
/// for the default model) from L3, so more rows per step read fewer weight bytes per token; but each row's
/// attention streams its own keys and values, and a group's whole cache is touched at every step. Measured
/// side by side on AMD EPYC Zen 4 (2026-12-08, `gpt-compare --workload sample512`, binaries alternated):
/// 16 rows per group 45–48k tokens/s on 1 thread and 85–95k on 2, against 34–36k and 66–67k for 64 rows
/// and 45k and 77–85k for 32; 8 rows as fast as 16 (`--workload sample64` on 2 threads: 69–77k against
/// 55–61k for 64). An earlier measurement (before the cache's tiled key layout) had found 32 and 64 rows
/// 8–10% faster than 16 on one core.
struct SamplingGroups {
    static let rowsPerGroup = 16
    let requests: Int, count: Int

    init(requests: Int) {
        self.requests = requests
        count = max((requests + Self.rowsPerGroup - 1) / Self.rowsPerGroup, min(requests, 2))
    }

    /// The requests of group g.
    func range(_ g: Int) -> Range<Int> { (g * requests / count)..<((g + 1) * requests / count) }
}
