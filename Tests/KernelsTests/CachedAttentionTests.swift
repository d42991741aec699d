import Kernels
import PropertyBased
import PropertyTesting
import Testing

/// Keys, values and queries of one sequence ([positions, width] each), and the cache layout built by hand.
struct CacheCase<T: KernelScalar> {
    let heads: Int, headWidth: Int, positions: Int
    let queries: [[T]], keys: [[T]], values: [[T]]
    var width: Int { heads * headWidth }
    var tiles: Int { (positions + 15) / 16 }

    init(heads: Int, headWidth: Int, positions: Int, seed: UInt64) {
        (self.heads, self.headWidth, self.positions) = (heads, headWidth, positions)
        let width = heads * headWidth
        queries = (0..<positions).map { randomValues(width, seed: seed &+ 2000 &+ UInt64($0)).map { $0 * 3 } }   // peaked rows
        keys = (0..<positions).map { randomValues(width, seed: seed &+ 1 &+ UInt64($0)) }
        values = (0..<positions).map { randomValues(width, seed: seed &+ 1000 &+ UInt64($0)) }
    }

    /// The cache holding positions 0 ..< count in the kernel's layout; NaN everywhere else.
    func cache(holding count: Int) -> (keys: [T], values: [T]) {
        var tiled = [T](repeating: .nan, count: tiles * width * 16)
        var rows = [T](repeating: .nan, count: tiles * 16 * width)
        for s in 0..<count {
            for f in 0..<width {
                tiled[((s / 16) * width + f) * 16 + s % 16] = keys[s][f]
                rows[s * width + f] = values[s][f]
            }
        }
        return (tiled, rows)
    }

    /// The contract as plain loops, for the query of `position` over positions 0 ... position: per head,
    /// scores as one FMA chain over the features, times scale; the softmax kernel; each output feature one
    /// FMA chain over the positions.
    func reference(position: Int, scale: T) -> [T] {
        var output = [T](repeating: 0, count: width)
        for h in 0..<heads {
            let raw = (0...position).map { s in
                var dot: T = 0
                for i in 0..<headWidth { dot = dot.addingProduct(queries[position][h * headWidth + i], keys[s][h * headWidth + i]) }
                return dot * scale
            }
            var weights = raw
            T.softmax(raw, rows: 1, cols: raw.count, into: &weights)
            for i in 0..<headWidth {
                var sum: T = 0
                for s in 0...position { sum = sum.addingProduct(weights[s], values[s][h * headWidth + i]) }
                output[h * headWidth + i] = sum
            }
        }
        return output
    }

    /// The kernel for the query, key and value of `position`, on `cache`.
    func kernel(position: Int, scale: T, cache: inout (keys: [T], values: [T])) -> [T] {
        var output = [T](repeating: .nan, count: width)
        var scratch = [T](repeating: .nan, count: heads * tiles * 16)
        T.cachedAttention(
            query: queries[position], key: keys[position], value: values[position], position: position,
            cacheKeys: &cache.keys, cacheValues: &cache.values, heads: heads, headWidth: headWidth, scale: scale,
            scratch: &scratch, into: &output)
        return output
    }
}

let attentionShapes = zip(Gen.int(in: 1...5), Gen.int(in: 1...40), Gen.int(in: 1...70))

@Suite("Cached attention kernel")
struct CachedAttentionTests {
    @Test("cached attention equals the plain-loop contract bit for bit (Float and Double; head widths 1 to 40, 1 to 70 positions; NaN in every unused lane)")
    func matchesReference() async {
        await checkProperty(count: 120, input: attentionShapes, Gen.int(in: 0...1000)) { shape, seed in
            let (heads, headWidth, positions) = shape
            func check<T: KernelScalar>(_: T.Type, scale: T) {
                let c = CacheCase<T>(heads: heads, headWidth: headWidth, positions: positions, seed: UInt64(seed))
                var cache = c.cache(holding: positions - 1)
                #expect(firstDifference(c.kernel(position: positions - 1, scale: scale, cache: &cache),
                                        c.reference(position: positions - 1, scale: scale)) == nil,
                        "\(T.self) heads \(heads) width \(headWidth) positions \(positions)")
            }
            check(Float.self, scale: 1 / Float(headWidth).squareRoot())
            check(Double.self, scale: 0.25)
        }
    }

    @Test("attending at positions 0, 1, 2, ... in turn stores keys in zero-padded tiles of 16 positions and values by position, and matches the contract at every step")
    func storeLayout() async {
        await checkProperty(count: 40, input: attentionShapes, Gen.int(in: 0...1000)) { shape, seed in
            let (heads, headWidth, positions) = shape
            let c = CacheCase<Float>(heads: heads, headWidth: headWidth, positions: positions, seed: UInt64(seed))
            var cache = c.cache(holding: 0)
            for position in 0..<positions {
                #expect(firstDifference(c.kernel(position: position, scale: 0.5, cache: &cache),
                                        c.reference(position: position, scale: 0.5)) == nil, "position \(position)")
            }
            var expected = c.cache(holding: positions)
            for i in expected.keys.indices where expected.keys[i].isNaN { expected.keys[i] = 0 }
            #expect(cache.keys == expected.keys)
            #expect(Array(cache.values.prefix(positions * c.width)) == c.values.flatMap { $0 })
            #expect(cache.values.dropFirst(positions * c.width).allSatisfy { $0.isNaN }, "nothing stored past the last position")
        }
    }
}
