// Specs/kernels.md, "tanh".
// tanh on 16 Float lanes, from IEEE 754 basic operations only (see Specs/kernels.md, "exp, log, tanh and GELU").
//
// tanh is odd: it is computed on |x| and the sign bit of x is put back, so tanh(−x) = −tanh(x) bit for bit.
// Below |x| = 1, tanh(x) = x + x³·P(x²), P of degree 7 (coefficients: Verification/VectorMathCoefficients/fit.py):
// the correction x³·P is at most a third of the result, so its rounding errors weigh little, and for tiny x it
// falls below half an ulp of x and the FMA returns x correctly rounded, subnormals included.
// From |x| = 1 on, tanh(x) = 1 − 2/(e^{2x} + 1) with our exp: 2/(e^{2x} + 1) is at most 0.24 there, so its
// relative errors (exp, the sum, the division) shrink by that factor in the result. This form needs no expm1:
// near 0, where e^{2x} − 1 would cancel, the polynomial is used instead. For |x| ≥ 9.011 the result rounds
// to 1; |x| is clamped at 10 before the exp so that ±inf gives ±1 through the same path.

extension Float {
    /// The hyperbolic tangent of each lane, within 1 ulp for every Float input (exhaustive check:
    /// Specs/kernels.md).
    ///
    /// Odd bit for bit (tanh(−0) = −0), x itself for tiny |x|, ±1 for |x| ≥ 9.011 and ±inf, NaN gives NaN.
    /// Only +, −, ×, FMA, division and bit operations: the same bits on every CPU, whatever the lane or its
    /// neighbours.
    @inlinable
    public static func vectorTanh(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let signBit: UInt32 = 0x8000_0000
        let a = SIMD16<Float>(bitPattern: x.bitPattern & ~signBit)

        let s = a * a
        var p = SIMD16<Float>(repeating: 0x1.e86cecp-14)
        p = SIMD16(repeating: -0x1.aee90cp-11).addingProduct(p, s)
        p = SIMD16(repeating: 0x1.8f9f5p-9).addingProduct(p, s)
        p = SIMD16(repeating: -0x1.18de98p-7).addingProduct(p, s)
        p = SIMD16(repeating: 0x1.64c0a4p-6).addingProduct(p, s)
        p = SIMD16(repeating: -0x1.b9f6dep-5).addingProduct(p, s)
        p = SIMD16(repeating: 0x1.11103cp-3).addingProduct(p, s)
        p = SIMD16(repeating: -0x1.555552p-2).addingProduct(p, s)
        let nearZero = a.addingProduct(a * s, p)

        let e2a = vectorExp(2 * a.replacing(with: 10, where: a .> 10))
        let away = 1 - 2 / (e2a + 1)

        let magnitude = nearZero.replacing(with: away, where: a .>= 1)
        let y = SIMD16<Float>(bitPattern: magnitude.bitPattern | (x.bitPattern & signBit))
        return y.replacing(with: x, where: x .!= x)
    }
}
