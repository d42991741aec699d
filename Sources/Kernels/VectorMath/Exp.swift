// Specs/kernels.md, "exp".
// e^x on 16 Float lanes, from IEEE 754 basic operations only (see Specs/kernels.md, "exp, log, tanh and GELU").
//
// Range reduction: x = n·ln2 + r with n = round(x / ln2), so e^x = 2^n · e^r with |r| ≤ ln2/2, where a
// polynomial of degree 6 is accurate to 0.05·2^-24 (coefficients: Verification/VectorMathCoefficients/fit.py).
// r is computed with a Cody–Waite split ln2 = ln2Hi + ln2Lo: the product n·ln2 needs more bits than a Float
// holds, and its rounding error would be multiplied by n (up to 160) in r. With ln2Hi = Float(ln2), the FMA
// rHi = x − n·ln2Hi is exact (the result is a multiple of 2^-25 below 0.5 in magnitude, so it fits in 24 bits),
// and rLo = −n·ln2Lo carries the next 24 bits of ln2; r = rHi + rLo is kept unrounded as that pair.

extension Float {
    /// e^x on each lane, within 1 ulp for every Float input (exhaustive check: Specs/kernels.md).
    ///
    /// +inf for x > 88.722839 (where e^x exceeds the largest Float by half an ulp), +0 for x < −103.972076
    /// (where e^x < 2^-150), subnormal results rounded once, exp(±0) = 1 exactly, NaN gives NaN.
    /// Only +, −, ×, FMA and bit operations: the same bits on every CPU, whatever the lane or its neighbours.
    @inlinable @inline(__always)
    public static func vectorExp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        // Beyond these bounds e^x rounds to +inf or +0 whatever the exact value; clamping keeps n in
        // [−159, 130], where 2^n splits into two normal factors below.
        var xc = x.replacing(with: 90, where: x .> 90)
        xc.replace(with: -110, where: x .< -110)

        // n = round(x·log2(e)), ties to even: adding 1.5·2^23 makes the FMA round the product to an
        // integer, which is then the low bits of `shifted`. The Float product may round the other way at a
        // tie, so |r| can exceed ln2/2 by about 1e-5; the polynomial is fitted on that wider interval.
        let shifter = SIMD16<Float>(repeating: 0x1.8p23)
        let shifted = shifter.addingProduct(xc, 0x1.715476p0)
        let n = shifted - shifter
        let rHi = xc.addingProduct(n, -0x1.62e43p-1)
        let rLo = n * 0x1.05c61p-29
        let r = rHi + rLo

        // e^r = 1 + r + r²·P(r) = (1 + rHi) + (rLo + r²·P(r)). The rounding error of 1 + rHi is recovered
        // exactly (Fast2Sum, |rHi| < 1), so the only sizeable rounding is the final addition: the result
        // is within 0.5 ulp + 2^-26 relative of e^r instead of within about 1 ulp.
        var p = SIMD16<Float>(repeating: 0x1.6a3d1p-10)
        p = SIMD16(repeating: 0x1.123856p-7).addingProduct(p, r)
        p = SIMD16(repeating: 0x1.5558bep-5).addingProduct(p, r)
        p = SIMD16(repeating: 0x1.555494p-3).addingProduct(p, r)
        p = SIMD16(repeating: 0x1.fffffcp-2).addingProduct(p, r)
        let head = 1 + rHi
        let headError = (1 - head) + rHi
        let expR = head + (headError + rLo.addingProduct(r * r, p))

        // 2^n = 2^n1 · 2^n2 with n1 = round(n/2): each factor is a normal Float (an exponent field built
        // from the integer bits), e^r·2^n1 is exact, and the multiplication by 2^n2 rounds once, to the
        // right subnormal, to +0 or to +inf.
        let shiftedHalf = shifter.addingProduct(n, 0.5)
        let n1 = shiftedHalf - shifter
        let shiftedRest = shifter + (n - n1)
        let y = (expR * powerOfTwo(shiftedHalf)) * powerOfTwo(shiftedRest)
        return y.replacing(with: x, where: x .!= x)
    }

    /// 2^k for the integers k = `shifted` − 1.5·2^23 in [−126, 127]: the low bits of `shifted` hold k, and
    /// (k + 127) << 23 is the encoding of 2^k (the bits above the exponent field are shifted out).
    @inlinable @inline(__always)
    static func powerOfTwo(_ shifted: SIMD16<Float>) -> SIMD16<Float> {
        SIMD16(bitPattern: (shifted.bitPattern &+ (127 &- 0x4B40_0000)) &<< 23)
    }
}
