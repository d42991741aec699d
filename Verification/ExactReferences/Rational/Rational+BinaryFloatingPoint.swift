import CGMP

// Conversions between rationals and IEEE 754 binary floats, written from the bit layout (not with GMP's
// mpq_set_d / mpq_get_d, which truncates): a finite float is ±m·2^e with an integer m, so it converts to a
// rational exactly; back, a rational is rounded once, to nearest with ties to even.

extension Rational {
    /// The exact value of a finite binary float (Float16, Float, Double); nil for ±∞ and NaN. Both zeros
    /// give 0 (a rational has no sign of zero).
    public init?<F: BinaryFloatingPoint>(exactly x: F) {
        guard x.isFinite else { return nil }
        let fractionBits = F.significandBitCount
        precondition(fractionBits < 63, "Rational(exactly:) supports formats with an implicit leading bit")
        let bias = (1 << (F.exponentBitCount - 1)) - 1
        let biasedExponent = Int(x.exponentBitPattern)
        let fraction = UInt(x.significandBitPattern)
        // Normal: m = 2^fractionBits + fraction, e = biased − bias − fractionBits.
        // Subnormal (biased exponent 0): m = fraction, e = 1 − bias − fractionBits.
        let m = biasedExponent == 0 ? fraction : fraction | (1 << fractionBits)
        let e = max(biasedExponent, 1) - bias - fractionBits
        self.init { q in
            __gmpz_set_ui(q.numerator, m)
            if e >= 0 { __gmpq_mul_2exp(q, q, UInt(e)) } else { __gmpq_div_2exp(q, q, UInt(-e)) }
            if x.sign == .minus { __gmpq_neg(q, q) }
        }
    }

    /// The float of format `F` nearest to this value, ties to the even significand (IEEE 754
    /// roundTiesToEven), rounding once: subnormal results are rounded at the subnormal quantum, a magnitude
    /// at or above greatestFiniteMagnitude + ulp/2 gives ±∞, and a negative value that rounds to zero
    /// gives −0 — exactly what the hardware does when it rounds the same value.
    public func rounded<F: BinaryFloatingPoint>(to _: F.Type = F.self) -> F {
        let fractionBits = F.significandBitCount
        precondition(fractionBits < 63, "Rational.rounded(to:) supports formats with an implicit leading bit")
        guard signum != 0 else { return 0 }
        let sign: FloatingPointSign = signum < 0 ? .minus : .plus
        let bias = (1 << (F.exponentBitCount - 1)) - 1
        let infinity = sign == .minus ? -F.infinity : F.infinity
        return withPointer { q in
            withTemporaryIntegers(4) { t in
                let (a, b, quotient, remainder) = (t, t + 1, t + 2, t + 3)
                // Sets a/b = |self|/2^shift with integers a, b > 0.
                func scale(by shift: Int) {
                    __gmpz_abs(a, q.numeratorPointer)
                    __gmpz_set(b, q.denominatorPointer)
                    if shift < 0 { __gmpz_mul_2exp(a, a, UInt(-shift)) } else { __gmpz_mul_2exp(b, b, UInt(shift)) }
                }
                // e with 2^e ≤ |self| < 2^(e+1): the bit lengths give e or e + 1.
                var e = Int(__gmpz_sizeinbase(q.numeratorPointer, 2)) - Int(__gmpz_sizeinbase(q.denominatorPointer, 2))
                scale(by: e)
                if __gmpz_cmp(a, b) < 0 { e -= 1 }
                if e > bias { return infinity }
                // The result is m·2^quantum with integer m: 2^fractionBits ≤ m < 2^(fractionBits+1) when
                // normal; below the normal range the quantum stays at the subnormal one.
                let quantum = max(e, 1 - bias) - fractionBits
                scale(by: quantum)
                __gmpz_fdiv_qr(quotient, remainder, a, b)
                __gmpz_mul_2exp(remainder, remainder, 1)
                let half = __gmpz_cmp(remainder, b)  // compares the discarded part with 1/2
                var m = __gmpz_get_ui(quotient)
                if half > 0 || (half == 0 && m & 1 == 1) { m += 1 }
                var exponent = quantum
                if m == 1 << (fractionBits + 1) {  // rounded up to the next power of two
                    m >>= 1
                    exponent += 1
                }
                if m < 1 << fractionBits {  // subnormal or zero: the exponent field is 0
                    return F(sign: sign, exponentBitPattern: 0, significandBitPattern: F.RawSignificand(m))
                }
                let biasedExponent = exponent + fractionBits + bias
                if biasedExponent > 2 * bias { return infinity }
                return F(
                    sign: sign, exponentBitPattern: F.RawExponent(biasedExponent),
                    significandBitPattern: F.RawSignificand(m - (1 << fractionBits)))
            }
        }
    }
}

extension BinaryFloatingPoint {
    /// The float nearest to `value`, ties to even, with IEEE overflow and underflow (`Rational.rounded(to:)`).
    public init(_ value: Rational) {
        self = value.rounded(to: Self.self)
    }
}

/// Runs `body` with `count` initialised GMP integers that are cleared when it returns.
func withTemporaryIntegers<Result>(
    _ count: Int, _ body: (UnsafeMutablePointer<__mpz_struct>) -> Result
) -> Result {
    withUnsafeTemporaryAllocation(of: __mpz_struct.self, capacity: count) { buffer in
        let integers = buffer.baseAddress!
        for i in 0..<count { __gmpz_init(integers + i) }
        defer { for i in 0..<count { __gmpz_clear(integers + i) } }
        return body(integers)
    }
}
