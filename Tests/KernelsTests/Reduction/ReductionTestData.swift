import Kernels

/// Deterministic test inputs and the plain-loop reference of the documented summation order.
enum ReductionTestData {
    /// `count` standard normal values of the stream (seed 77, `name`), scaled by `scale`.
    static func normals<T: RandomKernels>(_ count: Int, name: String, scale: T = 1) -> [T] {
        var stream = RandomStream(seed: 77, name: name)
        var x = [T](repeating: 0, count: count)
        x.withUnsafeMutableBufferPointer { stream.fillNormal($0.baseAddress!, count: count, mean: 0, std: scale) }
        return x
    }

    /// The documented row order written as plain scalar loops: element 16c + l goes into accumulator
    /// (c mod 4, lane l) in increasing c; then (a0 + a1) + (a2 + a3) lane-wise; then lanes halved
    /// (l + 8, l + 4, l + 2, l + 1). `term(i)` is added, or fused as `fma(x, y, acc)` when `fused`.
    static func documentedOrder<T: BinaryFloatingPoint>(count n: Int, _ term: (Int) -> (T, T), fused: Bool) -> T {
        var acc = [[T]](repeating: [T](repeating: 0, count: 16), count: 4)
        for i in 0..<n {
            let (x, y) = term(i)
            let (k, l) = ((i / 16) % 4, i % 16)
            acc[k][l] = fused ? acc[k][l].addingProduct(x, y) : acc[k][l] + x
        }
        var lanes = (0..<16).map { l in (acc[0][l] + acc[1][l]) + (acc[2][l] + acc[3][l]) }
        var width = 8
        while width >= 1 {
            for l in 0..<width { lanes[l] = lanes[l] + lanes[l + width] }
            width /= 2
        }
        return lanes[0]
    }
}
