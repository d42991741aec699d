import Kernels
import PropertyBased
import Testing

/// One sequence's cache in the kernel's layout, built by hand from keys and values [positions, width];
/// the key lanes past the last position hold NaN, which the kernel must ignore.
struct CacheCase<T: KernelScalar> {
    let heads: Int, headWidth: Int, positions: Int
    let query: [T], keys: [[T]], values: [[T]]
    var width: Int { heads * headWidth }
    var tiles: Int { (positions + 15) / 16 }

    init(heads: Int, headWidth: Int, positions: Int, seed: UInt64) {
        (self.heads, self.headWidth, self.positions) = (heads, headWidth, positions)
        let width = heads * headWidth
        query = randomValues(width, seed: seed).map { $0 * 3 }   // peaked softmax rows
        keys = (0..<positions).map { randomValues(width, seed: seed &+ 1 &+ UInt64($0)) }
        values = (0..<positions).map { randomValues(width, seed: seed &+ 1000 &+ UInt64($0)) }
    }

    var tiledKeys: [T] {
        var tiled = [T](repeating: .nan, count: tiles * width * 16)
        for s in 0..<positions {
            for f in 0..<width { tiled[((s / 16) * width + f) * 16 + s % 16] = keys[s][f] }
        }
        return tiled
    }

    /// The contract as plain loops: per head, scores as one FMA chain over the features, times scale;
    /// the softmax kernel; each output feature one FMA chain over the positions.
    func reference(scale: T) -> [T] {
        var output = [T](repeating: 0, count: width)
        for h in 0..<heads {
            var scores = (0..<positions).map { s in
                var dot: T = 0
                for i in 0..<headWidth { dot = dot.addingProduct(query[h * headWidth + i], keys[s][h * headWidth + i]) }
                return dot * scale
            }
            let raw = scores
            T.softmax(raw, rows: 1, cols: positions, into: &scores)
            for i in 0..<headWidth {
                var sum: T = 0
                for s in 0..<positions { sum = sum.addingProduct(scores[s], values[s][h * headWidth + i]) }
                output[h * headWidth + i] = sum
            }
        }
        return output
    }

    func kernel(scale: T) -> [T] {
        var output = [T](repeating: .nan, count: width)
        var scratch = [T](repeating: .nan, count: heads * tiles * 16)
        T.cachedAttention(
            query: query, keys: tiledKeys, values: values.flatMap { $0 }, positions: positions, heads: heads,
            headWidth: headWidth, scale: scale, scratch: &scratch, into: &output)
        return output
    }
}

@Suite("Cached attention kernel")
struct CachedAttentionTests {
    @Test("cached attention equals the plain-loop contract bit for bit (Float and Double; head widths 1 to 40, 1 to 70 positions)")
    func matchesReference() async {
        let shapes = zip(Gen.int(in: 1...5), Gen.int(in: 1...40), Gen.int(in: 1...70))
        await propertyCheck(count: 120, input: shapes, Gen.int(in: 0...1000)) { shape, seed in
            let (heads, headWidth, positions) = shape
            let float = CacheCase<Float>(heads: heads, headWidth: headWidth, positions: positions, seed: UInt64(seed))
            let scale = 1 / Float(headWidth).squareRoot()
            #expect(firstDifference(float.kernel(scale: scale), float.reference(scale: scale)) == nil,
                    "Float heads \(heads) width \(headWidth) positions \(positions)")
            let double = CacheCase<Double>(heads: heads, headWidth: headWidth, positions: positions, seed: UInt64(seed))
            #expect(firstDifference(double.kernel(scale: 0.25), double.reference(scale: 0.25)) == nil,
                    "Double heads \(heads) width \(headWidth) positions \(positions)")
        }
    }

    @Test("storing positions 0, 1, 2, ... lays out keys in zero-padded tiles of 16 positions and values by position")
    func storeLayout() async {
        await propertyCheck(count: 40, input: Gen.int(in: 1...70), Gen.int(in: 1...50), Gen.int(in: 0...1000)) {
            positions, width, seed in
            let c = CacheCase<Float>(heads: 1, headWidth: width, positions: positions, seed: UInt64(seed))
            var keys = [Float](repeating: .nan, count: c.tiles * width * 16)
            var values = [Float](repeating: .nan, count: c.tiles * 16 * width)
            for s in 0..<positions {
                Float.storeKeysAndValues(keys: c.keys[s], values: c.values[s], width: width, position: s,
                                         cacheKeys: &keys, cacheValues: &values)
            }
            var expected = c.tiledKeys
            for i in expected.indices where expected[i].isNaN { expected[i] = 0 }
            #expect(keys == expected)
            #expect(Array(values.prefix(positions * width)) == c.values.flatMap { $0 })
            #expect(values.dropFirst(positions * width).allSatisfy { $0.isNaN }, "nothing stored past the last position")
        }
    }
}
