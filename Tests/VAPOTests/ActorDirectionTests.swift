import Autograd
import Kernels
import Tasks
import TestSupport
import Testing
import Transformer
import VAPO

/// The direction of the actor's update, end to end: whatever the objective's parts compute, a small step
/// against its gradient must make responses with a positive advantage more likely and those with a negative
/// one less likely. (Every part has its own exact test; this one catches a sign lost between them.)
@Suite("Actor update direction")
struct ActorDirectionTests {
    /// Sum of the response tokens' log-probabilities of each response under `policy`.
    static func responseLogProbabilities(_ policy: GPT<Double>, _ rollout: Rollout<Double>) -> [Double] {
        var scored = rollout
        scored.score(policy: policy, critic: nil, reference: nil, chunkSize: rollout.count)
        return zip(scored.oldLogProbabilities, scored.responseMasks).map { row, mask in
            zip(row, mask).reduce(0) { $0 + ($1.1 ? $1.0 : 0) }
        }
    }

    @Test(
        "a small step against the actor objective's gradient raises the log-probability of every response with a positive advantage and lowers every one with a negative advantage",
        arguments: ["vapo", "vapo-no-token-level-loss", "vapo-no-positive-lm-loss", "ppo", "grpo", "dapo"])
    func stepDirection(preset: String) throws {
        let policy: GPT<Double> = Fixtures.policy()
        var random = TestRandom(seed: 11)
        let problems = ["3+5=", "12+7=", "40+44="].map { Fixtures.problem($0) }
        // Six responses; advantage +1 on the correct ones (i even), −1 on the others, on every token.
        let responses = (0..<6).map { i in
            let tokens = (0..<(2 + random.index(6))).map { _ in 3 + random.index(Tokenizer.vocabularySize - 3) }
            return Fixtures.response(tokens, group: i / 2, score: i % 2 == 0 ? 1 : -1, correct: i % 2 == 0, problem: problems[i / 2])
        }
        var rollout = Rollout<Double>(responses: responses, samplesPerGroup: 2, overlongFiltering: false)
        rollout.score(policy: policy, critic: nil, reference: policy, chunkSize: 6)
        let advantages = zip(rollout.responseMasks, responses).map { mask, response in mask.map { $0 ? (response.correct ? 1.0 : -1.0) : 0 } }
        let objective = ActorObjective<Double>(configuration: try .preset(named: preset))
        let gradients = objective.gradients(policy: policy, rollout: rollout, advantages: advantages, rows: Array(0..<6), microBatchSize: 6).gradients
        let before = Self.responseLogProbabilities(policy, rollout)
        let steppedParameters = zip(policy.parameters, gradients).map { parameter, gradient in
            Tensor(shape: parameter.shape, scalars: zip(parameter.scalars, gradient.scalars).map { $0 - 1e-3 * $1 })
        }
        let stepped = try GPT<Double>(
            configuration: policy.configuration, head: policy.head,
            parameters: Dictionary(uniqueKeysWithValues: zip(policy.names, steppedParameters)))
        let after = Self.responseLogProbabilities(stepped, rollout)
        for i in 0..<6 {
            if responses[i].correct {
                #expect(after[i] > before[i], "response \(i) (advantage +1): \(before[i]) → \(after[i])")
            } else {
                #expect(after[i] < before[i], "response \(i) (advantage −1): \(before[i]) → \(after[i])")
            }
        }
    }
}
