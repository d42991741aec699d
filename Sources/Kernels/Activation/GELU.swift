// GELU, tanh approximation (GPT-2's): gelu(x) = 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³).
//
// Evaluated through the exact identity 0.5·(1 + tanh(u)) = σ(2u) = 1/(1 + e^{−2u}), not through tanh: for
// negative x, 1 + tanh(u) cancels (in Float it loses 8 of 24 bits at x = −3, and it is exactly 0 below
// x ≈ −5.2, where gelu(x) is still about −1e-7), while σ(2u) keeps its relative accuracy everywhere. With
// t = e^{−2|u|} ≤ 1 (no overflow), σ(2|u|) = 1/(1 + t) and σ(−2|u|) = t/(1 + t), and the same two values give
// σ(2u)·(1 − σ(2u)) for the derivative
//     gelu'(x) = σ(2u) + x·σ(2u)·(1 − σ(2u))·2u',   u' = √(2/π)·(1 + 3·0.044715·x²).

/// Elementwise activation functions and their backward passes, over raw buffers.
public protocol ActivationKernels: VectorMath {
    /// y[i] = gelu(x[i]) for i in 0..<count, GPT-2's tanh approximation of GELU (see Specs/kernels.md).
    /// `x` and `y` may be the same buffer.
    static func gelu(_ x: UnsafePointer<Self>, count: Int, into y: UnsafeMutablePointer<Self>)

    /// gx[i] += gy[i]·gelu'(x[i]) for i in 0..<count: the gradient of `gelu` with respect to its input,
    /// accumulated (the caller zeroes `gx` once).
    static func geluBackward(
        _ x: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, count: Int, accumulatingInto gx: UnsafeMutablePointer<Self>)
}

extension Float: ActivationKernels {}
extension Double: ActivationKernels {}

extension ActivationKernels {
    public static func gelu(_ x: UnsafePointer<Self>, count: Int, into y: UnsafeMutablePointer<Self>) {
        var i = 0
        while i + 16 <= count {
            let v = x.load16(i)
            y.store16(v * geluGate(v).sigma, i)
            i += 16
        }
        if i < count {
            let v = x.load16(i, count: count - i)
            y.store16(v * geluGate(v).sigma, i, count: count - i)
        }
    }

    public static func geluBackward(
        _ x: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, count: Int, accumulatingInto gx: UnsafeMutablePointer<Self>
    ) {
        var i = 0
        while i + 16 <= count {
            gx.store16(gx.load16(i).addingProduct(gy.load16(i), geluDerivative(x.load16(i))), i)
            i += 16
        }
        if i < count {
            let n = count - i
            let g = gx.load16(i, count: n).addingProduct(gy.load16(i, count: n), geluDerivative(x.load16(i, count: n)))
            gx.store16(g, i, count: n)
        }
    }

    /// gelu'(x) on 16 lanes.
    @inlinable @inline(__always)
    static func geluDerivative(_ x: SIMD16<Self>) -> SIMD16<Self> {
        let gate = geluGate(x)
        let slope = 2 * sqrtTwoOverPi * (1 + 3 * geluCubic * x * x)
        let sigmaSlope = gate.sigma * gate.complement
        // σ(2u)·(1 − σ(2u)) underflows to 0 long before x·u' overflows; keep 0·inf from turning it into NaN.
        let correction = (x * slope * sigmaSlope).replacing(with: 0, where: sigmaSlope .== 0)
        return gate.sigma + correction
    }

    /// σ(2u) = 0.5·(1 + tanh(u)) and 1 − σ(2u), both to full relative accuracy, for u = √(2/π)·(x + 0.044715·x³).
    @inlinable @inline(__always)
    static func geluGate(_ x: SIMD16<Self>) -> (sigma: SIMD16<Self>, complement: SIMD16<Self>) {
        let scaled = sqrtTwoOverPi * x
        let u = scaled.addingProduct(scaled * geluCubic, x * x)
        let negative = u .< 0
        let t = vectorExp(2 * u.replacing(with: -u, where: .!negative))  // e^{−2|u|}
        let large = 1 / (1 + t)
        let small = t * large
        return (large.replacing(with: small, where: negative), small.replacing(with: large, where: negative))
    }

    @inlinable static var sqrtTwoOverPi: Self { 0.79788456080286535587989211986876 }
    @inlinable static var geluCubic: Self { 0.044715 }
}
