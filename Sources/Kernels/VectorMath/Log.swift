// Specs/kernels.md, "log".
// Natural logarithm on 16 Float lanes, from IEEE 754 basic operations only (see Specs/kernels.md,
// "exp, log, tanh and GELU").
//
// Range reduction: x = 2^k · m with m in [2/3, 4/3), read off the encoding, so that f = m − 1 lies in
// [−1/3, 1/3] (the interval where a polynomial needs the lowest degree, symmetric around 0) and is exact
// (Sterbenz). log x = k·ln2 + log(1 + f), with log(1 + f) = f + f²·P(f), P of degree 8 (coefficients:
// Verification/VectorMathCoefficients/fit.py). The sum is formed with a Cody–Waite split ln2 = ln2Hi + ln2Lo,
// ln2Hi having 15 significant bits so that k·ln2Hi is exact for every |k| ≤ 152, and with the rounding error
// of k·ln2Hi + f recovered exactly (Fast2Sum, valid as |k·ln2Hi| ≥ ln2Hi > 1/3 ≥ |f| whenever k ≠ 0): near
// x = 2/3 the two terms nearly cancel, and two plain roundings would cost up to one ulp more.

extension Float {
    /// The natural logarithm of each lane, within 1 ulp for every Float input (exhaustive check:
    /// Specs/kernels.md).
    ///
    /// log(1) = +0 exactly, log(±0) = −inf, log(x < 0) = NaN, log(+inf) = +inf, NaN gives NaN; subnormal
    /// inputs are exact multiples of 2^-149 and handled like any other. Only +, −, ×, FMA and bit operations:
    /// the same bits on every CPU, whatever the lane or its neighbours.
    @inlinable
    public static func vectorLog(_ x: SIMD16<Float>) -> SIMD16<Float> {
        // A subnormal x times 2^23 is normal and exact; its exponent is corrected below.
        let isSubnormal = x .< Float.leastNormalMagnitude
        let xn = x.replacing(with: x * 0x1p23, where: isSubnormal)

        // Subtracting the encoding of 2/3 from that of x carries into the exponent field exactly when the
        // significand of x is below 4/3·2^e, so the exponent field then holds k (+ a bias) and the low 23
        // bits, with 2/3's encoding added back, encode m in [2/3, 4/3).
        let twoThirds: UInt32 = 0x3F2A_AAAB
        let offset = xn.bitPattern &- twoThirds
        let m = SIMD16<Float>(bitPattern: (offset & 0x007F_FFFF) &+ twoThirds)
        // k + 128 is non-negative for every positive normal x; put in the low bits of 1.5·2^23 it converts
        // to a Float exactly.
        let kBiased = (offset &+ 0x4000_0000) &>> 23
        var k = SIMD16<Float>(bitPattern: kBiased &+ 0x4B40_0000) - (0x1.8p23 + 128)
        k.replace(with: k - 23, where: isSubnormal)

        let f = m - 1
        var p = SIMD16<Float>(repeating: -0x1.07c964p-3)
        p = SIMD16(repeating: 0x1.1e678cp-3).addingProduct(p, f)
        p = SIMD16(repeating: -0x1.f332a6p-4).addingProduct(p, f)
        p = SIMD16(repeating: 0x1.1ed662p-3).addingProduct(p, f)
        p = SIMD16(repeating: -0x1.559c46p-3).addingProduct(p, f)
        p = SIMD16(repeating: 0x1.99d044p-3).addingProduct(p, f)
        p = SIMD16(repeating: -0x1.fffefcp-3).addingProduct(p, f)
        p = SIMD16(repeating: 0x1.555506p-2).addingProduct(p, f)
        p = SIMD16(repeating: -0x1p-1).addingProduct(p, f)

        // log x = (k·ln2Hi + f) + (k·ln2Lo + f²·P(f)), the first sum carried as sum + its exact error.
        let kLn2Hi = k * 0x1.62e4p-1
        let sum = kLn2Hi + f
        let sumError = (kLn2Hi - sum) + f
        let tail = (k * 0x1.7f7d1cp-20).addingProduct(f * f, p)
        var y = sum + (sumError + tail)

        y.replace(with: -.infinity, where: x .== 0)
        y.replace(with: .nan, where: x .< 0)
        // +inf and NaN are their own logarithms.
        return y.replacing(with: x, where: .!(x .< .infinity))
    }
}
