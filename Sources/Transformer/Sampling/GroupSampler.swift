// Specs/model.md, "Sampling": one group of requests on one thread.
import Kernels

/// Samples one group of requests from start to end on the calling thread (Specs/model.md, "Sampling").
///
/// Request k of the group owns cache slot k. The prefill feeds every prompt position of every sequence
/// with room, in calls of at most `prefillRows` rows (a sequence's positions in increasing order, so each
/// row finds its earlier positions cached); the logits of a prompt's last row give its first token. Then
/// each step feeds every unfinished sequence's last token at its own position, one row each, and finished
/// sequences drop out of the rows.
struct GroupSampler<Scalar: KernelScalar> {
    /// At most this many prompt rows per prefill call: bounds the scratch whatever the prompts' lengths.
    static var prefillRows: Int { 256 }

    let requests: [SamplingRequest]
    let options: SamplingOptions
    let context: Int, vocabulary: Int
    private(set) var results: [SampledSequence]
    private var finished: [Bool]
    private let streams: [RandomStream]
    private let forward: CachedForward<Scalar>

    init(weights: InferenceWeights<Scalar>, requests: ArraySlice<SamplingRequest>, options: SamplingOptions, capacity: Int) {
        let context = weights.configuration.context
        self.requests = Array(requests)
        self.options = options
        self.context = context
        vocabulary = weights.configuration.vocabulary
        results = requests.map {
            SampledSequence(tokens: [], stop: options.maxNewTokens > 0 && $0.prompt.count == context ? .context : .maxNewTokens)
        }
        finished = requests.map { options.maxNewTokens == 0 || $0.prompt.count == context }
        streams = requests.map { options.stream(prompt: $0.promptIndex, sample: $0.sampleIndex) }
        let promptRows = requests.reduce(0) { $0 + $1.prompt.count }
        forward = CachedForward(
            weights: weights, slots: requests.count, capacity: capacity,
            maxRows: max(requests.count, min(promptRows, Self.prefillRows)))
    }

    mutating func run() {
        var rows: [CachedRow] = []
        rows.reserveCapacity(forward.maxRows)
        var live = requests.indices.filter { !finished[$0] }
        let prompts = live.flatMap { slot in
            requests[slot].prompt.enumerated().map { CachedRow(slot: slot, position: $0, token: $1) }
        }
        for start in stride(from: 0, to: prompts.count, by: forward.maxRows) {
            let block = prompts[start..<min(start + forward.maxRows, prompts.count)]
            let logits = block.withUnsafeBufferPointer { forward.logits($0) }
            for (r, row) in block.enumerated() where row.position == requests[row.slot].prompt.count - 1 {
                draw(slot: row.slot, logits: logits + r * vocabulary)
            }
        }
        live.removeAll { finished[$0] }
        while !live.isEmpty {
            rows.removeAll(keepingCapacity: true)
            for slot in live {
                let tokens = results[slot].tokens
                rows.append(CachedRow(slot: slot, position: requests[slot].prompt.count + tokens.count - 1, token: tokens[tokens.count - 1]))
            }
            let logits = rows.withUnsafeBufferPointer { forward.logits($0) }
            for (r, slot) in live.enumerated() { draw(slot: slot, logits: logits + r * vocabulary) }
            live.removeAll { finished[$0] }
        }
    }

    /// Draws the next token of `slot` from its row of logits, and marks the sequence finished when it stops.
    private mutating func draw(slot: Int, logits: UnsafePointer<Scalar>) {
        let t = results[slot].tokens.count
        let token = withUnsafeTemporaryAllocation(of: Scalar.self, capacity: vocabulary) { scratch in
            TokenChoice.choose(
                logits: logits, count: vocabulary, temperature: options.temperature, topP: options.topP,
                uniform: streams[slot].uniform(Scalar.self, at: UInt64(t)), scratch: scratch.baseAddress!)
        }
        results[slot].tokens.append(token)
        if token == options.endOfSequence {
            results[slot].stop = .endOfSequence
            finished[slot] = true
        } else if results[slot].tokens.count == options.maxNewTokens {
            finished[slot] = true
        } else if requests[slot].prompt.count + results[slot].tokens.count == context {
            results[slot].stop = .context
            finished[slot] = true
        }
    }
}
