import Autograd
import Kernels
import Transformer

/// SplitMix64 for test data, so a failing case is reproducible from its seed.
struct TestRandom {
    var state: UInt64
    init(seed: Int) { state = UInt64(truncatingIfNeeded: seed) &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * Double(next() >> 11) / Double(1 << 53)
    }

    mutating func index(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + index(range.count) }
}

enum Fixtures {
    /// The small GPT of the gradient checks: 2 layers, width 16, 2 heads, context 8, vocabulary 11.
    static let small = GPTConfiguration(layers: 2, width: 16, heads: 2, context: 8, vocabulary: 11)

    /// Random parameter values of O(1) (layer-norm scales in [0.5, 1.5], everything else in [−0.5, 0.5]),
    /// so that attention is far from uniform and every path of the network carries a sizeable gradient.
    static func randomParameters(_ configuration: GPTConfiguration, head: GPTHead, seed: Int) -> [String: [Double]] {
        var random = TestRandom(seed: seed)
        var values: [String: [Double]] = [:]
        for specification in configuration.parameterSpecifications(head: head) {
            let range: ClosedRange<Double> = specification.name.hasSuffix(".scale") ? 0.5...1.5 : -0.5...0.5
            values[specification.name] = (0..<specification.shape.reduce(1, *)).map { _ in random.uniform(range) }
        }
        return values
    }

    static func model(_ configuration: GPTConfiguration, head: GPTHead, _ values: [String: [Double]]) -> GPT<Double> {
        let shapes = Dictionary(uniqueKeysWithValues: configuration.parameterSpecifications(head: head).map { ($0.name, $0.shape) })
        let tensors = Dictionary(uniqueKeysWithValues: values.map { name, scalars in
            (name, Tensor(shape: shapes[name]!, scalars: scalars))
        })
        return try! GPT(configuration: configuration, head: head, parameters: tensors)
    }

    static func reference(_ configuration: GPTConfiguration, _ values: [String: [Double]]) -> ReferenceGPT {
        ReferenceGPT(
            layers: configuration.layers, width: configuration.width, heads: configuration.heads,
            vocabulary: configuration.vocabulary, parameters: values)
    }

    static func tokens(batch: Int, length: Int, vocabulary: Int, seed: Int) -> [[Int]] {
        var random = TestRandom(seed: seed)
        return (0..<batch).map { _ in (0..<length).map { _ in random.index(vocabulary) } }
    }

    /// Tape gradients of `loss` with respect to every parameter of `model`, by name.
    static func tapeGradients(_ model: GPT<Double>, loss: ([Tensor<Double>]) -> Tensor<Double>) -> [String: [Double]] {
        let tape = Tape<Double>()
        let variables = model.parameters.map { tape.variable($0) }
        let gradients = tape.gradients(of: loss(variables), withRespectTo: variables)
        return Dictionary(uniqueKeysWithValues: zip(model.names, gradients.map(\.scalars)))
    }
}
