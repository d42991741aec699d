import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

@Suite("DAPO")
struct DAPOTests {
    /// L_cache 0 or a power of two up to 2^12 (so that Double is exact, slope included), L_max ≥ L_cache.
    static let limits = zip(Gen.int(in: -1...12), Gen.int(in: 0...5000)).map { k, extra in
        let cache = k < 0 ? 0 : 1 << k
        return (cache + extra, cache)
    }

    /// R_len at and around both boundaries, and its slope −1/L_cache inside the punishment interval.
    static func checkBoundaries<S: RLScalar>(maxLength: Int, cacheLength: Int, _: S.Type) {
        func punishment(_ length: Int) -> S {
            softOverlongPunishment(length: length, maxLength: maxLength, cacheLength: cacheLength)
        }
        let start = maxLength - cacheLength
        for length in [0, start / 2, start - 1, start] where length >= 0 { #expect(punishment(length) == .zero) }
        #expect(punishment(maxLength) == (cacheLength == 0 ? .zero : -S.one))
        for length in [maxLength + 1, maxLength + 2, 2 * maxLength + 7] { #expect(punishment(length) == -S.one) }
        guard cacheLength > 0 else { return }
        let step = S.one / S(cacheLength)
        #expect(punishment(start + 1) == -step)
        // Linear inside (start, L_max]: each extra token costs exactly 1/L_cache.
        for length in stride(from: start + 1, to: maxLength, by: max(1, cacheLength / 37)) {
            #expect(punishment(length + 1) == punishment(length) - step)
            #expect(punishment(length) > -S.one && punishment(length) < .zero)
        }
    }

    @Test("soft overlong punishment on rationals: 0 up to L_max − L_cache, −1/L_cache one token later, −1 at L_max and beyond, slope −1/L_cache between")
    func softOverlongPunishmentExact() async {
        let limits = zip(Gen.int(in: 0...5000), Gen.int(in: 0...5000)).map { ($0 + $1, $1) }
        await checkProperty(count: 200, input: limits) { maxLength, cacheLength in
            Self.checkBoundaries(maxLength: maxLength, cacheLength: cacheLength, Rational.self)
        }
    }

    @Test("soft overlong punishment in Double with L_cache a power of two: the same statement, exactly")
    func softOverlongPunishmentBoundaries() async {
        await checkProperty(count: 200, input: Self.limits) { maxLength, cacheLength in
            Self.checkBoundaries(maxLength: maxLength, cacheLength: cacheLength, Double.self)
        }
    }

    @Test("DAPO's own setting (L_max = 20480, L_cache = 4096): 0 at 16384, −1/4096 at 16385, −1/2 at 18432, −1 at 20480 and 20481")
    func paperSetting() {
        func r(_ length: Int) -> Double { softOverlongPunishment(length: length, maxLength: 20480, cacheLength: 4096) }
        #expect(r(0) == 0 && r(16384) == 0 && r(16385) == -1.0 / 4096 && r(18432) == -0.5)
        #expect(r(20480) == -1 && r(20481) == -1)
    }

    @Test("overlong filtering: a truncated response's mask is all false (same length), any other mask is unchanged")
    func overlongFiltering() async {
        await checkProperty(count: 100, input: Gen.bool(0.6).array(of: 0...50)) { mask in
            #expect(overlongFilteredMask(mask, truncated: true) == [Bool](repeating: false, count: mask.count))
            #expect(overlongFilteredMask(mask, truncated: false) == mask)
        }
    }

    @Test("dynamic sampling keeps a group iff two of its rewards differ: empty, single and all-equal groups are dropped")
    func dynamicSampling() async {
        #expect(!dynamicSamplingKeepsGroup(rewards: [Double]()))
        #expect(!dynamicSamplingKeepsGroup(rewards: [1.0]))
        #expect(!dynamicSamplingKeepsGroup(rewards: [-1.0, -1, -1, -1]))
        #expect(!dynamicSamplingKeepsGroup(rewards: [Float(0), -0.0]))  // +0 and −0 are the same reward
        #expect(dynamicSamplingKeepsGroup(rewards: [1.0, 1, 1, -1]))
        #expect(dynamicSamplingKeepsGroup(rewards: [-1.0, 1]))
        await checkProperty(count: 200, input: Gen.int(in: -1...1).array(of: 0...16)) { rewards in
            #expect(dynamicSamplingKeepsGroup(rewards: rewards.map(Double.init)) == (Set(rewards).count >= 2))
        }
    }
}
