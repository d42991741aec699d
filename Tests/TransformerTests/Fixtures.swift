import Autograd
import Kernels
import TestSupport
import Transformer

/// Test data from the shared SplitMix64, so a failing case is reproducible from its seed.
typealias TestRandom = SplitMix64

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
