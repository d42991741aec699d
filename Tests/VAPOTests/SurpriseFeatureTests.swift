import Autograd
import Foundation
import Kernels
import Tasks
import Testing
import Transformer
import VAPO

@Suite("The critic reads the policy's surprise")
struct SurpriseFeatureTests {
    @Test("surprise features of a hand-made sequence: 0 at the prompt; the written token's log-probability, its gap to the first choice, the running minima, the count of surprises and the prefix's log-probability and probability, as the table in SurpriseFeatures says")
    func handMadeSequence() {
        let mask = [false, false, true, true, true]
        let logp = [0, 0, Foundation.log(0.5), Foundation.log(0.125), -20.0]
        let top = [0, 0, Foundation.log(0.5), Foundation.log(0.5), Foundation.log(0.9)]
        let f = SurpriseFeatures.of(responseMask: mask, logProbabilities: logp, topLogProbabilities: top)
        let n = SurpriseFeatures.count
        #expect(n == 10 && f.count == 5 * n)
        #expect(f[0..<(2 * n)].allSatisfy { $0 == 0 })
        func row(_ t: Int) -> [Double] { Array(f[(t * n)..<((t + 1) * n)]) }
        let l2 = Foundation.log(0.5) / 4, l3 = Foundation.log(0.125) / 4, g3 = Foundation.log(0.25) / 4
        let expected: [[Double]] = [
            [1, l2, 0, 0, l2, 0, 0, Foundation.log(0.5) / 8, 0.5, 0.5],
            [1, l3, g3, 1, l3, g3, 0.5, Foundation.log(0.0625) / 8, 0.125, 0.0625],
            // log π = −20 is clamped to −8 in ℓ and in the gap; the prefix's log-probability to −16.
            [1, -2, -2, 1, -2, -2, 0.75, -2, Foundation.exp(-20.0), 0.0625 * Foundation.exp(-20.0)],
        ]
        for t in 2...4 {
            for (i, (a, b)) in zip(row(t), expected[t - 2]).enumerated() {
                #expect(abs(a - b) <= 1e-15 * max(1, abs(b)), "token \(t), feature \(i): \(a), expected \(b)")
            }
        }
    }

    @Test("a VAPO trainer's critic reads the surprise features: the rollout carries them, the checkpoint records the critic's own configuration, and the critic's values depend on them (changing one feature changes the value after that token and no value before it)")
    func criticReadsThem() throws {
        var c = Fixtures.configuration()
        c.valuePretrainingSteps = 0
        c.dynamicSampling = false  // a tiny untrained policy's groups are all wrong: keep them
        let trainer = try Trainer<Double>(configuration: c, policy: Fixtures.policy())
        try trainer.prepare()
        var critic = try #require(trainer.critic)
        #expect(critic.configuration.tokenFeatures == SurpriseFeatures.count)
        let saved = try #require(trainer.checkpoint().metadata[TrainerStateModels<Double>.criticConfigurationKey])
        #expect(try JSONDecoder().decode(GPTConfiguration.self, from: Data(saved.utf8)) == critic.configuration)
        // Make the feature weights non-zero, as training does.
        for name in ["feature_embedding.weight", "feature_head.down.weight"] {
            let i = try #require(critic.index(of: name))
            critic.parameters[i] = Tensor(shape: critic.parameters[i].shape, scalars: (0..<critic.parameters[i].count).map { Double($0 % 7) * 0.1 - 0.3 })
        }
        _ = try trainer.step()
        let rollout = try #require(trainer.lastRollout?.rollout)
        let features = try #require(rollout.criticFeatures)
        #expect(features.count == rollout.count)
        let row = try #require(rollout.responseMasks.firstIndex { $0.filter { $0 }.count >= 2 })
        let sequence = rollout.responses[row].tokens
        let first = try #require(rollout.responseMasks[row].firstIndex(of: true))
        let batch = TokenBatch([sequence])
        let length = sequence.count, n = SurpriseFeatures.count
        let base = Tensor(shape: [1, length, n], scalars: features[row])
        var changed = features[row]
        changed[first * n + 1] -= 0.5
        let a = critic.valuesBeforeTokens(batch, features: base).scalars
        let b = critic.valuesBeforeTokens(batch, features: Tensor(shape: [1, length, n], scalars: changed)).scalars
        #expect(a[0...first] == b[0...first])
        #expect(a[first + 1] != b[first + 1])
    }

    @Test("with criticReadsSurprise off the critic reads tokens only: no features in its model, none in the rollout, no critic_config in the checkpoint")
    func switchedOff() throws {
        var c = Fixtures.configuration()
        c.criticReadsSurprise = false
        c.valuePretrainingSteps = 0
        let trainer = try Trainer<Double>(configuration: c, policy: Fixtures.policy())
        _ = try trainer.step()
        #expect(try #require(trainer.critic).configuration.tokenFeatures == 0)
        let rollout = try #require(trainer.lastRollout?.rollout)
        #expect(rollout.values != nil && rollout.criticFeatures == nil)
        #expect(trainer.checkpoint().metadata[TrainerStateModels<Double>.criticConfigurationKey] == nil)
    }

    @Test("a model made to read token features computes exactly what it did before training (its feature embedding and the feature MLP's output layer start at zero), and a model configuration without features encodes as before (no tokenFeatures key)")
    func addingFeaturesChangesNothingYet() throws {
        let model = Fixtures.policy(Double.self).scalarModelOnTrunk(stream: RandomStream(seed: 3, name: "head"))
        let reading = model.readingTokenFeatures(4, stream: RandomStream(seed: 5, name: "features"))
        #expect(reading.configuration.tokenFeatures == 4 && reading.names.count == model.names.count + 4)
        let tokens = TokenBatch([[1, 5, 7, 9, 2], [1, 3, 3, 4, 6]])
        var random = TestRandom(seed: 4)
        let features = Tensor(shape: [2, 5, 4], scalars: (0..<40).map { _ in random.uniform(-1.0...1.0) })
        #expect(reading.values(tokens, features: features).scalars == model.values(tokens).scalars)
        let encoded = String(decoding: try JSONEncoder().encode(GPTConfiguration()), as: UTF8.self)
        #expect(!encoded.contains("tokenFeatures"))
        var withFeatures = GPTConfiguration()
        withFeatures.tokenFeatures = 10
        #expect(try JSONDecoder().decode(GPTConfiguration.self, from: JSONEncoder().encode(withFeatures)) == withFeatures)
    }
}
