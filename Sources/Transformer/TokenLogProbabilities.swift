// Specs/model.md, "Log-probabilities and entropies of response tokens".
import Autograd
import Kernels

/// Log-probabilities and entropies of the tokens of a batch under a policy, one entry per token position.
public struct TokenLogProbabilities<Scalar: KernelScalar> {
    /// [batch, length]. At a response position t: log p(x_t | x_0 … x_{t−1}), read from the logits at t − 1.
    /// 0 at every other position.
    public let logProbabilities: Tensor<Scalar>
    /// [batch, length]. At a response position t: the entropy −Σ_v p(v | x_<t)·log p(v | x_<t) of the
    /// distribution that x_t was drawn from. 0 at every other position.
    public let entropies: Tensor<Scalar>
    /// [batch, length]. At a response position t: max_v log p(v | x_0 … x_{t−1}), the log-probability of the
    /// token the policy expected most, so that `logProbabilities − topLogProbabilities` ≤ 0 is the policy's
    /// surprise at the token written (0 when it wrote its own first choice). 0 at every other position.
    public let topLogProbabilities: Tensor<Scalar>
}

extension GPT {
    /// The log-probability and the entropy of each response token of `tokens`, for the whole batch in one
    /// forward pass (recorded on the tape when the parameters are).
    ///
    /// `responseMask` is [batch, length], row-major, non-zero where the token is a response token; position
    /// 0 has no prefix, so `responseMask[b, 0]` must be 0. Entry t of both outputs belongs to token t: it
    /// comes from the logits at position t − 1, the prediction of token t from its prefix (Specs/model.md).
    ///
    /// `temperature` T > 0 scores the tokens under softmax(logits / T), the distribution `sample` draws from
    /// at that temperature, so that an RL rollout sampled at T ≠ 1 has the log-probabilities of the policy
    /// that produced it (verl divides the logits by the rollout temperature the same way). T = 1 skips the
    /// scaling, bit for bit the unscaled result.
    public func tokenLogProbabilities(
        _ tokens: TokenBatch, responseMask: [Scalar], temperature: Scalar = 1, parameters list: [Tensor<Scalar>]? = nil
    ) -> TokenLogProbabilities<Scalar> {
        let (b, t) = (tokens.batch, tokens.length)
        precondition(responseMask.count == b * t, "tokenLogProbabilities: mask of \(responseMask.count) entries for tokens [\(b), \(t)]")
        for row in 0..<b {
            precondition(responseMask[row * t] == 0, "tokenLogProbabilities: position 0 of sequence \(row) has no prefix and cannot be a response token")
        }
        // Predictions of tokens 1..<t from positions 0..<t−1.
        precondition(temperature > 0 && temperature.isFinite, "tokenLogProbabilities: temperature \(temperature) must be positive and finite")
        let predictions = logits(tokens, parameters: list).slice(0..<(t - 1), axis: 1)
        let logSoftmax = (temperature == 1 ? predictions : predictions.scaled(by: 1 / temperature)).logSoftmax()
        let targets = (0..<b).flatMap { row in (1..<t).map { tokens[row, $0] } }
        let picked = logSoftmax.gathering(atLastAxis: targets)
        let entropy = -(logSoftmax.exp() * logSoftmax).sum(alongAxis: -1)
        let top = logSoftmax.max(alongAxis: -1)
        let mask = Tensor(shape: [b, t], scalars: responseMask)
        func alignedToTokens(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
            // Selection (not multiplication) so that positions outside the response are exactly +0.
            Tensor.select(mask, Tensor.concatenate([Tensor(zeros: [b, 1]), x], axis: 1), Tensor(0))
        }
        return TokenLogProbabilities(
            logProbabilities: alignedToTokens(picked), entropies: alignedToTokens(entropy), topLogProbabilities: alignedToTokens(top))
    }
}
