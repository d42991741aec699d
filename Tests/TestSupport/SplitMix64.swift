/// SplitMix64 (Steele, Lea & Flood, 2014): the test suites' own seeded random source, fully specified, so a
/// failing property-test case is reproducible from the seed it prints, on any platform.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    /// Starts from the raw state `state`.
    public init(state: UInt64) { self.state = state }

    /// Starts from a test seed, offset by the generator's increment so that seed 0 is not the all-zero state.
    public init(seed: Int) { state = UInt64(truncatingIfNeeded: seed) &+ 0x9E37_79B9_7F4A_7C15 }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An index in 0..<bound (modulo reduction; the bias is irrelevant for test data).
    public mutating func index(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    /// An integer in `range`.
    public mutating func integer(_ range: ClosedRange<Int>) -> Int { range.lowerBound + index(range.count) }
    /// A fair coin.
    public mutating func coin() -> Bool { next() & 1 == 0 }
    /// One of `choices`.
    public mutating func pick<T>(_ choices: [T]) -> T { choices[index(choices.count)] }
    /// Uniform in [range.lowerBound, range.upperBound), from the top 53 bits.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * Double(next() >> 11) / Double(1 << 53)
    }
}
