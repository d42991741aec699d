/// SplitMix64 (Steele, Lea & Flood 2014): the fixed, seeded source of the golden inputs. Its own code, so
/// that the golden files do not change when the project's random streams do.
struct GoldenRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform enough for test inputs (the modulo bias is irrelevant; only determinism matters).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// true with probability percent/100.
    mutating func bool(percent: Int) -> Bool { int(in: 0...99) < percent }

    /// k/2^m with k in -32...32 and m in 0...3: short, exactly representable in binary32.
    mutating func dyadic() -> Rational {
        Rational(numerator: int(in: -32...32), denominator: 1 << int(in: 0...3))
    }

    mutating func dyadics(_ count: Int) -> [Rational] { (0..<count).map { _ in dyadic() } }

    mutating func mask(_ count: Int, percent: Int) -> [Bool] { (0..<count).map { _ in bool(percent: percent) } }
}
