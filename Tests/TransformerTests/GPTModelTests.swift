import Autograd
import Foundation
import Kernels
import Testing
import Transformer

/// Configuration, parameter list, initialisation and model-to-model copying.
@Suite("GPT configuration, parameters and initialisation")
struct GPTModelTests {
    @Test("a configuration with a non-positive field, or heads not dividing width, is an error naming the field and the allowed range")
    func validation() throws {
        _ = try GPTConfiguration().validated()
        let cases: [(GPTConfiguration, String, Int, String)] = [
            (GPTConfiguration(layers: 0), "layers", 0, "1...128"),
            (GPTConfiguration(width: -4), "width", -4, "1...4096"),
            (GPTConfiguration(heads: 0), "heads", 0, "1...256"),
            (GPTConfiguration(context: 0), "context", 0, "1...4096"),
            (GPTConfiguration(vocabulary: 0), "vocabulary", 0, "1...65536"),
            (GPTConfiguration(tokenFeatures: -1), "tokenFeatures", -1, "0...256"),
            (GPTConfiguration(width: 130, heads: 4), "heads", 4, "a divisor of width 130"),
        ]
        for (configuration, field, value, allowed) in cases {
            #expect(throws: GPTConfigurationError.outOfRange(field: field, value: value, allowed: allowed)) {
                try configuration.validated()
            }
            #expect(throws: GPTConfigurationError.self) {
                try GPT<Float>(configuration: configuration, head: .languageModel, stream: RandomStream(seed: 1))
            }
        }
        #expect(GPTConfigurationError.outOfRange(field: "heads", value: 4, allowed: "a divisor of width 130").description
            == "model configuration: heads is 4; allowed: a divisor of width 130")
    }

    @Test("the default model (4 layers, width 128, 4 heads, context 128, vocabulary 26) has 816,384 parameters with the language-model head, 813,185 with the scalar head")
    func defaultSize() {
        #expect(GPTConfiguration().parameterCount(head: .languageModel) == 816_384)
        #expect(GPTConfiguration().parameterCount(head: .scalar) == 813_185)
    }

    @Test("the parameter list is ordered trunk first, in forward order, then the head, with the documented names and shapes")
    func parameterLayout() {
        let names = Fixtures.small.parameterSpecifications(head: .languageModel).map(\.name)
        let block = [
            "attention_norm.scale", "attention_norm.offset", "attention.qkv.weight", "attention.qkv.bias",
            "attention.output.weight", "attention.output.bias", "mlp_norm.scale", "mlp_norm.offset",
            "mlp.up.weight", "mlp.up.bias", "mlp.down.weight", "mlp.down.bias",
        ]
        let expected = ["token_embedding", "position_embedding"] + block.map { "blocks.0.\($0)" }
            + block.map { "blocks.1.\($0)" } + ["final_norm.scale", "final_norm.offset", "lm_head.weight"]
        #expect(names == expected)
        let shapes = Dictionary(uniqueKeysWithValues: Fixtures.small.parameterSpecifications(head: .scalar).map { ($0.name, $0.shape) })
        #expect(shapes["token_embedding"] == [11, 16] && shapes["position_embedding"] == [8, 16])
        #expect(shapes["blocks.1.attention.qkv.weight"] == [16, 48] && shapes["blocks.1.mlp.up.weight"] == [16, 64])
        #expect(shapes["blocks.1.mlp.down.weight"] == [64, 16] && shapes["scalar_head.weight"] == [16, 1])
        #expect(shapes["scalar_head.bias"] == [1] && shapes["lm_head.weight"] == nil)
    }

    @Test("initialisation is deterministic per name: same seed, same bits; another seed or another name, other values; GPT-2 scales, zero biases and offsets, unit scales")
    func initialisation() throws {
        let configuration = GPTConfiguration(layers: 3, width: 32, heads: 4, context: 16, vocabulary: 26)
        let a = try GPT<Float>(configuration: configuration, head: .languageModel, stream: RandomStream(seed: 42))
        let b = try GPT<Float>(configuration: configuration, head: .languageModel, stream: RandomStream(seed: 42))
        let c = try GPT<Float>(configuration: configuration, head: .languageModel, stream: RandomStream(seed: 43))
        for i in a.parameters.indices {
            #expect(a.parameters[i].scalars.map(\.bitPattern) == b.parameters[i].scalars.map(\.bitPattern))
        }
        #expect(a["blocks.0.mlp.up.weight"]!.scalars != c["blocks.0.mlp.up.weight"]!.scalars)
        #expect(a["blocks.0.mlp.up.weight"]!.scalars != a["blocks.1.mlp.up.weight"]!.scalars)
        // The same name draws the same values whatever else the model holds (here: another head).
        let scalar = try GPT<Float>(configuration: configuration, head: .scalar, stream: RandomStream(seed: 42))
        #expect(scalar["blocks.2.attention.qkv.weight"]!.scalars == a["blocks.2.attention.qkv.weight"]!.scalars)

        func standardDeviation(_ name: String) -> Double {
            let x = a[name]!.scalars.map(Double.init)
            return (x.reduce(0) { $0 + $1 * $1 } / Double(x.count)).squareRoot()
        }
        let residual = 0.02 / (6.0).squareRoot()
        #expect(abs(standardDeviation("blocks.0.mlp.up.weight") - 0.02) < 0.002)          // 4096 draws
        #expect(abs(standardDeviation("blocks.0.mlp.down.weight") - residual) < 0.1 * residual)
        #expect(abs(standardDeviation("blocks.2.attention.output.weight") - residual) < 0.15 * residual)
        for name in a.names where name.hasSuffix(".bias") || name.hasSuffix(".offset") {
            #expect(a[name]!.scalars.allSatisfy { $0 == 0 }, "\(name) is not zero")
        }
        for name in a.names where name.hasSuffix(".scale") {
            #expect(a[name]!.scalars.allSatisfy { $0 == 1 }, "\(name) is not one")
        }
    }

    @Test("a parameter list with a missing, unexpected or misshapen tensor is an error naming it")
    func parameterErrors() throws {
        let model = try GPT<Double>(configuration: Fixtures.small, head: .scalar, stream: RandomStream(seed: 1))
        let complete = Dictionary(uniqueKeysWithValues: zip(model.names, model.parameters))
        var missing = complete
        missing["scalar_head.bias"] = nil
        #expect(throws: GPTParameterError.missing(name: "scalar_head.bias")) {
            try GPT(configuration: Fixtures.small, head: .scalar, parameters: missing)
        }
        #expect(throws: GPTParameterError.missing(name: "lm_head.weight")) {
            try GPT(configuration: Fixtures.small, head: .languageModel, parameters: complete)
        }
        var extra = complete
        extra["blocks.2.mlp.up.weight"] = Tensor(zeros: [16, 64])
        #expect(throws: GPTParameterError.unexpected(name: "blocks.2.mlp.up.weight")) {
            try GPT(configuration: Fixtures.small, head: .scalar, parameters: extra)
        }
        var misshapen = complete
        misshapen["position_embedding"] = Tensor(zeros: [16, 8])
        #expect(throws: GPTParameterError.shapeMismatch(name: "position_embedding", expected: [8, 16], found: [16, 8])) {
            try GPT(configuration: Fixtures.small, head: .scalar, parameters: misshapen)
        }
        let reloaded = try GPT(configuration: Fixtures.small, head: .scalar, parameters: complete)
        #expect(reloaded.parameters.map(\.scalars) == model.parameters.map(\.scalars))
    }

    @Test("a value model initialised from a reward model takes the trunk and the head; from a policy, the trunk only")
    func copyingParameters() throws {
        let reward = try GPT<Float>(configuration: Fixtures.small, head: .scalar, stream: RandomStream(seed: 1))
        let policy = try GPT<Float>(configuration: Fixtures.small, head: .languageModel, stream: RandomStream(seed: 2))
        let fresh = try GPT<Float>(configuration: Fixtures.small, head: .scalar, stream: RandomStream(seed: 3))
        let fromReward = fresh.copyingParameters(from: reward)
        #expect(fromReward.parameters.map(\.scalars) == reward.parameters.map(\.scalars))
        let fromPolicy = fresh.copyingParameters(from: policy)
        for (i, name) in fresh.names.enumerated() {
            let source = name.hasPrefix("scalar_head") ? fresh : policy
            #expect(fromPolicy.parameters[i].scalars == source[name]!.scalars, "\(name)")
        }
    }
}

@Suite("GPT configuration as JSON and in Float")
struct GPTConfigurationCodingTests {
    @Test("a JSON configuration may omit any field, which takes its default; encoding and decoding round-trips")
    func json() throws {
        let partial = try JSONDecoder().decode(GPTConfiguration.self, from: Data(#"{"layers": 2, "width": 64}"#.utf8))
        #expect(partial == GPTConfiguration(layers: 2, width: 64))
        let full = GPTConfiguration(layers: 3, width: 48, heads: 6, context: 40, vocabulary: 32)
        #expect(try JSONDecoder().decode(GPTConfiguration.self, from: JSONEncoder().encode(full)) == full)
    }

    @Test("decoding does not validate: an out-of-range configuration decodes as written, and only validated() refuses it")
    func decodingDoesNotValidate() throws {
        let cases: [(json: String, configuration: GPTConfiguration, field: String, value: Int, allowed: String)] = [
            (#"{"layers": 0}"#, GPTConfiguration(layers: 0), "layers", 0, "1...128"),
            (#"{"width": 100000}"#, GPTConfiguration(width: 100_000), "width", 100_000, "1...4096"),
            (#"{"width": 130, "heads": 4}"#, GPTConfiguration(width: 130, heads: 4), "heads", 4, "a divisor of width 130"),
            (#"{"tokenFeatures": -1}"#, GPTConfiguration(tokenFeatures: -1), "tokenFeatures", -1, "0...256"),
        ]
        for (json, configuration, field, value, allowed) in cases {
            let decoded = try JSONDecoder().decode(GPTConfiguration.self, from: Data(json.utf8))
            #expect(decoded == configuration, "\(json)")
            #expect(throws: GPTConfigurationError.outOfRange(field: field, value: value, allowed: allowed)) {
                try decoded.validated()
            }
        }
    }

    @Test("the Float model's logits and gradients agree with the Double model's on the same parameters to Float accuracy (1e-4 relative)")
    func floatAgreesWithDouble() {
        let configuration = Fixtures.small
        let values = Fixtures.randomParameters(configuration, head: .languageModel, seed: 9)
        let double = Fixtures.model(configuration, head: .languageModel, values)
        let float = try! GPT<Float>(
            configuration: configuration, head: .languageModel,
            parameters: Dictionary(uniqueKeysWithValues: zip(double.names, double.parameters).map { name, tensor in
                (name, Tensor<Float>(shape: tensor.shape, scalars: tensor.scalars.map { Float($0) }))
            }))
        let tokens = TokenBatch(Fixtures.tokens(batch: 2, length: 8, vocabulary: 11, seed: 10))
        let targets = Fixtures.tokens(batch: 2, length: 8, vocabulary: 11, seed: 11).flatMap { $0 }
        #expect(relativeError(float.logits(tokens).scalars.map(Double.init), double.logits(tokens).scalars) <= 1e-4)
        let tape = Tape<Float>()
        let variables = float.parameters.map { tape.variable($0) }
        let floatGradients = tape.gradients(
            of: float.logits(tokens, parameters: variables).crossEntropy(targets: targets), withRespectTo: variables)
        let doubleGradients = Fixtures.tapeGradients(double) { double.logits(tokens, parameters: $0).crossEntropy(targets: targets) }
        for (i, name) in double.names.enumerated() {
            let error = relativeError(floatGradients[i].scalars.map(Double.init), doubleGradients[name]!)
            #expect(error <= 1e-4, "\(name): relative error \(error)")
        }
    }
}
