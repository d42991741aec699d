// Specs/kernels.md, "Distributions".
/// Uniform and normal values, and buffer fills, each a pure function of Philox blocks.
///
/// Every value consumes exactly one 128-bit block `(w0, w1, w2, w3)`, so element e of a fill from a stream
/// at counter c is a function of block c + e only (test "a fill gives the same values in one call as in
/// several consecutive calls"). Float and Double use the same recipes with p = 24 or 53 significand bits.
public protocol RandomKernels: BinaryFloatingPoint, SIMDScalar, Codable, VectorMath, SIMDComparisons {
    /// Lane l: the uniform value in [0, 1) of block l, `floor(b / 2^(64−p)) · 2^−p` where
    /// `b = w0 · 2^32 + w1` and p is the significand width (24 for Float, 53 for Double). Exact: every
    /// multiple of 2^−p in [0, 1) is equally likely.
    static func uniforms(_ blocks: Philox.Blocks16) -> SIMD16<Self>

    /// Lane l: a standard normal value from block l by Box–Muller, `sqrt(−2·log(u1)) · cos(2π·u2)` with
    /// u1 = 1 − (the uniform of w0, w1) in (0, 1] and u2 = (the uniform of w2, w3) in [0, 1), where log is
    /// `Self.vectorLog` and cos(2π·u) is this module's own polynomial (`cosineOfTwoPi`). The tails are cut at
    /// sqrt(2·p·ln 2): 5.77 for Float, 8.57 for Double.
    static func normals(_ blocks: Philox.Blocks16) -> SIMD16<Self>

    /// `y[e] = low + (high − low) · u_e` (one FMA, so in [low, high]) with u_e the uniform of block
    /// `stream.counter + e`. Does not move `stream` (pure); `RandomStream.fillUniform` does.
    static func fillUniform(_ y: UnsafeMutablePointer<Self>, count: Int, low: Self, high: Self, stream: RandomStream)

    /// `y[e] = mean + std · z_e` (one FMA) with z_e the standard normal of block `stream.counter + e`.
    static func fillNormal(_ y: UnsafeMutablePointer<Self>, count: Int, mean: Self, std: Self, stream: RandomStream)

    /// The index drawn from the unnormalised non-negative weights `probabilities[0..<count]` with the
    /// uniform `u` in [0, 1): the first index whose running sum (left to right) exceeds `u · total`, where
    /// total is the same left-to-right sum. A zero weight is never drawn. Traps unless the weights are
    /// non-negative with a finite positive total.
    static func sampleCategorical(probabilities: UnsafePointer<Self>, count: Int, uniform u: Self) -> Int

    /// `sampleCategorical(probabilities:)` on the weights `exp((l − max l) / temperature)` (`Self.vectorExp`),
    /// a weight being exactly 0 where the logit is −∞. Traps unless temperature > 0 and some logit is finite.
    static func sampleCategorical(logits: UnsafePointer<Self>, count: Int, temperature: Self, uniform u: Self) -> Int
}

extension RandomKernels {
    @inlinable
    public static func uniforms(_ blocks: Philox.Blocks16) -> SIMD16<Self> {
        unitInterval(high: blocks.w0, low: blocks.w1)
    }

    @inlinable
    public static func normals(_ blocks: Philox.Blocks16) -> SIMD16<Self> {
        let u1 = 1 - unitInterval(high: blocks.w0, low: blocks.w1)
        let u2 = unitInterval(high: blocks.w2, low: blocks.w3)
        let radius = (-2 * vectorLog(u1)).squareRoot()
        return radius * cosineOfTwoPi(u2)
    }

    @inlinable
    public static func fillUniform(
        _ y: UnsafeMutablePointer<Self>, count: Int, low: Self, high: Self, stream: RandomStream
    ) {
        let width = SIMD16<Self>(repeating: high - low)
        let offset = SIMD16<Self>(repeating: low)
        for start in stride(from: 0, to: count, by: 16) {
            let u = uniforms(stream.blocks(from: stream.counter &+ UInt64(start)))
            y.store16(offset.addingProduct(width, u), start, count: count - start)
        }
    }

    @inlinable
    public static func fillNormal(
        _ y: UnsafeMutablePointer<Self>, count: Int, mean: Self, std: Self, stream: RandomStream
    ) {
        let scale = SIMD16<Self>(repeating: std)
        let offset = SIMD16<Self>(repeating: mean)
        for start in stride(from: 0, to: count, by: 16) {
            let z = normals(stream.blocks(from: stream.counter &+ UInt64(start)))
            y.store16(offset.addingProduct(scale, z), start, count: count - start)
        }
    }

    /// `floor((high · 2^32 + low) / 2^(64−p)) · 2^−p`, lane by lane: the top p bits of the 64-bit word pair
    /// as a multiple of 2^−p in [0, 1). Both steps are exact.
    @inlinable @inline(__always)
    static func unitInterval(high: SIMD16<UInt32>, low: SIMD16<UInt32>) -> SIMD16<Self> {
        let precision = Self.significandBitCount + 1
        let bits = (SIMD16<UInt64>(truncatingIfNeeded: high) &<< 32 | SIMD16<UInt64>(truncatingIfNeeded: low))
            &>> UInt64(64 - precision)
        return SIMD16<Self>(bits) * Self(sign: .plus, exponent: Self.Exponent(-precision), significand: 1)
    }

    /// cos(2π·u) for u in [0, 1), lane by lane, from +, ×, FMA and selects only (no libm).
    ///
    /// t = 4u is split exactly into the quadrant q = floor(t) and f = t − q in [0, 1), so that
    /// cos(2πu) = cos(π/2·(q + f)) is ±cos(π/2·f) or ±sin(π/2·f). Reflecting f > 1/2 to 1 − f (exact) swaps
    /// cos and sin and leaves x = (π/2)·h with h = min(f, 1 − f), so x is in [0, π/4] (π/2 is `Self.pi / 2`).
    /// There the Taylor polynomials of cos to x^16 and of sin to x^15 (coefficients ±1/n! rounded to Self,
    /// Horner in x² with FMA) are accurate to a few ulp of Double: the first omitted terms are below 2^−55.
    /// Test "cosineOfTwoPi matches cos(2πu) to within 4 ulp (Double) and 2 ulp of 1 (Float) on [0, 1)".
    @inlinable
    public static func cosineOfTwoPi(_ u: SIMD16<Self>) -> SIMD16<Self> {
        let t = 4 * u
        let quadrant = t.rounded(.down)
        let f = t - quadrant
        let reflected = lanes(f, greaterThan: SIMD16(repeating: 0.5))
        let h = f.replacing(with: 1 - f, where: reflected)
        let x = h * (Self.pi / 2)
        let x2 = x * x
        func step(_ accumulated: SIMD16<Self>, _ coefficient: Self) -> SIMD16<Self> {
            SIMD16(repeating: coefficient).addingProduct(accumulated, x2)
        }
        var c = SIMD16<Self>(repeating: 1 / 20_922_789_888_000)   // cos x = Σ (−1)^k x^2k / (2k)!
        c = step(c, -1 / 87_178_291_200)
        c = step(c, 1 / 479_001_600)
        c = step(c, -1 / 3_628_800)
        c = step(c, 1 / 40_320)
        c = step(c, -1 / 720)
        c = step(c, 1 / 24)
        c = step(c, -1 / 2)
        c = step(c, 1)
        var s = SIMD16<Self>(repeating: -1 / 1_307_674_368_000)  // sin x / x = Σ (−1)^k x^2k / (2k+1)!
        s = step(s, 1 / 6_227_020_800)
        s = step(s, -1 / 39_916_800)
        s = step(s, 1 / 362_880)
        s = step(s, -1 / 5_040)
        s = step(s, 1 / 120)
        s = step(s, -1 / 6)
        s = step(s, 1)
        s = s * x
        let cosF = c.replacing(with: s, where: reflected)   // cos(π/2·f)
        let sinF = s.replacing(with: c, where: reflected)   // sin(π/2·f)
        // Quadrants 0, 1, 2, 3 give cos(π/2·f), −sin(π/2·f), −cos(π/2·f), sin(π/2·f).
        var y = cosF
        y = y.replacing(with: -sinF, where: lanes(quadrant, equalTo: SIMD16(repeating: 1)))
        y = y.replacing(with: -cosF, where: lanes(quadrant, equalTo: SIMD16(repeating: 2)))
        return y.replacing(with: sinF, where: lanes(quadrant, equalTo: SIMD16(repeating: 3)))
    }
}

extension Float: RandomKernels {}
extension Double: RandomKernels {}
