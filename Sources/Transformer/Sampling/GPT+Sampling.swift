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
    /// No padding: at each step every unfinished sequence feeds one token at its own position (a prompt
    /// token while its prompt lasts — the prefill — then the token it drew), so one step costs one row per
    /// sequence through the network and its attention reads only its own cache. Token t of the response of
    /// request (i, j) is drawn with `options.stream(prompt: i, sample: j).uniform(at: t)`. A sequence stops
    /// at EOS, after `maxNewTokens` tokens, or when prompt and response fill the context (so the whole sequence
    /// can be scored by `logits`); then it no longer changes.
    public func sample(_ requests: [SamplingRequest], options: SamplingOptions) throws(SamplingError) -> [SampledSequence] {
        precondition(head == .languageModel, "sample needs a language-model head; this model has \(head)")
        try options.validate(for: configuration)
        for (index, request) in requests.enumerated() { try request.validate(for: configuration, index: index) }
        let streams = requests.map { options.stream(prompt: $0.promptIndex, sample: $0.sampleIndex) }
        var results = requests.map {
            SampledSequence(tokens: [], stop: options.maxNewTokens > 0 && $0.prompt.count == configuration.context ? .context : .maxNewTokens)
        }
        var finished = requests.map { options.maxNewTokens == 0 || $0.prompt.count == configuration.context }
        var cache = KeyValueCache<Scalar>(configuration: configuration, batch: requests.count)
        var position = 0
        while true {
            // Rows of this step: every unfinished sequence at `position`, fed its prompt or its last draw.
            let active = requests.indices.filter { !finished[$0] }
            if active.isEmpty { break }
            let tokens = active.map { b in
                position < requests[b].prompt.count ? requests[b].prompt[position] : results[b].tokens[position - requests[b].prompt.count]
            }
            let logits = cachedLogits(tokens: tokens, rows: active.map { ($0, position) }, cache: &cache)
            let v = configuration.vocabulary
            for (r, b) in active.enumerated() where position + 1 >= requests[b].prompt.count {
                let t = results[b].tokens.count
                let token = TokenChoice.choose(
                    logits: Array(logits[(r * v)..<((r + 1) * v)]), temperature: options.temperature, topP: options.topP,
                    uniform: streams[b].uniform(Scalar.self, at: UInt64(t)))
                results[b].tokens.append(token)
                if token == options.endOfSequence {
                    results[b].stop = .endOfSequence
                    finished[b] = true
                } else if results[b].tokens.count == options.maxNewTokens {
                    finished[b] = true
                } else if requests[b].prompt.count + results[b].tokens.count == configuration.context {
                    results[b].stop = .context
                    finished[b] = true
                }
            }
            position += 1
        }
        return results
    }

    /// The logits [batch, length, vocabulary] of `tokens` computed position by position through the KV cache,
    /// as `sample` computes them (Specs/model.md, "Sampling": they match `logits` within the stated tolerance).
    public func incrementalLogits(_ tokens: TokenBatch) -> Tensor<Scalar> {
        precondition(head == .languageModel, "incrementalLogits needs a language-model head; this model has \(head)")
        let (b, t, v) = (tokens.batch, tokens.length, configuration.vocabulary)
        precondition(t >= 1 && t <= configuration.context, "incrementalLogits: sequence length \(t) outside 1...\(configuration.context)")
        for id in tokens.ids {
            precondition(id >= 0 && id < v, "incrementalLogits: token id \(id) outside 0..<\(v)")
        }
        var cache = KeyValueCache<Scalar>(configuration: configuration, batch: b)
        var logits = [Scalar](repeating: 0, count: b * t * v)
        for position in 0..<t {
            let step = cachedLogits(tokens: (0..<b).map { tokens[$0, position] }, rows: (0..<b).map { ($0, position) }, cache: &cache)
            for row in 0..<b {
                for i in 0..<v { logits[(row * t + position) * v + i] = step[row * v + i] }
            }
        }
        return Tensor(shape: [b, t, v], scalars: logits)
    }

    /// The logits [rows, vocabulary] of one new token per row (sequence `rows[r].sequence`, at
    /// `rows[r].position`), the earlier positions read from `cache`, this one's keys and values written to it.
    /// Mirrors `hidden` and `logits` op for op on rows: embedding sum, and per block layer norm, fused qkv,
    /// attention, output projection, residual, layer norm, MLP, residual; final layer norm; lm_head.
    func cachedLogits(tokens: [Int], rows: [(sequence: Int, position: Int)], cache: inout KeyValueCache<Scalar>) -> [Scalar] {
        let (n, d) = (rows.count, configuration.width)
        func p(_ name: String) -> Tensor<Scalar> { parameter(name, in: nil) }
        func linear(_ x: Tensor<Scalar>, _ name: String) -> Tensor<Scalar> {
            Tensor.matmul(x, p("\(name).weight")) + p("\(name).bias")
        }
        func norm(_ x: Tensor<Scalar>, _ name: String) -> Tensor<Scalar> {
            x.layerNormalized(scale: p("\(name).scale"), offset: p("\(name).offset"), epsilon: 1e-5)
        }
        let embedding = p("token_embedding").scalars, positions = p("position_embedding").scalars
        var start = [Scalar](repeating: 0, count: n * d)
        for r in 0..<n {
            for i in 0..<d { start[r * d + i] = embedding[tokens[r] * d + i] + positions[rows[r].position * d + i] }
        }
        var x = Tensor(shape: [n, d], scalars: start)
        for layer in 0..<configuration.layers {
            let block = "blocks.\(layer)"
            let qkv = linear(norm(x, "\(block).attention_norm"), "\(block).attention.qkv")
            let attended = cache.attend(qkv.scalars, rows: rows, layer: layer)
            x = x + linear(Tensor(shape: [n, d], scalars: attended), "\(block).attention.output")
            let up = linear(norm(x, "\(block).mlp_norm"), "\(block).mlp.up")
            x = x + linear(up.gelu(), "\(block).mlp.down")
        }
        return Tensor.matmul(norm(x, "final_norm"), p("lm_head.weight")).scalars
    }
}
