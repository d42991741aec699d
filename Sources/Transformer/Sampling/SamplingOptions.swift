// Specs/model.md, "Sampling": the options and their checks.
import Kernels

/// How `GPT.sample` draws each new token (Specs/model.md, "Sampling").
public struct SamplingOptions: Sendable, Hashable {
    /// The master seed; with `step` it names every sample's random stream.
    public var seed: UInt64
    /// The caller's step (e.g. the RL iteration): part of every stream's address, so each step draws afresh.
    public var step: Int
    /// Divides the logits before the softmax; 0 means greedy (argmax, the smallest id among equal maxima).
    public var temperature: Double
    /// Nucleus mass in (0, 1]: draw only among the most probable tokens whose mass reaches `topP`; 1 keeps all.
    public var topP: Double
    /// At most this many tokens are generated per sequence (0 or more).
    public var maxNewTokens: Int
    /// A sequence stops after generating this token (it is kept in the output); nil: never stop early.
    public var endOfSequence: Int?

    /// Options with the given fields; `validate` checks them.
    public init(seed: UInt64, step: Int = 0, temperature: Double = 1, topP: Double = 1, maxNewTokens: Int, endOfSequence: Int? = nil) {
        self.seed = seed
        self.step = step
        self.temperature = temperature
        self.topP = topP
        self.maxNewTokens = maxNewTokens
        self.endOfSequence = endOfSequence
    }

    /// The stream of sample `sample` of prompt `prompt`: token t of the response uses `uniform(at: t)`.
    /// It depends on (seed, step, prompt, sample) only, never on the batch around it.
    public func stream(prompt: Int, sample: Int) -> RandomStream {
        RandomStream(seed: seed, name: "sampling").child(step).child(prompt).child(sample)
    }
}

/// One sequence to continue: its prompt and its identity (prompt index, sample index), which alone choose
/// its random stream.
public struct SamplingRequest: Sendable, Hashable {
    /// The prompt's token ids (1 ... context of them).
    public var prompt: [Int]
    /// i in the determinism rule: which prompt this is in the caller's list.
    public var promptIndex: Int
    /// j in the determinism rule: which sample of that prompt.
    public var sampleIndex: Int

    /// A request for sample `sampleIndex` of prompt `promptIndex`.
    public init(prompt: [Int], promptIndex: Int, sampleIndex: Int) {
        self.prompt = prompt
        self.promptIndex = promptIndex
        self.sampleIndex = sampleIndex
    }
}

/// Why a sequence stopped.
public enum SamplingStop: String, Sendable, Hashable, Codable {
    /// It generated the end-of-sequence token (the last of `tokens`).
    case endOfSequence = "eos"
    /// It generated `maxNewTokens` tokens.
    case maxNewTokens = "max_new_tokens"
    /// Prompt and response fill the model's context (a prompt of `context` tokens gets no new token).
    case context
}

/// The generated continuation of one request (the prompt not included).
public struct SampledSequence: Sendable, Hashable {
    /// The new tokens, the end-of-sequence token last when `stop == .endOfSequence`.
    public var tokens: [Int]
    /// Why generation stopped.
    public var stop: SamplingStop
    /// Number of new tokens (`tokens.count`).
    public var length: Int { tokens.count }
}

/// Options or requests that `GPT.sample` cannot honour; the message names the field and the allowed range.
public enum SamplingError: Error, Equatable, CustomStringConvertible {
    /// `field` has `value`, which is not in `allowed`.
    case outOfRange(field: String, value: String, allowed: String)

    public var description: String {
        switch self {
        case .outOfRange(let field, let value, let allowed): return "sampling: \(field) is \(value); allowed: \(allowed)"
        }
    }
}

extension SamplingOptions {
    /// Throws when a field is outside its range for a model with `configuration`.
    public func validate(for configuration: GPTConfiguration) throws(SamplingError) {
        guard temperature >= 0 && temperature.isFinite else {
            throw .outOfRange(field: "temperature", value: "\(temperature)", allowed: "0 (greedy) or a positive finite number")
        }
        guard topP > 0 && topP <= 1 else { throw .outOfRange(field: "topP", value: "\(topP)", allowed: "(0, 1]") }
        guard maxNewTokens >= 0 else { throw .outOfRange(field: "maxNewTokens", value: "\(maxNewTokens)", allowed: "0 or more") }
        if let eos = endOfSequence, !(0..<configuration.vocabulary).contains(eos) {
            throw .outOfRange(field: "endOfSequence", value: "\(eos)", allowed: "0..<\(configuration.vocabulary)")
        }
    }
}

extension SamplingRequest {
    /// Throws when the prompt is empty, longer than the context, or holds an id outside the vocabulary.
    public func validate(for configuration: GPTConfiguration, index: Int) throws(SamplingError) {
        guard (1...configuration.context).contains(prompt.count) else {
            throw .outOfRange(field: "requests[\(index)].prompt length", value: "\(prompt.count)", allowed: "1...\(configuration.context)")
        }
        if let id = prompt.first(where: { !(0..<configuration.vocabulary).contains($0) }) {
            throw .outOfRange(field: "requests[\(index)].prompt token", value: "\(id)", allowed: "0..<\(configuration.vocabulary)")
        }
    }
}
