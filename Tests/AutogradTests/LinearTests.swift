import Autograd
import Kernels
import Testing

@Suite("Linear layers")
struct LinearTests {
    static func random(_ shape: [Int], seed: UInt64) -> Tensor<Float> {
        Tensor(randomNormal: shape, mean: 0, standardDeviation: 1, stream: RandomStream(seed: seed, name: "linear"))
    }

    @Test("a linear layer equals matmul followed by the broadcast bias add, bit for bit, in its values and (up to the sign of zero) its gradients")
    func equalsComposition() {
        for (batch, rows, inputs, outputs) in [(2, 37, 19, 45), (3, 70, 128, 40), (1, 1, 1, 1)] {
            let x = Self.random([batch, rows, inputs], seed: 1), w = Self.random([inputs, outputs], seed: 2)
            let b = Self.random([outputs], seed: 3), seed = Self.random([batch, rows, outputs], seed: 4)
            func run(_ f: (Tensor<Float>, Tensor<Float>, Tensor<Float>) -> Tensor<Float>) -> (Tensor<Float>, [Tensor<Float>]) {
                let tape = Tape<Float>()
                let variables = [x, w, b].map { tape.variable($0) }
                let y = f(variables[0], variables[1], variables[2])
                return (y, tape.gradients(of: y, seed: seed, withRespectTo: variables))
            }
            let (fused, fusedGradients) = run { $0.linear(weight: $1, bias: $2) }
            let (composed, composedGradients) = run { Tensor.matmul($0, $1) + $2 }
            #expect(fused.shape == composed.shape)
            #expect(fused.scalars.map(\.bitPattern) == composed.scalars.map(\.bitPattern))
            for (got, want) in zip(fusedGradients, composedGradients) { #expect(got.scalars == want.scalars) }
        }
    }
}
