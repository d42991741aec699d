// Specs/kernels.md, "Generator": Philox4x32-10.
/// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random numbers:
/// as easy as 1, 2, 3" (SC'11), as in Random123: a keyed bijection of a 128-bit counter.
///
/// Each of the 10 rounds multiplies two counter words by fixed odd constants, keeps both 32-bit halves of
/// each product and mixes them with the other two words and the key; the key is bumped by two Weyl
/// constants between rounds. Only integer multiplication, xor and wrapping addition are used, so the output
/// is the same on every machine. Checked against Random123's published known-answer vectors
/// (test "Philox4x32-10 reproduces Random123's published known-answer vectors").
///
/// The generator runs on 16 counters at once (one SIMD16 lane per counter, all under one key): the fills
/// consume 16 blocks per step, and a single block is lane 0 of the same code, so there is one implementation.
public enum Philox {
    /// Round multipliers (Random123's PHILOX_M4x32_0 and PHILOX_M4x32_1).
    @inlinable public static var multipliers: (UInt32, UInt32) { (0xD251_1F53, 0xCD9E_8D57) }
    /// Key schedule increments (PHILOX_W32_0 = golden ratio, PHILOX_W32_1 = sqrt(3) − 1, as 32-bit fractions).
    @inlinable public static var weyl: (UInt32, UInt32) { (0x9E37_79B9, 0xBB67_AE85) }
    /// Rounds of Philox4x32-10.
    @inlinable public static var rounds: Int { 10 }

    /// Sixteen 128-bit Philox blocks, word-sliced: lane l of `w0 ... w3` are the four words of block l.
    public struct Blocks16: Sendable, Equatable {
        public var w0, w1, w2, w3: SIMD16<UInt32>

        @inlinable
        public init(_ w0: SIMD16<UInt32>, _ w1: SIMD16<UInt32>, _ w2: SIMD16<UInt32>, _ w3: SIMD16<UInt32>) {
            (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
        }

        /// Block `lane` as four words (w0, w1, w2, w3).
        @inlinable
        public subscript(lane: Int) -> SIMD4<UInt32> {
            SIMD4(w0[lane], w1[lane], w2[lane], w3[lane])
        }
    }

    /// Philox4x32-10 of 16 counters under one key `(k0, k1)`: lane l of the result is the bijection applied
    /// to lane l of `counters`.
    @inlinable
    public static func blocks(_ counters: Blocks16, key: SIMD2<UInt32>) -> Blocks16 {
        var (c0, c1, c2, c3) = (counters.w0, counters.w1, counters.w2, counters.w3)
        var k0 = SIMD16<UInt32>(repeating: key.x)
        var k1 = SIMD16<UInt32>(repeating: key.y)
        for round in 0..<rounds {
            if round > 0 {
                k0 &+= weyl.0
                k1 &+= weyl.1
            }
            let (hi0, lo0) = multiplyFullWidth(c0, by: multipliers.0)
            let (hi1, lo1) = multiplyFullWidth(c2, by: multipliers.1)
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
        }
        return Blocks16(c0, c1, c2, c3)
    }

    /// Philox4x32-10 of one counter `(c0, c1, c2, c3)` under the key `(k0, k1)`.
    @inlinable
    public static func block(_ counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        let broadcast = Blocks16(
            SIMD16(repeating: counter.x), SIMD16(repeating: counter.y),
            SIMD16(repeating: counter.z), SIMD16(repeating: counter.w))
        return blocks(broadcast, key: key)[0]
    }

    /// The high and low 32-bit halves of the 64-bit products `a[l] · m`, lane by lane.
    ///
    /// Viewed as 8 UInt64 lanes, lane j holds a[2j] in its low half and a[2j+1] in its high half; one
    /// 32×32→64 multiply per half (vpmuludq) gives the full products without narrowing conversions.
    @inlinable @inline(__always)
    static func multiplyFullWidth(_ a: SIMD16<UInt32>, by m: UInt32) -> (high: SIMD16<UInt32>, low: SIMD16<UInt32>) {
        let pairs = unsafeBitCast(a, to: SIMD8<UInt64>.self)
        let multiplier = SIMD8<UInt64>(repeating: UInt64(m))
        let even = (pairs & 0xffff_ffff) &* multiplier
        let odd = (pairs &>> 32) &* multiplier
        let high = (even &>> 32) | (odd & 0xffff_ffff_0000_0000)
        return (unsafeBitCast(high, to: SIMD16<UInt32>.self), a &* m)
    }
}
