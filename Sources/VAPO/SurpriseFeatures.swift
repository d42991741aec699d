// Specs/vapo.md, "A critic that reads the policy's surprise".
import Autograd
import Kernels
import RLMath
import Transformer

/// What the value model reads beside the tokens: the sampling policy's surprise at each token it wrote.
///
/// A toy critic that sees only tokens learns position and length, not correctness: whether "7" is the right
/// digit of a column sum is arithmetic the value model would have to redo (Specs/vapo.md; the critic's
/// explained variance levelled off near 0.3 and its value did not move at an error). The policy has already
/// done that arithmetic: a written token the policy itself did not expect is, far more often than not, an
/// error, and the rollout holds the log-probability of every written token at no extra cost. So the critic's
/// input at response token t carries `count` features of tokens ≤ t (a state's features describe only tokens
/// already written, so the value of a state never reads the future):
///
/// | index | feature |
/// | --- | --- |
/// | 0 | 1 (a response token) |
/// | 1 | ℓ_t = clamp(log π(x_t), −8, 0) / 4, the written token's log-probability |
/// | 2 | g_t = clamp(log π(x_t) − max_v log π(v), −8, 0) / 4, its gap to the policy's first choice |
/// | 3 | 1 if x_t was not the policy's first choice (g_t < 0), else 0 |
/// | 4 | min_{s ≤ t} ℓ_s |
/// | 5 | min_{s ≤ t} g_s |
/// | 6 | 1 − 2^(−n_t), n_t = the number of tokens s ≤ t not the policy's first choice |
/// | 7 | clamp(Σ_{s ≤ t} log π(x_s), −16, 0) / 8, the written prefix's log-probability |
/// | 8 | π(x_t), the written token's probability |
/// | 9 | Π_{s ≤ t} π(x_s), the written prefix's probability |
///
/// The last two are probabilities because of calibration: a policy trained by cross-entropy puts mass p on a
/// token that is right about a fraction p of the time, so the chance that no error has been written yet is
/// about the prefix's probability, and the value about that chance times the chance of finishing without one
/// (which the trunk reads from the problem and the position).
/// Every feature is 0 at prompt positions. The log-probabilities are those the rollout scored, under the
/// sampling temperature (`Rollout.oldLogProbabilities`, `topLogProbabilities`). Scaled to about [−2, 1]
/// so that they sit where the token embeddings do.
public enum SurpriseFeatures {
    /// Features per token.
    public static let count = 10

    /// The features of one sequence, [length · count] row-major, from its response mask, the log-probability
    /// of each written token and the largest log-probability of its distribution (both read at response
    /// tokens only).
    public static func of<S: KernelScalar & BinaryFloatingPoint>(
        responseMask: [Bool], logProbabilities: [S], topLogProbabilities: [S]
    ) -> [S] {
        precondition(
            logProbabilities.count == responseMask.count && topLogProbabilities.count == responseMask.count,
            "SurpriseFeatures: \(logProbabilities.count) and \(topLogProbabilities.count) log-probabilities for \(responseMask.count) tokens")
        func clamped(_ x: Double, _ low: Double) -> Double { Swift.min(Swift.max(x, low), 0) }
        var features = [S](repeating: 0, count: responseMask.count * count)
        var lowestLogProbability = 0.0, lowestGap = 0.0, surprises = 0, prefixLogProbability = 0.0
        for t in responseMask.indices where responseMask[t] {
            let logProbability = Double(logProbabilities[t])
            let written = clamped(logProbability, -8) / 4
            let gap = clamped(logProbability - Double(topLogProbabilities[t]), -8) / 4
            lowestLogProbability = Swift.min(lowestLogProbability, written)
            lowestGap = Swift.min(lowestGap, gap)
            if gap < 0 { surprises += 1 }
            prefixLogProbability += logProbability
            let row: [Double] = [
                1, written, gap, gap < 0 ? 1 : 0, lowestLogProbability, lowestGap,
                1 - 1 / Double(1 << Swift.min(surprises, 62)), clamped(prefixLogProbability, -16) / 8,
                Double.exp(logProbability), Double.exp(prefixLogProbability),
            ]
            for (i, value) in row.enumerated() { features[t * count + i] = S(value) }
        }
        return features
    }

    /// The features of `rows` (each [length · count], as `of` returns) laid out as the padded batch's input
    /// [batch, length, count], zero at padding.
    static func tensor<S: KernelScalar>(_ rows: [[S]], in batch: PaddedBatch<S>) -> Tensor<S> {
        let length = batch.tokens.length
        let scalars = rows.flatMap { $0 + [S](repeating: 0, count: (length * count) - $0.count) }
        return Tensor(shape: [rows.count, length, count], scalars: scalars)
    }
}
