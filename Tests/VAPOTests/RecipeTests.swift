import RLMath
import Tasks
import Testing
import VAPO

/// Specs/vapo.md, "The recipe": every algorithm is a preset over the same parts, and each part is a switch.
@Suite("The training recipe")
struct RecipeTests {
    static func recipe(_ preset: String) throws -> TrainingRecipe { TrainingRecipe(configuration: try .preset(named: preset)) }

    @Test("vapo, ppo, grpo and dapo resolve to the parts Specs/vapo.md's recipe table gives them")
    func algorithms() throws {
        let vapo = try Self.recipe("vapo")
        #expect(vapo.advantageEstimator == .gae(gamma: 1, policyLambda: .lengthAdaptive(alpha: 1, minimum: 0.5), criticLambda: 1, whitens: true))
        #expect(vapo.critic?.initialization == .fromRewardModel && vapo.critic?.pretrains == true)
        #expect(vapo.groupFilter == .dynamicSampling(maxRetries: 4) && vapo.rewardShaping == .none && !vapo.overlongFiltering)
        #expect(vapo.actorLoss.epsilonHigh == 0.28 && vapo.actorLoss.positiveExampleWeight == 2 && vapo.actorLoss.klCoefficient == nil)
        #expect(vapo.actorLoss.aggregation == .tokenLevel && vapo.sampling == SamplingShape(prompts: 16, samplesPerPrompt: 4))

        let ppo = try Self.recipe("ppo")
        #expect(ppo.advantageEstimator == .gae(gamma: 1, policyLambda: .fixed(0.95), criticLambda: nil, whitens: true))
        #expect(ppo.critic?.pretrains == false && ppo.groupFilter == .none && ppo.sampling == SamplingShape(prompts: 64, samplesPerPrompt: 1))
        #expect(ppo.actorLoss.epsilonHigh == 0.2 && ppo.actorLoss.positiveExampleWeight == nil && ppo.actorLoss.aggregation == .sampleLevel)

        let grpo = try Self.recipe("grpo")
        #expect(grpo.advantageEstimator == .groupNormalized(dividesByStd: true) && grpo.critic == nil && grpo.groupFilter == .none)
        #expect(grpo.actorLoss.klCoefficient == 0.04 && grpo.keepsReference && grpo.rewardShaping == .none && !grpo.overlongFiltering)

        let dapo = try Self.recipe("dapo")
        #expect(dapo.advantageEstimator == .groupNormalized(dividesByStd: true) && dapo.critic == nil && dapo.groupFilter == .dynamicSampling(maxRetries: 4))
        #expect(dapo.rewardShaping == .softOverlongPunishment(maxLength: 96, cacheLength: 16) && dapo.overlongFiltering)
        #expect(dapo.actorLoss.klCoefficient == nil && dapo.actorLoss.epsilonHigh == 0.28 && dapo.actorLoss.aggregation == .tokenLevel)
    }

    @Test("a cross-algorithm preset is its base with only the named part changed")
    func crossPresets() throws {
        func without(_ recipe: TrainingRecipe, _ part: RecipePart) -> [String] { recipe.table.filter { $0.part != part }.map(\.setting) }
        let cases: [(String, String, RecipePart)] = [
            ("vapo+kl", "vapo", .actorLoss), ("dapo+positive-lm-loss", "dapo", .actorLoss), ("grpo-no-kl", "grpo", .actorLoss),
            ("grpo-no-std", "grpo", .advantageEstimator), ("dapo-no-dynamic-sampling", "dapo", .groupFilter),
            ("vapo-no-dynamic-sampling", "vapo", .groupFilter),
        ]
        for (name, base, part) in cases {
            let (preset, original) = (try Self.recipe(name), try Self.recipe(base))
            #expect(without(preset, part) == without(original, part), "\(name) differs from \(base) only in its \(part.rawValue)")
            #expect(preset != original, "\(name) changes its \(part.rawValue)")
        }
        let shaped = try Self.recipe("vapo+overlong-shaping"), vapo = try Self.recipe("vapo")
        #expect(shaped.rewardShaping == .softOverlongPunishment(maxLength: 96, cacheLength: 16) && shaped.overlongFiltering)
        #expect(shaped.advantageEstimator == vapo.advantageEstimator && shaped.critic == vapo.critic && shaped.actorLoss == vapo.actorLoss)
    }

    @Test("the group-normalised estimator divides by the group's std with normalizeByGroupStd and only centres without it (RLMath's two functions)")
    func groupEstimators() {
        let responses = [
            Fixtures.response([5, Tokenizer.eos], group: 0, score: 1, correct: true), Fixtures.response([Tokenizer.eos], group: 0, score: -1),
            Fixtures.response([5, 6, Tokenizer.eos], group: 0, score: 1, correct: true), Fixtures.response([3, Tokenizer.eos], group: 1, score: -1),
            Fixtures.response([4, Tokenizer.eos], group: 1, score: -1), Fixtures.response([Tokenizer.eos], group: 1, score: 1, correct: true),
        ]
        let rollout = Rollout<Double>(responses: responses, samplesPerGroup: 3, overlongFiltering: false)
        let scores = rollout.scores
        for (dividesByStd, rule) in [(true, groupNormalizedAdvantages(rewards:) as ([Double]) -> [Double]), (false, groupCenteredAdvantages(rewards:))] {
            let estimate = AdvantageEstimator.groupNormalized(dividesByStd: dividesByStd).estimate(rollout)
            let expected = rule(Array(scores[0..<3])) + rule(Array(scores[3..<6]))
            #expect(estimate.advantages == broadcastToTokens(expected, masks: rollout.responseMasks))
            #expect(estimate.returns == nil && estimate.policyLambdas == nil)
        }
        // r − mean of (1, −1, 1) is (2/3, −4/3, 2/3): centring alone leaves the scale of the scores.
        let centred = AdvantageEstimator.groupNormalized(dividesByStd: false).estimate(rollout)
        #expect(centred.advantages[1].last == -1 - 1.0 / 3)
    }

    @Test("soft overlong punishment is a switch: off, a score is the verifier's; on, a response of L_max − L_cache + d tokens loses d/L_cache")
    func rewardShaping() throws {
        var c = try TrainingConfiguration.preset(named: "vapo")
        #expect(RewardShaping(configuration: c).score(1, length: 90) == 1)
        c.overlongPunishment = true
        let shaping = RewardShaping(configuration: c)
        #expect(shaping.score(1, length: 80) == 1)
        #expect(shaping.score(1, length: 84) == 0.75)
        #expect(shaping.score(-1, length: 96) == -2)
        #expect(shaping.score(1, length: 90) == 1 + softOverlongPunishment(length: 90, maxLength: 96, cacheLength: 16))
    }
}
