import Autograd
import Foundation
import Kernels
import PropertyBased
import PropertyTesting
import Testing
import Transformer

/// The GPT against the independent plain-loop Double implementation of ReferenceGPT.swift.
@Suite("GPT against a plain-loop reference")
struct GPTReferenceTests {
    /// Norm-wise relative error allowed between tape gradients and finite differences, per parameter.
    static let gradientTolerance = 1e-5
    /// Forward values are the same arithmetic up to rounding order and our own exp/tanh: far below this.
    static let forwardTolerance = 1e-12

    @Test("the logits of random small GPTs match the plain-loop reference, on shapes with 1-sized axes")
    func forwardOnRandomShapes() async {
        await checkProperty(count: 25, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = TestRandom(seed: seed)
            let heads = random.integer(1...3)
            let configuration = GPTConfiguration(
                layers: random.integer(1...2), width: heads * random.integer(1...5), heads: heads,
                context: random.integer(1...7), vocabulary: random.integer(1...9))
            let length = random.integer(1...configuration.context)
            let values = Fixtures.randomParameters(configuration, head: .languageModel, seed: seed)
            let tokens = Fixtures.tokens(batch: random.integer(1...3), length: length, vocabulary: configuration.vocabulary, seed: seed)
            let logits = Fixtures.model(configuration, head: .languageModel, values).logits(TokenBatch(tokens))
            let expected = tokens.flatMap { Fixtures.reference(configuration, values).logits($0).flatMap { $0 } }
            #expect(logits.shape == [tokens.count, length, configuration.vocabulary])
            #expect(relativeError(logits.scalars, expected) <= Self.forwardTolerance)
        }
    }

    @Test("every parameter gradient of the next-token cross-entropy matches finite differences of the plain-loop reference (2 layers, width 16, 2 heads, context 8, vocabulary 11, batch 2)")
    func languageModelGradients() {
        let configuration = Fixtures.small
        let values = Fixtures.randomParameters(configuration, head: .languageModel, seed: 1)
        let model = Fixtures.model(configuration, head: .languageModel, values)
        let tokens = Fixtures.tokens(batch: 2, length: 8, vocabulary: 11, seed: 2)
        let targets = Fixtures.tokens(batch: 2, length: 8, vocabulary: 11, seed: 3).flatMap { $0 }

        let logits = model.logits(TokenBatch(tokens))
        let reference = Fixtures.reference(configuration, values)
        #expect(relativeError(logits.scalars, tokens.flatMap { reference.logits($0).flatMap { $0 } }) <= Self.forwardTolerance)

        let analytic = Fixtures.tapeGradients(model) { model.logits(TokenBatch(tokens), parameters: $0).crossEntropy(targets: targets) }
        let numeric = finiteDifferenceGradients(reference, names: model.names) { reference in
            let rows = tokens.flatMap { reference.logits($0) }
            return -zip(rows, targets).reduce(0) { $0 + logSoftmax($1.0)[$1.1] } / Double(rows.count)
        }
        for name in model.names {
            let error = relativeError(analytic[name]!, numeric[name]!)
            #expect(error <= Self.gradientTolerance, "\(name): relative error \(error)")
            #expect(numeric[name]!.contains { $0 != 0 }, "\(name) has an all-zero gradient: the check cannot fail")
        }
    }

    @Test("log-probabilities and entropies of response tokens match the plain-loop softmax at the previous position, are +0 outside the response (so are the top log-probabilities), and differentiate as finite differences say")
    func tokenLogProbabilities() {
        let configuration = Fixtures.small
        let values = Fixtures.randomParameters(configuration, head: .languageModel, seed: 4)
        let model = Fixtures.model(configuration, head: .languageModel, values)
        let reference = Fixtures.reference(configuration, values)
        let (batch, length) = (3, 7)
        let tokens = Fixtures.tokens(batch: batch, length: length, vocabulary: 11, seed: 5)
        // Prompt lengths 1, 3 and 6; the response runs to the end (a padded row would end earlier).
        let promptLengths = [1, 3, 6]
        let mask = (0..<batch).flatMap { b in (0..<length).map { $0 >= promptLengths[b] ? 1.0 : 0.0 } }

        let result = model.tokenLogProbabilities(TokenBatch(tokens), responseMask: mask)
        #expect(result.logProbabilities.shape == [batch, length] && result.entropies.shape == [batch, length])
        var expectedLogp = [Double](), expectedEntropy = [Double]()
        for b in 0..<batch {
            let logits = reference.logits(tokens[b])
            for t in 0..<length {
                guard mask[b * length + t] != 0 else { expectedLogp.append(0); expectedEntropy.append(0); continue }
                let logp = logSoftmax(logits[t - 1])
                expectedLogp.append(logp[tokens[b][t]])
                expectedEntropy.append(-zip(softmax(logits[t - 1]), logp).reduce(0) { $0 + $1.0 * $1.1 })
            }
        }
        #expect(relativeError(result.logProbabilities.scalars, expectedLogp) <= Self.forwardTolerance)
        #expect(relativeError(result.entropies.scalars, expectedEntropy) <= Self.forwardTolerance)
        // Outside the response every per-token output is +0 (bit pattern 0, not −0): selection, not multiplication.
        for (name, output) in [("logp", result.logProbabilities), ("entropy", result.entropies), ("top", result.topLogProbabilities)] {
            #expect(output.shape == [batch, length])
            #expect(zip(output.scalars, mask).allSatisfy { $1 != 0 || $0.bitPattern == 0 }, "\(name)")
        }

        // Gradient of Σ logp·a + Σ entropy·c with fixed random weights a, c, checked on a subset of parameters.
        var random = TestRandom(seed: 6)
        let a = mask.map { _ in random.uniform(-1...1) }, c = mask.map { _ in random.uniform(-1...1) }
        func objective(_ logp: [Double], _ entropy: [Double]) -> Double {
            zip(logp, a).reduce(0) { $0 + $1.0 * $1.1 } + zip(entropy, c).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let analytic = Fixtures.tapeGradients(model) { parameters in
            let r = model.tokenLogProbabilities(TokenBatch(tokens), responseMask: mask, parameters: parameters)
            return (r.logProbabilities * Tensor(shape: [batch, length], scalars: a)).sum()
                + (r.entropies * Tensor(shape: [batch, length], scalars: c)).sum()
        }
        let checked = ["token_embedding", "blocks.0.attention.qkv.weight", "blocks.1.mlp.down.weight", "final_norm.scale", "lm_head.weight"]
        let numeric = finiteDifferenceGradients(reference, names: checked) { reference in
            var logp = [Double](), entropy = [Double]()
            for b in 0..<batch {
                let logits = reference.logits(tokens[b])
                for t in 0..<length {
                    guard mask[b * length + t] != 0 else { logp.append(0); entropy.append(0); continue }
                    let row = logSoftmax(logits[t - 1])
                    logp.append(row[tokens[b][t]])
                    entropy.append(-row.reduce(0) { $0 + Foundation.exp($1) * $1 })
                }
            }
            return objective(logp, entropy)
        }
        for name in checked {
            let error = relativeError(analytic[name]!, numeric[name]!)
            #expect(error <= Self.gradientTolerance, "\(name): relative error \(error)")
        }
    }

    @Test("on random shapes, including length 1 and rows without a response, log-probabilities and entropies match the plain-loop softmax")
    func tokenLogProbabilitiesOnRandomShapes() async {
        await checkProperty(count: 25, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = TestRandom(seed: seed)
            let configuration = GPTConfiguration(layers: 1, width: 6, heads: 2, context: 6, vocabulary: random.integer(1...9))
            let values = Fixtures.randomParameters(configuration, head: .languageModel, seed: seed)
            let reference = Fixtures.reference(configuration, values)
            let (batch, length) = (random.integer(1...3), random.integer(1...6))
            let tokens = Fixtures.tokens(batch: batch, length: length, vocabulary: configuration.vocabulary, seed: seed)
            let mask = (0..<batch * length).map { $0 % length == 0 ? 0.0 : Double(random.index(2)) }
            let result = Fixtures.model(configuration, head: .languageModel, values)
                .tokenLogProbabilities(TokenBatch(tokens), responseMask: mask)
            var expectedLogp = [Double](), expectedEntropy = [Double]()
            for b in 0..<batch {
                let logits = reference.logits(tokens[b])
                for t in 0..<length {
                    let row = t == 0 ? [] : logSoftmax(logits[t - 1])
                    expectedLogp.append(mask[b * length + t] == 0 ? 0 : row[tokens[b][t]])
                    expectedEntropy.append(mask[b * length + t] == 0 ? 0 : -row.reduce(0) { $0 + Foundation.exp($1) * $1 })
                }
            }
            #expect(result.logProbabilities.shape == [batch, length])
            #expect(relativeError(result.logProbabilities.scalars, expectedLogp) <= Self.forwardTolerance)
            #expect(relativeError(result.entropies.scalars, expectedEntropy) <= Self.forwardTolerance)
        }
    }

    @Test("the value head gives [batch, T] and the reward head [batch] scalars matching the reference; every gradient of the reward model's binary cross-entropy matches finite differences")
    func scalarHeads() {
        let configuration = Fixtures.small
        let values = Fixtures.randomParameters(configuration, head: .scalar, seed: 7)
        let model = Fixtures.model(configuration, head: .scalar, values)
        let reference = Fixtures.reference(configuration, values)
        let tokens = Fixtures.tokens(batch: 2, length: 8, vocabulary: 11, seed: 8)
        let perToken = model.values(TokenBatch(tokens))
        #expect(perToken.shape == [2, 8])
        #expect(relativeError(perToken.scalars, tokens.flatMap { reference.values($0) }) <= Self.forwardTolerance)

        let eos = [5, 7], correct = [true, false]
        let rewards = model.rewards(TokenBatch(tokens), at: eos)
        #expect(rewards.shape == [2])
        #expect(rewards.scalars == [perToken.scalars[5], perToken.scalars[8 + 7]])

        let analytic = Fixtures.tapeGradients(model) {
            model.rewardLoss(TokenBatch(tokens), eosPositions: eos, correct: correct, parameters: $0)
        }
        let numeric = finiteDifferenceGradients(reference, names: model.names) { reference in
            let losses = (0..<2).map { b in
                let r = reference.values(tokens[b])[eos[b]]
                return Foundation.log(1 + Foundation.exp(r)) - (correct[b] ? r : 0)
            }
            return losses.reduce(0, +) / 2
        }
        for name in model.names {
            let error = relativeError(analytic[name]!, numeric[name]!)
            #expect(error <= Self.gradientTolerance, "\(name): relative error \(error)")
        }
    }

    @Test("a value model reading F token features adds features · feature_embedding.weight to its input and the feature MLP of [hidden; features] to its head, matching the reference; every gradient, the feature weights' included, matches finite differences")
    func tokenFeatureInputs() {
        var configuration = Fixtures.small
        configuration.tokenFeatures = 3
        let values = Fixtures.randomParameters(configuration, head: .scalar, seed: 17)
        let model = Fixtures.model(configuration, head: .scalar, values)
        let reference = Fixtures.reference(configuration, values)
        let tokens = Fixtures.tokens(batch: 2, length: 8, vocabulary: 11, seed: 18)
        var random = TestRandom(seed: 19)
        let features = (0..<2).map { _ in (0..<8).map { _ in (0..<3).map { _ in random.uniform(-1...1) } } }
        let input = Tensor(shape: [2, 8, 3], scalars: features.flatMap { $0.flatMap { $0 } })
        let perToken = model.values(TokenBatch(tokens), features: input)
        #expect(relativeError(perToken.scalars, (0..<2).flatMap { reference.values(tokens[$0], features: features[$0]) }) <= Self.forwardTolerance)
        // The features change the values (the test would pass vacuously if they were ignored).
        var withoutFeatures = values
        withoutFeatures["feature_embedding.weight"] = withoutFeatures["feature_embedding.weight"]!.map { _ in 0 }
        withoutFeatures["feature_head.down.weight"] = withoutFeatures["feature_head.down.weight"]!.map { _ in 0 }
        let blind = Fixtures.model(configuration, head: .scalar, withoutFeatures).values(TokenBatch(tokens), features: input)
        #expect(relativeError(perToken.scalars, blind.scalars) > 1e-2)

        let weights = (0..<16).map { Double($0 % 5) - 2 }
        let analytic = Fixtures.tapeGradients(model) {
            (model.values(TokenBatch(tokens), features: input, parameters: $0).reshaped([16]) * Tensor(shape: [16], scalars: weights)).sum()
        }
        let numeric = finiteDifferenceGradients(reference, names: model.names) { reference in
            let all = (0..<2).flatMap { reference.values(tokens[$0], features: features[$0]) }
            return zip(all, weights).reduce(0) { $0 + $1.0 * $1.1 }
        }
        for name in model.names {
            let error = relativeError(analytic[name]!, numeric[name]!)
            #expect(error <= Self.gradientTolerance, "\(name): relative error \(error)")
        }
    }

    @Test("binary cross-entropy stays finite and exact for large logits: log(1 + e^r) − y·r without overflow")
    func binaryCrossEntropyLargeLogits() {
        let logits = Tensor<Double>(shape: [4], scalars: [800, -800, 800, -800])
        let loss = logits.binaryCrossEntropy(labels: [1, 0, 0, 1])
        #expect(loss.scalar == (0 + 0 + 800 + 800) / 4)
    }
}
