import Autograd
import Kernels
import RLMath
import Tasks
import Testing
import Transformer
import VAPO

@Suite("Mini-batches and micro-batches")
struct MiniBatchTests {
    /// Six responses of 1–9 tokens to three prompts, scored by a tiny Double policy, with old log-probabilities
    /// moved by up to ±0.4 (so some ratios leave the clip range), random advantages and a mix of correct ones;
    /// the reference log-probabilities are a distant policy's (`KLTermTests.distantReference`), so GRPO's KL
    /// term and its gradient are far from zero.
    static func rollout(policy: GPT<Double>) -> (Rollout<Double>, advantages: [[Double]]) {
        var random = TestRandom(seed: 3)
        let problems = ["3+5=", "12+7=", "40+44="].map { Fixtures.problem($0) }
        let responses = (0..<6).map { i in
            let tokens = (0..<(1 + random.index(9))).map { _ in 3 + random.index(Tokenizer.vocabularySize - 3) }
            return Fixtures.response(tokens, group: i / 2, score: i % 3 == 0 ? 1 : -1, correct: i % 3 == 0, problem: problems[i / 2])
        }
        var rollout = Rollout<Double>(responses: responses, samplesPerGroup: 2, overlongFiltering: false)
        rollout.score(policy: policy, critic: nil, reference: KLTermTests.distantReference(), chunkSize: 6)
        rollout.oldLogProbabilities = zip(rollout.oldLogProbabilities, rollout.responseMasks).map { row, mask in
            zip(row, mask).map { $1 ? $0 + random.uniform(-0.4...0.4) : 0 }
        }
        let advantages = rollout.responseMasks.map { $0.map { $0 ? random.uniform(-2.0...2.0) : 0 } }
        return (rollout, advantages)
    }

    static func relativeDifference(_ a: [Tensor<Double>], _ b: [Tensor<Double>]) -> Double {
        var difference = 0.0, norm = 0.0
        for (x, y) in zip(a, b) {
            for (u, v) in zip(x.scalars, y.scalars) {
                difference += (u - v) * (u - v)
                norm += v * v
            }
        }
        return (difference / norm).squareRoot()
    }

    @Test("a mini-batch's actor gradient summed over micro-batches equals its gradient in one pass (token- and sample-level, with the positive-example and KL terms)", arguments: ["vapo", "vapo-no-token-level-loss", "grpo"])
    func microBatchesSumToTheMiniBatch(preset: String) throws {
        let policy: GPT<Double> = Fixtures.policy()
        let (rollout, advantages) = Self.rollout(policy: policy)
        let objective = ActorObjective<Double>(configuration: try .preset(named: preset))
        let rows = [4, 0, 5, 2, 1, 3]
        let whole = objective.gradients(policy: policy, rollout: rollout, advantages: advantages, rows: rows, microBatchSize: 6)
        #expect(whole.statistics.clipFractionBelow + whole.statistics.clipFractionAbove > 0, "some tokens are clipped")
        #expect(objective.klCoefficient == nil || whole.statistics.klDivergence > 0.1, "the KL term is far from zero")
        for size in [1, 2, 4] {
            let split = objective.gradients(policy: policy, rollout: rollout, advantages: advantages, rows: rows, microBatchSize: size)
            #expect(Self.relativeDifference(split.gradients, whole.gradients) < 1e-12, "micro-batches of \(size)")
            #expect(abs(split.statistics.loss - whole.statistics.loss) < 1e-12)
            #expect(abs(split.statistics.policyLoss - whole.statistics.policyLoss) < 1e-12)
            #expect(abs(split.statistics.klDivergence - whole.statistics.klDivergence) < 1e-12)
        }
    }

    @Test("the token-level loss of a mini-batch is the mean over all its valid tokens, not the mean of per-micro-batch means")
    func tokenLevelNormalisation() throws {
        let policy: GPT<Double> = Fixtures.policy()
        let (rollout, advantages) = Self.rollout(policy: policy)
        var configuration = TrainingConfiguration()
        configuration.positiveExampleLoss = false
        let objective = ActorObjective<Double>(configuration: configuration)
        let rows = Array(0..<6)
        let statistics = objective.gradients(policy: policy, rollout: rollout, advantages: advantages, rows: rows, microBatchSize: 1).statistics
        var current = rollout
        current.score(policy: policy, critic: nil, reference: nil, chunkSize: 6)
        let scored = current.oldLogProbabilities  // the policy's log-probabilities now (rollout's are perturbed)
        let surrogate: ClippedSurrogate<Double> = configuration.surrogate()
        var sum = 0.0, count = 0
        for i in rows {
            for t in rollout.lossMasks[i].indices where rollout.lossMasks[i][t] {
                sum += surrogate.term(logProbability: scored[i][t], oldLogProbability: rollout.oldLogProbabilities[i][t], advantage: advantages[i][t]).loss
                count += 1
            }
        }
        #expect(abs(statistics.policyLoss - sum / Double(count)) < 1e-12)
    }

    @Test("each epoch's mini-batches are a permutation of the responses, cut in order; the shuffle depends on the stream only")
    func shuffle() {
        let stream = RandomStream(seed: 9, name: "test")
        for count in [0, 1, 7, 64] {
            let batches = miniBatches(count: count, size: 3, stream: stream)
            #expect(batches.joined().sorted() == Array(0..<count))
            #expect(batches.dropLast().allSatisfy { $0.count == 3 })
            #expect(miniBatches(count: count, size: 3, stream: stream) == batches)
        }
        #expect(miniBatches(count: 64, size: 64, stream: stream) != miniBatches(count: 64, size: 64, stream: stream.child(1)))
    }
}
