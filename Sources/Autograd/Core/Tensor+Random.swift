// Specs/kernels.md, "Distributions": tensors of normal values drawn from a stream.
import Kernels

extension Tensor {
    /// A constant of i.i.d. normal values, mean `mean` and standard deviation `standardDeviation`, element e
    /// taken from block e of `stream` (so the values are a pure function of the stream, and a tensor drawn
    /// from a named child stream does not depend on what else was drawn).
    public init(randomNormal shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1, stream: RandomStream) {
        let storage = TensorStorage<Scalar>(uninitializedCount: Shape.count(shape))
        var draws = stream
        draws.fillNormal(storage.pointer, count: storage.count, mean: mean, std: standardDeviation)
        self.init(shape: shape, storage: storage)
    }

    /// A constant of i.i.d. uniform values in [low, high), element e from block e of `stream`.
    public init(randomUniform shape: [Int], low: Scalar = 0, high: Scalar = 1, stream: RandomStream) {
        let storage = TensorStorage<Scalar>(uninitializedCount: Shape.count(shape))
        var draws = stream
        draws.fillUniform(storage.pointer, count: storage.count, low: low, high: high)
        self.init(shape: shape, storage: storage)
    }
}
