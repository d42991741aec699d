import RLMath
import Tasks
import Testing
import VAPO

@Suite("Advantages of a hand-made rollout")
struct AdvantageTests {
    /// Two groups of two responses of lengths 3, 1, 45 and 2 tokens (the length-adaptive λ is at its floor
    /// for 1–3 tokens and above it for 45), scores ±1, and values made up per token.
    static func rollout(overlongFiltering: Bool = false) -> Rollout<Double> {
        let responses = [
            Fixtures.response([5, 6, Tokenizer.eos], group: 0, score: 1, correct: true),
            Fixtures.response([Tokenizer.eos], group: 0, score: -1),
            Fixtures.response(Array(repeating: 7, count: 45), group: 1, score: -1, stop: .maxNewTokens),
            Fixtures.response([3, Tokenizer.eos], group: 1, score: 1, correct: true),
        ]
        var rollout = Rollout<Double>(responses: responses, samplesPerGroup: 2, overlongFiltering: overlongFiltering)
        var random = TestRandom(seed: 11)
        rollout.values = rollout.responseMasks.map { $0.map { _ in random.uniform(-1.0...1.0) } }
        return rollout
    }

    @Test("the rollout puts each response's score at its last token, masks its response tokens, and filters truncated responses only under overlong filtering")
    func layout() {
        let rollout = Self.rollout()
        let prompt = Fixtures.problem().promptTokens.count
        for (i, response) in rollout.responses.enumerated() {
            let length = response.responseTokens.count
            #expect(rollout.responseMasks[i] == Array(repeating: false, count: prompt) + Array(repeating: true, count: length))
            #expect(rollout.rewards[i] == Array(repeating: 0, count: prompt + length - 1) + [response.score])
            #expect(rollout.lossMasks[i] == rollout.responseMasks[i])
        }
        let filtered = Self.rollout(overlongFiltering: true)
        #expect(filtered.lossMasks[2].allSatisfy { !$0 })
        #expect(filtered.lossMasks[0] == filtered.responseMasks[0])
    }

    @Test("VAPO: λ_policy length-adaptive per response, returns from λ_critic = 1, advantages from λ_policy, whitened — exactly RLMath's calls")
    func vapo() {
        let rollout = Self.rollout()
        var configuration = TrainingConfiguration()
        configuration.alpha = 0.05  // the paper's α, so that the floor is reached at toy lengths
        let estimate = AdvantageEstimator.estimate(rollout, configuration: configuration)
        let masks = rollout.responseMasks
        let lambdas: [Double] = lengthAdaptiveLambdas(masks: masks, alpha: configuration.alpha, lambdaMin: configuration.lambdaMin)
        #expect(lambdas[0] == 0.5 && lambdas[2] == 1 - 1 / (0.05 * 45), "3 tokens: the floor; 45: 1 − 1/(α·l)")
        let reference = decoupledGAE(rewards: rollout.rewards, values: rollout.values!, masks: masks, gamma: 1, lambdaCritic: 1, lambdaPolicy: lambdas)
        #expect(estimate.policyLambdas == lambdas)
        #expect(estimate.advantages == whiten(reference.map(\.advantages), masks: masks))
        let monteCarlo = monteCarloReturns(rewards: rollout.rewards, masks: masks, gamma: 1.0)
        #expect(estimate.returns == monteCarlo, "λ_critic = 1: the returns are computed from the rewards alone")
        for (i, response) in rollout.responses.enumerated() {
            #expect(zip(monteCarlo[i], masks[i]).allSatisfy { !$1 || $0 == response.score }, "γ = 1: every target is the score, exactly")
            for t in masks[i].indices { #expect(abs(monteCarlo[i][t] - reference[i].returns[t]) < 1e-12, "= GAE(λ = 1)'s returns") }
        }
    }

    @Test("without Decoupled-GAE the returns use the policy's λ; PPO uses λ = 0.95 for both; without whitening the advantages are GAE's")
    func ablations() throws {
        let rollout = Self.rollout()
        let masks = rollout.responseMasks
        let values = rollout.values!
        var coupled = try TrainingConfiguration.preset(named: "vapo-no-decoupled-gae")
        var estimate = AdvantageEstimator.estimate(rollout, configuration: coupled)
        let lambdas: [Double] = lengthAdaptiveLambdas(masks: masks, alpha: coupled.alpha, lambdaMin: coupled.lambdaMin)
        let perSequence = masks.indices.map { gae(rewards: rollout.rewards[$0], values: values[$0], mask: masks[$0], gamma: 1, lambda: lambdas[$0]) }
        #expect(estimate.returns == perSequence.map(\.returns))
        coupled.whitenAdvantages = false
        estimate = AdvantageEstimator.estimate(rollout, configuration: coupled)
        #expect(estimate.advantages == perSequence.map(\.advantages))

        let ppo = AdvantageEstimator.estimate(rollout, configuration: try .preset(named: "ppo"))
        let fixed = masks.indices.map { gae(rewards: rollout.rewards[$0], values: values[$0], mask: masks[$0], gamma: 1, lambda: 0.95) }
        #expect(ppo.policyLambdas == [0.95, 0.95, 0.95, 0.95])
        #expect(ppo.returns == fixed.map(\.returns))
        #expect(ppo.advantages == whiten(fixed.map(\.advantages), masks: masks))
    }

    @Test("GRPO and DAPO: each group's scores normalised and broadcast to its response tokens; no returns")
    func groups() throws {
        let rollout = Self.rollout()
        for name in ["grpo", "dapo"] {
            let estimate = AdvantageEstimator.estimate(rollout, configuration: try .preset(named: name))
            let perResponse = groupNormalizedAdvantages(rewards: [1.0, -1]) + groupNormalizedAdvantages(rewards: [-1.0, 1])
            #expect(estimate.advantages == broadcastToTokens(perResponse, masks: rollout.responseMasks))
            #expect(estimate.returns == nil && estimate.policyLambdas == nil)
        }
    }
}
