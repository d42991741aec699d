// Specs/vapo.md, "The loop, step by step": the rollout tensors (step 3).
import Autograd
import Kernels
import RLMath
import RLTape
import Transformer

/// A step's responses with everything the update reads, one entry per response, each array as long as that
/// response's sequence (prompt and response tokens) and aligned with its tokens: entry t belongs to token t.
///
/// Responses of one group (prompt) are consecutive, `samplesPerGroup` of them.
public struct Rollout<Scalar: KernelScalar & RLRealScalar>: Sendable {
    /// The responses, group by group.
    public let responses: [SampledResponse]
    /// Responses per group (k).
    public let samplesPerGroup: Int
    /// True at response tokens: where log-probabilities, values and advantages live (the critic's mask).
    public let responseMasks: [[Bool]]
    /// The actor's loss mask: the response mask, all false for a truncated response under DAPO's overlong
    /// filtering.
    public let lossMasks: [[Bool]]
    /// The reward per token: the response's score at its last token, 0 elsewhere.
    public let rewards: [[Scalar]]
    /// log π_old of each response token under the policy that sampled it.
    public var oldLogProbabilities: [[Scalar]] = []
    /// The entropy of the sampling policy's distribution at each response token.
    public var entropies: [[Scalar]] = []
    /// max_v log π_old(v | prefix) at each response token: the log-probability of the policy's first choice.
    public var topLogProbabilities: [[Scalar]] = []
    /// The critic's input features per sequence ([length · `SurpriseFeatures.count`]) when the critic reads
    /// the policy's surprise, else nil.
    public var criticFeatures: [[Scalar]]?
    /// V(state before token t) from the critic, when there is one.
    public var values: [[Scalar]]?
    /// log π_ref of each response token under GRPO's frozen reference policy.
    public var referenceLogProbabilities: [[Scalar]]?

    /// The rollout of `responses` (each group's `samplesPerGroup` consecutive), with masks and token rewards;
    /// `overlongFiltering` masks truncated responses out of the actor's loss (DAPO).
    public init(responses: [SampledResponse], samplesPerGroup: Int, overlongFiltering: Bool) {
        precondition(samplesPerGroup >= 1 && responses.count % samplesPerGroup == 0, "Rollout: \(responses.count) responses in groups of \(samplesPerGroup)")
        self.responses = responses
        self.samplesPerGroup = samplesPerGroup
        responseMasks = responses.map(\.responseMask)
        lossMasks = zip(responses, responseMasks).map { overlongFilteredMask($1, truncated: overlongFiltering && $0.truncated) }
        rewards = zip(responses, responseMasks).map { response, mask in
            var row = [Scalar](repeating: 0, count: mask.count)
            if let last = mask.lastIndex(of: true) { row[last] = Scalar(response.score) }
            return row
        }
    }

    /// Number of responses.
    public var count: Int { responses.count }

    /// The sequence-level scores, as the scalar.
    public var scores: [Scalar] { responses.map { Scalar($0.score) } }

    /// Fills the sampling policy's log-probabilities, entropies and first-choice log-probabilities, the
    /// critic's values (and, for a critic that reads token features, its `SurpriseFeatures`, computed from the
    /// policy's scores, so that critic needs `policy`) and the reference's log-probabilities, each for the
    /// models given, by forward passes without a tape over chunks of `chunkSize` responses. The policy and
    /// the reference are scored at the rollout `temperature`, under softmax(logits / T): the distribution the
    /// responses were drawn from.
    public mutating func score(
        policy: GPT<Scalar>?, critic: GPT<Scalar>?, reference: GPT<Scalar>?, chunkSize: Int, temperature: Scalar = 1
    ) {
        let readsFeatures = (critic?.configuration.tokenFeatures ?? 0) > 0
        precondition(!readsFeatures || policy != nil, "Rollout.score: a critic that reads the policy's surprise needs the policy")
        precondition(!readsFeatures || critic?.configuration.tokenFeatures == SurpriseFeatures.count,
                     "Rollout.score: the critic reads \(critic?.configuration.tokenFeatures ?? 0) features; SurpriseFeatures has \(SurpriseFeatures.count)")
        let sequences = responses.map(\.tokens)
        var logProbabilities: [[Scalar]] = [], entropies: [[Scalar]] = [], tops: [[Scalar]] = []
        var values: [[Scalar]] = [], references: [[Scalar]] = [], features: [[Scalar]] = []
        for chunk in chunks(count, size: chunkSize) {
            let batch = PaddedBatch<Scalar>(sequences: Array(sequences[chunk]), responseMasks: Array(responseMasks[chunk]))
            if let policy {
                let scored = policy.tokenLogProbabilities(batch.tokens, responseMask: batch.responseMask, temperature: temperature)
                logProbabilities += batch.unpadded(scored.logProbabilities.sequenceRows)
                entropies += batch.unpadded(scored.entropies.sequenceRows)
                tops += batch.unpadded(scored.topLogProbabilities.sequenceRows)
            }
            if let critic {
                var input: Tensor<Scalar>?
                if readsFeatures {
                    let rows = chunk.map {
                        SurpriseFeatures.of(responseMask: responseMasks[$0], logProbabilities: logProbabilities[$0], topLogProbabilities: tops[$0])
                    }
                    features += rows
                    input = SurpriseFeatures.tensor(rows, in: batch)
                }
                values += batch.unpadded(critic.valuesBeforeTokens(batch.tokens, features: input).sequenceRows)
            }
            if let reference {
                references += batch.unpadded(reference.tokenLogProbabilities(batch.tokens, responseMask: batch.responseMask, temperature: temperature).logProbabilities.sequenceRows)
            }
        }
        oldLogProbabilities = logProbabilities
        self.entropies = entropies
        topLogProbabilities = tops
        self.values = critic == nil ? nil : values
        criticFeatures = readsFeatures ? features : nil
        referenceLogProbabilities = reference == nil ? nil : references
    }
}

extension GPT where Scalar: RLScalar {
    /// The value model's V(state before token t) for every token t, [batch, length]: the scalar head at
    /// position t − 1, which has read tokens 0 … t − 1; 0 at position 0 (no state precedes the first token).
    /// This is the alignment GAE expects (Specs/rl-math.md, "Data layout and alignment"). Recorded on the tape
    /// when the parameters are.
    /// `features` [batch, length, F] for a model that reads token features (the features of token t reach
    /// the value of the state after it, V(before token t + 1)).
    public func valuesBeforeTokens(_ tokens: TokenBatch, features: Tensor<Scalar>? = nil, parameters list: [Tensor<Scalar>]? = nil) -> Tensor<Scalar> {
        let perPosition = values(tokens, features: features, parameters: list)
        guard tokens.length > 1 else { return Tensor(zeros: [tokens.batch, tokens.length]) }
        return Tensor.concatenate(
            [Tensor(zeros: [tokens.batch, 1]), perPosition.slice(0..<(tokens.length - 1), axis: 1)], axis: 1)
    }
}
