// Specs/autograd.md, "Determinism and end-to-end": the MLP of the end-to-end tests and `vapo demo`.
import Autograd
import Kernels

/// A fully connected network with tanh hidden layers: x → tanh(x·W₁ + b₁) → … → ·Wₙ + bₙ.
public struct MultilayerPerceptron<Scalar: KernelScalar & RandomKernels> {
    /// Weights [in, out] and biases [out], alternating, layer by layer.
    public var parameters: [Tensor<Scalar>]

    /// Layers of the given widths (input first, output last), weights drawn N(0, 1/fan-in) from `stream`
    /// (one child stream per tensor, so a layer's values do not depend on the other layers), biases zero.
    public init(widths: [Int], stream: RandomStream) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 > 0 }, "need at least two positive widths, got \(widths)")
        parameters = []
        for layer in 0..<(widths.count - 1) {
            let (fanIn, fanOut) = (widths[layer], widths[layer + 1])
            parameters.append(Tensor(
                randomNormal: [fanIn, fanOut], standardDeviation: 1 / Scalar(fanIn).squareRoot(),
                stream: stream.child("layer\(layer).weight")))
            parameters.append(Tensor(zeros: [fanOut]))
        }
    }

    /// The network applied to rows of `input` [batch, widths[0]], using `parameters` (pass the tape's
    /// variables to differentiate).
    public static func apply(_ parameters: [Tensor<Scalar>], to input: Tensor<Scalar>) -> Tensor<Scalar> {
        var activation = input
        for layer in stride(from: 0, to: parameters.count, by: 2) {
            activation = Tensor.matmul(activation, parameters[layer]) + parameters[layer + 1]
            if layer + 2 < parameters.count { activation = activation.tanh() }
        }
        return activation
    }
}
