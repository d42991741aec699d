// Specs/kernels.md, "GELU".
// GELU, tanh approximation (GPT-2's): gelu(x) = 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³).
//
// Evaluated through the exact identity 0.5·(1 + tanh(u)) = 1/(1 + E), E = e^{−2u}, not through tanh: for
// negative x, 1 + tanh(u) cancels (in Float it loses 8 of 24 bits at x = −3, and it is exactly 0 below
// x ≈ −5.2, where gelu(x) is still about −1e-7), while x/(1 + E) and the derivative
//     gelu'(x) = σ + x·σ(1 − σ)·2u',   σ = 1/(1 + E),   σ(1 − σ) = 1/(E + 2 + 1/E),   u' = √(2/π)·(1 + 3·0.044715·x²)
// only add and divide positive numbers: every result keeps its relative accuracy (up to the error that the
// rounding of u causes in E, about 2|u| roundoffs). When E overflows (u < −44 in Float), y = x/inf = −0
// where the exact |gelu(x)| is below 3·10^-38; when it underflows, 1/E = inf makes σ(1 − σ) = 0 as it should.
// No comparisons or lane selects either: in code generic over the scalar, SIMD comparisons compile to a
// loop over the lanes (the vectorised forms exist only for concrete types), which would cost more than the
// exp. The term x·σ(1 − σ)·2u' is formed as 2c·(w + 3k·(w·x)·x) with w = x·σ(1 − σ), which stays finite
// where x² overflows.

/// Elementwise activation functions and their backward passes, over raw buffers.
public protocol ActivationKernels: VectorMath, Codable {
    /// y[i] = gelu(x[i]) for i in 0..<count, GPT-2's tanh approximation of GELU (see Specs/kernels.md).
    /// `x` and `y` may be the same buffer.
    static func gelu(_ x: UnsafePointer<Self>, count: Int, into y: UnsafeMutablePointer<Self>)

    /// gx[i] += gy[i]·gelu'(x[i]) for i in 0..<count: the gradient of `gelu` with respect to its input,
    /// accumulated, as fma(gy, gelu'(x), gx); with `accumulate` false, gx[i] = fma(gy, gelu'(x), +0), the bits
    /// of accumulating into zeros, whatever `gx` held.
    static func geluBackward(
        _ x: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, count: Int, into gx: UnsafeMutablePointer<Self>,
        accumulate: Bool)
}

extension Float: ActivationKernels {}
extension Double: ActivationKernels {}

extension ActivationKernels {
    @inlinable
    public static func gelu(_ x: UnsafePointer<Self>, count: Int, into y: UnsafeMutablePointer<Self>) {
        forEachVectorInParallel(count) { i, lanes in y.store16(geluValue(x.load16(i, count: lanes)), i, count: lanes) }
    }

    @inlinable
    public static func geluBackward(
        _ x: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, count: Int, into gx: UnsafeMutablePointer<Self>,
        accumulate: Bool
    ) {
        forEachVectorInParallel(count) { i, lanes in
            let start = accumulate ? gx.load16(i, count: lanes) : SIMD16()
            gx.store16(start.addingProduct(gy.load16(i, count: lanes), geluDerivative(x.load16(i, count: lanes))), i, count: lanes)
        }
    }

    /// gelu(x) on 16 lanes.
    @inlinable @inline(__always)
    static func geluValue(_ x: SIMD16<Self>) -> SIMD16<Self> {
        x / (1 + geluExpMinusTwoU(x))
    }

    /// gelu'(x) on 16 lanes.
    @inlinable @inline(__always)
    static func geluDerivative(_ x: SIMD16<Self>) -> SIMD16<Self> {
        let e = geluExpMinusTwoU(x)
        let sigma = 1 / (1 + e)
        let w = x / (e + 2 + 1 / e)
        let slopeTerm = 2 * geluSqrtTwoOverPi * w.addingProduct(3 * geluCubic * (w * x), x)
        return sigma + slopeTerm
    }

    /// E = e^{−2u}, u = √(2/π)·(x + 0.044715·x³), so that 0.5·(1 + tanh(u)) = 1/(1 + E).
    @inlinable @inline(__always)
    static func geluExpMinusTwoU(_ x: SIMD16<Self>) -> SIMD16<Self> {
        let scaled = -2 * geluSqrtTwoOverPi * x
        return vectorExp(scaled.addingProduct(scaled * geluCubic, x * x))
    }

    @inlinable static var geluSqrtTwoOverPi: Self { 0.79788456080286535587989211986876 }
    @inlinable static var geluCubic: Self { 0.044715 }
}
