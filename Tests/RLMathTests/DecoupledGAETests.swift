import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

@Suite("Decoupled GAE")
struct DecoupledGAETests {
    static func checkDecoupled<S: RLScalar>(
        rewards r: [S], values v: [S], mask: [Bool], gamma: S, lambdaCritic: S, lambdaPolicy: S,
        same: @escaping (S, S) -> Bool
    ) {
        let out = decoupledGAE(
            rewards: r, values: v, mask: mask, gamma: gamma, lambdaCritic: lambdaCritic, lambdaPolicy: lambdaPolicy)
        let critic = gae(rewards: r, values: v, mask: mask, gamma: gamma, lambda: lambdaCritic)
        let policy = gae(rewards: r, values: v, mask: mask, gamma: gamma, lambda: lambdaPolicy)
        #expect(out.returns.count == mask.count && out.advantages.count == mask.count)
        #expect(zip(out.returns, critic.returns).allSatisfy(same))
        #expect(zip(out.advantages, policy.advantages).allSatisfy(same))
    }

    @Test("decoupled GAE: returns are GAE(λ_critic)'s and advantages GAE(λ_policy)'s (rationals exactly, Float bit for bit)")
    func decoupledIsTwoGAECalls() async {
        let lambdas = zip(RLTestData.unitFraction, RLTestData.unitFraction, RLTestData.unitFraction)
        await checkProperty(count: 100, input: RLTestData.sequence(), lambdas) { s, parameters in
            let (gamma, critic, policy) = parameters
            Self.checkDecoupled(
                rewards: s.rewards(), values: s.values(), mask: s.mask, gamma: gamma.value(Rational.self),
                lambdaCritic: critic.value(), lambdaPolicy: policy.value(), same: ==)
        }
        await checkProperty(count: 100, input: RLTestData.floatSequence(), lambdas) { s, parameters in
            let (gamma, critic, policy) = parameters
            Self.checkDecoupled(
                rewards: s.rewards, values: s.values, mask: s.mask, gamma: gamma.value(Float.self),
                lambdaCritic: critic.value(), lambdaPolicy: policy.value(), same: { $0.bitPattern == $1.bitPattern })
        }
    }

    @Test("decoupled GAE on rationals equals the exact decoupled reference (sum formula with λ_policy and λ_critic)")
    func decoupledExact() async {
        let lambdas = zip(RLTestData.unitFraction, RLTestData.unitFraction, RLTestData.unitFraction)
        await checkProperty(count: 200, input: RLTestData.sequence(), lambdas) { s, parameters in
            let g = parameters.0.value(Rational.self)
            let (c, p) = (parameters.1.value(Rational.self), parameters.2.value(Rational.self))
            let out = decoupledGAE(
                rewards: s.rewards(), values: s.values(), mask: s.mask, gamma: g, lambdaCritic: c, lambdaPolicy: p)
            let reference = VAPOLambdaReferences.decoupledGAE(
                rewards: s.rewards(), values: s.values(), mask: s.mask, gamma: g, lambdaPolicy: p, lambdaCritic: c)
            #expect(out.advantages == reference.advantages && out.returns == reference.returns)
        }
    }

    @Test("batch decoupled GAE with a λ_policy per sequence equals running each sequence alone (Float: bit for bit)")
    func perSequenceLambda() async {
        let batch = zip(RLTestData.floatSequence(length: 0...30), RLTestData.unitFraction).array(of: 0...8)
        await checkProperty(count: 60, input: batch, RLTestData.unitFraction, RLTestData.unitFraction) {
            batch, gamma, critic in
            let (g, c) = (gamma.value(Float.self), critic.value(Float.self))
            let lambdas = batch.map { $0.1.value(Float.self) }
            let out = decoupledGAE(
                rewards: batch.map(\.0.rewards), values: batch.map(\.0.values), masks: batch.map(\.0.mask),
                gamma: g, lambdaCritic: c, lambdaPolicy: lambdas)
            #expect(out.count == batch.count)
            for (i, (s, _)) in batch.enumerated() {
                let alone = decoupledGAE(
                    rewards: s.rewards, values: s.values, mask: s.mask, gamma: g, lambdaCritic: c,
                    lambdaPolicy: lambdas[i])
                #expect(out[i].advantages.map(\.bitPattern) == alone.advantages.map(\.bitPattern))
                #expect(out[i].returns.map(\.bitPattern) == alone.returns.map(\.bitPattern))
            }
        }
    }
}
