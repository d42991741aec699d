// Specs/kernels.md, "Streams".
/// A stream of random blocks addressed by a 64-bit key and a 64-bit counter: block `c` of the stream with
/// key `k` is Philox4x32-10 of the counter words `(lo32(c), hi32(c), 0, 0)` under the key words
/// `(lo32(k), hi32(k))`.
///
/// Every draw is a pure function of `(key, counter)`: the stream holds no hidden state besides `counter`,
/// the index of the next block it will consume, and every value drawn (uniform, normal, categorical) consumes
/// exactly one block. So element `e` of a fill is block `counter + e`, whatever the fill is split into, and
/// "token t of sample j of prompt i at step s" can address its own block directly:
/// `RandomStream(seed: seed, name: "sampling").child(s).child(i).child(j)`, block `t`.
///
/// `Codable` (key and counter) so that checkpoints can save a stream and resume it exactly.
///
/// Streams are derived from one master seed by name and by index (see `child(_:)`): the root stream of a seed
/// has key `seed`; a child's key is two words of one Philox block of its parent's key, in a counter domain
/// (third word 1 for names, 2 for indices) that the parent's own draws (third word 0) never use.
public struct RandomStream: Sendable, Hashable, Codable {
    /// The Philox key of this stream: key words `(k0, k1) = (lo32(key), hi32(key))`.
    public let key: UInt64
    /// The index of the next block that a mutating draw or fill consumes.
    public var counter: UInt64

    /// The stream with this key, positioned at block `counter`.
    public init(key: UInt64, counter: UInt64 = 0) {
        self.key = key
        self.counter = counter
    }

    /// The root stream of a master seed: its key is the seed itself.
    public init(seed: UInt64) {
        self.init(key: seed)
    }

    /// The stream named `name` under the master seed: `RandomStream(seed: seed).child(name)`.
    public init(seed: UInt64, name: String) {
        self = RandomStream(seed: seed).child(name)
    }

    /// The sub-stream named `name`, positioned at block 0. Its key is words 0 and 1 of the Philox block of
    /// counter `(lo32(h), hi32(h), 1, 0)` under this stream's key, where h is the 64-bit FNV-1a hash of the
    /// UTF-8 bytes of `name`. Independent of this stream's counter.
    public func child(_ name: String) -> RandomStream {
        derived(from: Self.fnv1a64(name), domain: 1)
    }

    /// The sub-stream number `index`, positioned at block 0: as `child(_:)` for names, with counter
    /// `(lo32(index), hi32(index), 2, 0)`. Costs one Philox block, so per-sample streams are cheap.
    public func child(_ index: UInt64) -> RandomStream {
        derived(from: index, domain: 2)
    }

    /// The sub-stream number `index` (which must be non-negative); see `child(_: UInt64)`.
    public func child(_ index: Int) -> RandomStream {
        precondition(index >= 0, "RandomStream.child: index \(index) must be non-negative")
        return child(UInt64(index))
    }

    /// Block `counter` of this stream, as words (w0, w1, w2, w3). Pure: does not move the stream.
    public func block(at counter: UInt64) -> SIMD4<UInt32> {
        blocks(from: counter)[0]
    }

    /// Blocks `counter ..< counter + 16` (wrapping modulo 2^64), lane l holding block `counter + l`.
    @inlinable
    public func blocks(from counter: UInt64) -> Philox.Blocks16 {
        let lanes = SIMD16<UInt64>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let c = SIMD16<UInt64>(repeating: counter) &+ lanes
        let counters = Philox.Blocks16(
            SIMD16<UInt32>(truncatingIfNeeded: c), SIMD16<UInt32>(truncatingIfNeeded: c &>> 32), .zero, .zero)
        return Philox.blocks(counters, key: keyWords)
    }

    /// The key as Philox key words (k0, k1).
    @inlinable
    var keyWords: SIMD2<UInt32> { SIMD2(UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)) }

    /// The stream whose key is words 0 and 1 of block `(lo32(value), hi32(value), domain, 0)` of this key.
    func derived(from value: UInt64, domain: UInt32) -> RandomStream {
        let counter = SIMD4<UInt32>(
            UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32), domain, 0)
        let words = Philox.block(counter, key: keyWords)
        return RandomStream(key: UInt64(words.y) << 32 | UInt64(words.x))
    }

    /// 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
