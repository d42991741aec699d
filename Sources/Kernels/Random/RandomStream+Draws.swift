// Specs/kernels.md, "Streams": draws from a stream.
/// Draws from a stream. The `at:` forms are pure functions of (key, counter); the others consume blocks
/// starting at `counter` (one block per value) and advance it.
extension RandomStream {
    /// The uniform value in [0, 1) of block `counter` (see `RandomKernels.uniforms`).
    public func uniform<T: RandomKernels>(_: T.Type = T.self, at counter: UInt64) -> T {
        T.uniforms(blocks(from: counter))[0]
    }

    /// `low + (high − low) · u` (one FMA) with u the uniform value of block `counter`.
    public func uniform<T: RandomKernels>(low: T, high: T, at counter: UInt64) -> T {
        low.addingProduct(high - low, uniform(T.self, at: counter))
    }

    /// The standard normal value of block `counter` (see `RandomKernels.normals`).
    public func normal<T: RandomKernels>(_: T.Type = T.self, at counter: UInt64) -> T {
        T.normals(blocks(from: counter))[0]
    }

    /// The uniform value of the next block.
    public mutating func nextUniform<T: RandomKernels>(_: T.Type = T.self) -> T {
        defer { counter &+= 1 }
        return uniform(at: counter)
    }

    /// The standard normal value of the next block.
    public mutating func nextNormal<T: RandomKernels>(_: T.Type = T.self) -> T {
        defer { counter &+= 1 }
        return normal(at: counter)
    }

    /// Fills `p[0..<count]` from the next `count` blocks: `p[e] = low + (high − low) · u(counter + e)`.
    public mutating func fillUniform<T: RandomKernels>(
        _ p: UnsafeMutablePointer<T>, count: Int, low: T = 0, high: T = 1
    ) {
        T.fillUniform(p, count: count, low: low, high: high, stream: self)
        counter &+= UInt64(count)
    }

    /// Fills `p[0..<count]` from the next `count` blocks: `p[e] = mean + std · z(counter + e)`.
    public mutating func fillNormal<T: RandomKernels>(
        _ p: UnsafeMutablePointer<T>, count: Int, mean: T = 0, std: T = 1
    ) {
        T.fillNormal(p, count: count, mean: mean, std: std, stream: self)
        counter &+= UInt64(count)
    }

    /// An index drawn from the weights `probabilities[0..<count]` with the uniform value of the next block.
    public mutating func categorical<T: RandomKernels>(probabilities: UnsafePointer<T>, count: Int) -> Int {
        T.sampleCategorical(probabilities: probabilities, count: count, uniform: nextUniform())
    }

    /// An index drawn from softmax(logits / temperature) with the uniform value of the next block.
    public mutating func categorical<T: RandomKernels>(logits: UnsafePointer<T>, count: Int, temperature: T) -> Int {
        T.sampleCategorical(logits: logits, count: count, temperature: temperature, uniform: nextUniform())
    }
}
