import Autograd
import Foundation
import Kernels
import RLMath
import Tasks
import TestSupport
import Testing
import Transformer
import VAPO

/// GRPO's KL term against a reference that is not the policy: where π_ref ≈ π_θ the term and its gradient
/// β·w·(1 − π_ref/π_θ) are about zero, so only a reference that differs shows that they are right.
@Suite("GRPO's KL term")
struct KLTermTests {
    /// A tiny Double policy of seed 2 with its language-model head scaled by 10: on the mini-batch fixture's
    /// tokens x = log π_ref − log π_θ runs from about −1.6 to +0.9, both signs, where 1 − e^x is far from its
    /// linearisation −x.
    static func distantReference() -> GPT<Double> {
        let base: GPT<Double> = Fixtures.policy(seed: 2)
        var parameters = Dictionary(uniqueKeysWithValues: zip(base.names, base.parameters))
        let head = parameters["lm_head.weight"]!
        parameters["lm_head.weight"] = Tensor(shape: head.shape, scalars: head.scalars.map { 10 * $0 })
        return try! GPT(configuration: base.configuration, head: base.head, parameters: parameters)
    }

    /// `policy` with its parameters moved by `step` · `direction`.
    static func moved(_ policy: GPT<Double>, along direction: [[Double]], by step: Double) -> GPT<Double> {
        let parameters = zip(policy.parameters, direction).map { parameter, u in
            Tensor(shape: parameter.shape, scalars: zip(parameter.scalars, u).map { $0 + step * $1 })
        }
        return try! GPT(configuration: policy.configuration, head: policy.head, parameters: Dictionary(uniqueKeysWithValues: zip(policy.names, parameters)))
    }

    /// The closed form, computed here: the sample-level mean over `rows` of each response's mean k3 KL,
    /// e^x − x − 1 with x = log π_ref − log π_θ, over its response tokens, with π_θ = `policy`.
    static func meanKL(_ policy: GPT<Double>, _ rollout: Rollout<Double>, rows: [Int]) -> Double {
        var scored = rollout
        scored.score(policy: policy, critic: nil, reference: nil, chunkSize: rollout.count)
        let references = rollout.referenceLogProbabilities!
        let perResponse = rows.map { i in
            let terms = rollout.lossMasks[i].indices.filter { rollout.lossMasks[i][$0] }.map { t in
                let x = references[i][t] - scored.oldLogProbabilities[i][t]
                return Foundation.exp(x) - x - 1
            }
            return terms.reduce(0, +) / Double(terms.count)
        }
        return perResponse.reduce(0, +) / Double(rows.count)
    }

    @Test("against a reference that differs from the policy, GRPO's KL term is β times the sample-level mean of e^x − x − 1 (x = log π_ref − log π_θ), and its gradient is that closed form's derivative (central differences along random directions)")
    func klTermAgainstADistantReference() throws {
        let policy: GPT<Double> = Fixtures.policy()
        let (rollout, advantages) = MiniBatchTests.rollout(policy: policy)
        let rows = [4, 0, 5, 2, 1, 3]
        let configuration = try TrainingConfiguration.preset(named: "grpo")
        var withoutKL = configuration
        withoutKL.grpoBeta = 0
        let beta = configuration.grpoBeta
        let full = ActorObjective<Double>(configuration: configuration).gradients(policy: policy, rollout: rollout, advantages: advantages, rows: rows, microBatchSize: 2)
        let rest = ActorObjective<Double>(configuration: withoutKL).gradients(policy: policy, rollout: rollout, advantages: advantages, rows: rows, microBatchSize: 2)

        let expected = Self.meanKL(policy, rollout, rows: rows)
        #expect(expected > 0.1, "the reference is far from the policy: mean KL \(expected)")
        #expect(abs(full.statistics.klDivergence - expected) <= 1e-12 * expected)
        #expect(abs((full.statistics.loss - rest.statistics.loss) - beta * expected) <= 1e-12 * expected)

        // The KL term's gradient is the objective's with β minus the one with β = 0.
        let klGradient = zip(full.gradients, rest.gradients).map { a, b in zip(a.scalars, b.scalars).map { $0 - $1 } }
        var random = TestRandom(seed: 17)
        for _ in 0..<3 {
            let direction = policy.parameters.map { $0.scalars.map { _ in random.uniform(-1.0...1.0) } }
            let h = 1e-5
            let difference = beta * (Self.meanKL(Self.moved(policy, along: direction, by: h), rollout, rows: rows)
                - Self.meanKL(Self.moved(policy, along: direction, by: -h), rollout, rows: rows)) / (2 * h)
            let analytic = zip(klGradient, direction).reduce(0.0) { sum, pair in sum + zip(pair.0, pair.1).reduce(0) { $0 + $1.0 * $1.1 } }
            #expect(abs(difference) > 1e-4, "the KL term has a gradient along this direction: \(difference)")
            #expect(abs(analytic - difference) <= 1e-6 * abs(difference), "tape \(analytic) against central difference \(difference)")
        }
    }

    @Test("a GRPO trainer's reference stays the starting policy, bit for bit and in storage of its own, through updates and a resume; actor/kl_loss is 0 at the first update and then the mean KL of the policy to the starting policy")
    func frozenReference() throws {
        var configuration = Fixtures.configuration("grpo")
        (configuration.ppoEpochs, configuration.miniBatchSize) = (1, 4)  // one update a step: its KL is the step's metric
        let start = Fixtures.policy(Float.self)
        let trainer = try Trainer(configuration: configuration, policy: start, task: LenientAddition())
        let first = try trainer.step()
        let checkpoint = trainer.checkpoint()
        let second = try trainer.step()
        #expect(first["actor/kl_loss"] == 0, "the first update starts at the reference")
        #expect(TrainerTests.bits(trainer.policy) != TrainerTests.bits(start), "the policy moved")
        #expect(TrainerTests.bits(trainer.reference) == TrainerTests.bits(start), "the reference did not")

        // Step 2's single update scores the step's rollout under the policy after step 1, against the start.
        let rollout = try #require(trainer.lastRollout?.rollout)
        var againstStart = rollout
        againstStart.score(policy: nil, critic: nil, reference: start, chunkSize: rollout.count)
        var perResponse: [Double] = []
        for i in 0..<rollout.count where rollout.lossMasks[i].contains(true) {
            let kl = k3KL(
                logProbs: rollout.oldLogProbabilities[i], referenceLogProbs: againstStart.referenceLogProbabilities![i], mask: rollout.lossMasks[i])
            perResponse.append(Double(kl.reduce(0, +)) / Double(rollout.lossMasks[i].filter { $0 }.count))
        }
        let expected = perResponse.reduce(0, +) / Double(rollout.count)
        let reported = try #require(second["actor/kl_loss"])
        #expect(expected > 1e-6)
        #expect(abs(reported - expected) <= 1e-3 * expected, "actor/kl_loss \(reported), KL to the starting policy \(expected)")

        let resumed = try Trainer<Float>(resumingFrom: checkpoint, configuration: configuration, task: LenientAddition())
        _ = try resumed.step()
        _ = try resumed.step()
        #expect(TrainerTests.bits(resumed.reference) == TrainerTests.bits(start), "a resumed trainer's reference does not move")
        #expect(TrainerTests.bits(resumed.policy) != TrainerTests.bits(start), "while its policy trains")
    }
}
