import ExactReferences
import PropertyBased
import PropertyTesting
import Testing

/// 2^k as an exact rational, for any integer k.
func powerOfTwo(_ k: Int) -> Rational {
    k >= 0 ? Rational(2).power(k) : Rational.one / Rational(2).power(-k)
}

/// Random finite Doubles over every binade, subnormals and both zeros included.
let anyFiniteDouble = Gen.uint64().map { Double(bitPattern: $0) }.filter(\.isFinite)

/// Random Doubles whose exponents straddle Float's range (normal, subnormal, underflow, overflow).
let doubleNearFloatRange = zip(Gen.bool, Gen.int(in: -160...130), Gen.uint64(in: 0...(1 << 52 - 1)))
    .map { Double(sign: $0 ? .minus : .plus, exponentBitPattern: UInt(1023 + $1), significandBitPattern: $2) }

/// Random rationals (n/d)·2^k with multi-limb n and d and k across `F`'s whole range and past it.
func rationalsSpanning<F: BinaryFloatingPoint>(_: F.Type) -> Generator<Rational, AnySequence<Any>> {
    let range = F.greatestFiniteMagnitude.exponent + F.Exponent(F.significandBitCount) + 8
    return zip(Gen.int(in: -(1 << 62)...(1 << 62)), Gen.int(in: 1...(1 << 62)), Gen.int(in: -Int(range)...Int(range)))
        .map { Rational(numerator: $0, denominator: $1) * powerOfTwo($2) }
        .eraseToAny()
}

/// Checks that `rounded` is a correctly rounded `F` for x, using only exact comparisons with the two
/// neighbouring floats: nearest, ties to the even significand, overflow past the threshold, zero's sign.
func expectCorrectlyRounded<F: BinaryFloatingPoint>(_ x: Rational, _ rounded: F, sourceLocation: SourceLocation = #_sourceLocation) {
    let largest = Rational(exactly: F.greatestFiniteMagnitude)!
    let overflowThreshold = largest + Rational(exactly: F.greatestFiniteMagnitude.ulp)! / Rational(2)
    guard rounded.isFinite else {
        #expect(x.magnitude >= overflowThreshold && (rounded < 0) == (x < .zero), "\(x) → \(rounded)", sourceLocation: sourceLocation)
        return
    }
    // Past the largest float, the next candidate is 2^(emax+1), which rounds to infinity.
    let beyond = largest + Rational(exactly: F.greatestFiniteMagnitude.ulp)!
    let value = Rational(exactly: rounded)!
    let up = rounded.nextUp.isFinite ? Rational(exactly: rounded.nextUp)! : beyond
    let down = rounded.nextDown.isFinite ? Rational(exactly: rounded.nextDown)! : -beyond
    let error = (x - value).magnitude
    #expect(error <= (x - up).magnitude && error <= (x - down).magnitude, "\(x) → \(rounded)", sourceLocation: sourceLocation)
    if error == (x - up).magnitude || error == (x - down).magnitude {
        #expect(rounded.significandBitPattern & 1 == 0, "tie \(x) → \(rounded) is odd", sourceLocation: sourceLocation)
    }
    if rounded == 0 { #expect((rounded.sign == .minus) == (x < .zero), sourceLocation: sourceLocation) }
}

@Suite("Rational ↔ binary float")
struct RationalFloatConversionTests {
    @Test("Every finite Double converts to a Rational and back to the same bits (−0 returns as +0)")
    func doubleRoundTrip() async {
        await checkProperty(count: 2000, input: anyFiniteDouble) { x in
            let back = Double(Rational(exactly: x)!)
            #expect(back.bitPattern == x.bitPattern || (x == 0 && back.bitPattern == 0))
        }
        let specials: [Double] = [
            0, 1, -1, 0.1, .pi, .leastNonzeroMagnitude, .leastNormalMagnitude, .leastNormalMagnitude.nextDown,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, -.leastNonzeroMagnitude, 1.nextUp, 1.nextDown, 0x1p-1022 * 0.75,
        ]
        for x in specials { #expect(Double(Rational(exactly: x)!).bitPattern == x.bitPattern) }
    }

    @Test("Every finite Float converts to a Rational and back to the same bits, and agrees with Double's path")
    func floatRoundTrip() async {
        await checkProperty(count: 2000, input: Gen.uint32().map { Float(bitPattern: $0) }.filter(\.isFinite)) { x in
            #expect(Rational(exactly: x) == Rational(exactly: Double(x)))
            let back = Float(Rational(exactly: x)!)
            #expect(back.bitPattern == x.bitPattern || (x == 0 && back.bitPattern == 0))
        }
        for x: Float in [.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, 0.1] {
            #expect(Float(Rational(exactly: x)!).bitPattern == x.bitPattern)
        }
    }

    @Test("Exact values of known floats; infinities and NaN have none")
    func knownExactValues() {
        #expect(Rational(exactly: 0.1)?.description == "3602879701896397/36028797018963968")
        #expect(Rational(exactly: Float(0.1))?.description == "13421773/134217728")
        #expect(Rational(exactly: Double.leastNonzeroMagnitude) == powerOfTwo(-1074))
        #expect(Rational(exactly: Double.leastNormalMagnitude) == powerOfTwo(-1022))
        #expect(Rational(exactly: Double.greatestFiniteMagnitude) == (powerOfTwo(53) - .one) * powerOfTwo(971))
        #expect(Rational(exactly: Float.leastNonzeroMagnitude) == powerOfTwo(-149))
        #expect(Rational(exactly: Float.greatestFiniteMagnitude) == (powerOfTwo(24) - .one) * powerOfTwo(104))
        #expect(Rational(exactly: -2.5) == Rational(numerator: -5, denominator: 2) && Rational(exactly: -0.0) == .zero)
        #expect(Rational(exactly: Double.infinity) == nil && Rational(exactly: -Float.infinity) == nil)
        #expect(Rational(exactly: Double.nan) == nil && Rational(exactly: Float.signalingNaN) == nil)
    }

    @Test("Rational → Float rounds exactly as the hardware rounds Double → Float, ties and subnormals included")
    func floatRoundingMatchesHardware() async {
        await checkProperty(count: 3000, input: doubleNearFloatRange) { x in
            #expect(Float(Rational(exactly: x)!).bitPattern == Float(x).bitPattern, "\(x)")
        }
        // Midpoints between adjacent Floats are Doubles: the hardware resolves each tie to even.
        await checkProperty(count: 2000, input: Gen.uint32(in: 0...0x7F7F_FFFE)) { bits in
            let low = Float(bitPattern: bits)
            let midpoint = (Double(low) + Double(low.nextUp)) / 2
            for tie in [midpoint, -midpoint] {
                #expect(Float(Rational(exactly: tie)!).bitPattern == Float(tie).bitPattern, "\(tie)")
            }
        }
    }

    @Test("Rational → Double and → Float round to nearest, ties to even, against both neighbouring floats")
    func roundingAgainstNeighbours() async {
        await checkProperty(count: 1500, input: rationalsSpanning(Double.self)) { x in
            expectCorrectlyRounded(x, Double(x))
        }
        await checkProperty(count: 1500, input: rationalsSpanning(Float.self)) { x in
            expectCorrectlyRounded(x, Float(x))
        }
    }

    @Test("Rounding at the edges: ties, subnormals, underflow to ±0, overflow to ±∞")
    func roundingEdges() {
        let tiny = Rational(exactly: Double.leastNonzeroMagnitude)!
        let largest = Rational(exactly: Double.greatestFiniteMagnitude)!
        let cases: [(Rational, Double)] = [
            (Rational(numerator: 1, denominator: 3), Double(bitPattern: 0x3FD5_5555_5555_5555)),
            (Rational(numerator: 2, denominator: 3), Double(bitPattern: 0x3FE5_5555_5555_5555)),
            (Rational(numerator: 1, denominator: 10), 0.1),
            (powerOfTwo(53) + .one, 0x1p53),  // tie, down to even
            (powerOfTwo(53) + Rational(3), 0x1p53 + 4),  // tie, up to even
            (tiny / Rational(2), 0),  // tie between 0 and the least subnormal: 0 is even
            (-tiny / Rational(2), -0.0),
            (tiny * Rational(numerator: 3, denominator: 4), .leastNonzeroMagnitude),
            (tiny * Rational(numerator: 3, denominator: 2), 2 * .leastNonzeroMagnitude),  // tie, up to even
            (powerOfTwo(-1022) - tiny / Rational(2), .leastNormalMagnitude),  // tie across the normal boundary
            (largest + powerOfTwo(970), .infinity),  // the overflow threshold itself is a tie, to 2^1024
            (largest + powerOfTwo(970) - powerOfTwo(-1000), .greatestFiniteMagnitude),
            (-(largest + powerOfTwo(970)), -.infinity),
            (powerOfTwo(5000), .infinity),
            (powerOfTwo(-5000), 0),
        ]
        for (x, expected) in cases {
            #expect(Double(x).bitPattern == expected.bitPattern, "\(x)")
        }
        #expect(Float(Rational(numerator: 1, denominator: 3)).bitPattern == 0x3EAA_AAAB)
        #expect(Float(powerOfTwo(128)) == .infinity && Float(-powerOfTwo(-150)).bitPattern == (-Float.zero).bitPattern)
        #expect(Float(powerOfTwo(-149) * Rational(numerator: 3, denominator: 2)) == 2 * .leastNonzeroMagnitude)
    }
}
