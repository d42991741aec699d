// Specs/vapo.md, "The command line: `vapo sample`": per-token log-probabilities (`--logprobs`).
import Autograd
import Tasks
import Transformer

/// One alternative at a response position: a token and its log-probability (OpenAI's and vLLM's
/// `top_logprobs` entries).
struct TopLogProbability: Encodable, Equatable {
    var token: String
    var logprob: Float
}

/// One response token with its log-probability and the most likely tokens at its position, in the shape of an
/// entry of OpenAI's (and vLLM's) `logprobs.content`.
struct TokenLogProbability: Encodable, Equatable {
    var token: String
    var logprob: Float
    var topLogprobs: [TopLogProbability]

    enum CodingKeys: String, CodingKey {
        case token, logprob
        case topLogprobs = "top_logprobs"
    }
}

/// The `logprobs` object of a `--json` line: `{"content": [...]}`, one entry per response token.
struct ResponseLogProbabilities: Encodable, Equatable {
    var content: [TokenLogProbability]

    /// The most alternatives `--top-logprobs` may ask for: the whole vocabulary.
    static var maximumTop: Int { Tokenizer.vocabularySize }

    /// The log-probabilities of `response` after `prompt` (BOS included) under `policy`: entry k is
    /// log softmax(logits / T)[response[k]] at the position that predicts response token k, with T the sampling
    /// temperature, computed as `GPT.tokenLogProbabilities(temperature:)` computes it (one forward pass over the
    /// whole sequence, the logits scaled by 1/T in `Float`, then the log-softmax), so the numbers are those RL
    /// scores a rollout with. Temperature 0 (greedy) has no distribution of its own; its log-probabilities are
    /// those of the raw logits (T = 1). `top` alternatives per position, most likely first (equal values: the
    /// smaller id first); the sampled token is among them when it ranks in the top `top`. Top-p does not
    /// renormalise them: they describe softmax(logits / T) over the whole vocabulary.
    init(policy: GPT<Float>, prompt: [Int], response: [Int], temperature: Double, top: Int) {
        guard !response.isEmpty else {
            content = []
            return
        }
        let tokens = prompt + response
        let scale = temperature == 0 ? 1 : Float(temperature)
        let predictions = policy.logits(TokenBatch([tokens])).slice((prompt.count - 1)..<(tokens.count - 1), axis: 1)
        let values = (scale == 1 ? predictions : predictions.scaled(by: 1 / scale)).logSoftmax().scalars
        let width = policy.configuration.vocabulary
        content = response.enumerated().map { k, token in
            let row = Array(values[(k * width)..<((k + 1) * width)])
            let ranked = row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
            return TokenLogProbability(
                token: Self.text(token), logprob: row[token],
                topLogprobs: ranked.prefix(top).map { TopLogProbability(token: Self.text($0), logprob: row[$0]) })
        }
    }

    /// The token's character.
    static func text(_ token: Int) -> String { SampleCommand.text([token]) }
}
