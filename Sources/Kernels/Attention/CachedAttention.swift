/// One query row's attention over one sequence's cached keys and values, every head at once, for
/// KV-cache sampling, and the store of one position into that cache.
///
/// The order mirrors the full causal attention (gemm, scale, masked softmax, gemm), so a cached row equals
/// the full pass bit for bit: each score is one FMA chain over the head's features from feature 0
/// (starting at +0), times `scale`; the weights are the `softmax` kernel over the positions; each output
/// feature is one FMA chain over the positions from 0 (starting at +0). The masked positions of the full
/// pass add exact zeros to its softmax sum and leave its chains unchanged. Depends only on this query and
/// its own cache, never on other rows.
///
/// Speed without changing a chain: the keys are stored in tiles of 16 positions, transposed, so the scores
/// of 16 positions are the 16 lanes of one vector, each lane its own chain over the features, and a head's
/// tile is one contiguous run; the values are stored by position, so 16 features of a head are 16 lanes,
/// each its own chain over the positions, and a position's values are one contiguous row. Several vectors
/// are in flight at a time to hide the FMA latency.
///
/// Cache layout, per sequence (and layer), for `width` = heads · headWidth features: key feature f of
/// position s at `keys[((s / 16) · width + f) · 16 + s % 16]`; value feature f of position s at
/// `values[s · width + f]`.
public protocol CachedAttentionKernels: SoftmaxKernels {
    /// output[h·headWidth + i] = Σ_s p_{h,s} · values[s, h·headWidth + i] with
    /// p_h = softmax_s((Σ_i query[h·headWidth + i] · key[s, h·headWidth + i]) · scale), for s < positions
    /// and every head h < heads.
    ///
    /// `query` and `output` hold width = heads · headWidth scalars. Key tiles are read whole: the lanes of
    /// the last tile past `positions` are read and ignored (`storeKeysAndValues` initialises them).
    /// `scratch` holds `heads · 16 · ⌈positions / 16⌉` scalars.
    static func cachedAttention(
        query: UnsafePointer<Self>, keys: UnsafePointer<Self>, values: UnsafePointer<Self>, positions: Int,
        heads: Int, headWidth: Int, scale: Self, scratch: UnsafeMutablePointer<Self>,
        into output: UnsafeMutablePointer<Self>)

    /// Stores one position's keys and values (`width` scalars each) at `position` of a sequence's cache.
    /// A position that starts a tile (a multiple of 16) first zeroes that tile, so positions must be stored
    /// in increasing order, starting from 0.
    static func storeKeysAndValues(
        keys: UnsafePointer<Self>, values: UnsafePointer<Self>, width: Int, position: Int,
        cacheKeys: UnsafeMutablePointer<Self>, cacheValues: UnsafeMutablePointer<Self>)
}

extension CachedAttentionKernels {
    @inlinable
    public static func cachedAttention(
        query: UnsafePointer<Self>, keys: UnsafePointer<Self>, values: UnsafePointer<Self>, positions: Int,
        heads: Int, headWidth hd: Int, scale: Self, scratch: UnsafeMutablePointer<Self>,
        into output: UnsafeMutablePointer<Self>
    ) {
        precondition(positions >= 1, "cachedAttention: no positions")
        let width = heads * hd, blocks = (positions + 15) / 16, rowLength = blocks * 16
        // Scores of (head, tile) pairs, four at a time; the last group repeats its final pair (recomputed
        // and stored again, the same bits).
        let pairs = heads * blocks
        @inline(__always) func pair(_ p: Int) -> (query: UnsafePointer<Self>, keys: UnsafePointer<Self>, scores: UnsafeMutablePointer<Self>) {
            let (h, b) = Swift.min(p, pairs - 1).quotientAndRemainder(dividingBy: blocks)
            return (query + h * hd, keys + (b * width + h * hd) * 16, scratch + h * rowLength + b * 16)
        }
        for p in stride(from: 0, to: pairs, by: 4) {
            let (p0, p1, p2, p3) = (pair(p), pair(p + 1), pair(p + 2), pair(p + 3))
            var (s0, s1, s2, s3) = (SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>())
            for i in 0..<hd {
                s0 = s0.addingProduct(SIMD16(repeating: p0.query[i]), p0.keys.load16(i * 16))
                s1 = s1.addingProduct(SIMD16(repeating: p1.query[i]), p1.keys.load16(i * 16))
                s2 = s2.addingProduct(SIMD16(repeating: p2.query[i]), p2.keys.load16(i * 16))
                s3 = s3.addingProduct(SIMD16(repeating: p3.query[i]), p3.keys.load16(i * 16))
            }
            p0.scores.store16(s0 * scale, 0)
            p1.scores.store16(s1 * scale, 0)
            p2.scores.store16(s2 * scale, 0)
            p3.scores.store16(s3 * scale, 0)
        }
        for h in 0..<heads { softmax(scratch + h * rowLength, rows: 1, cols: positions, into: scratch + h * rowLength) }
        // Output chunks: 16 features of one head (fewer at the end of a head), eight at a time, the last
        // group repeating its final chunk.
        let chunksPerHead = (hd + 15) / 16, chunks = heads * chunksPerHead
        @inline(__always) func chunk(_ c: Int) -> (weights: UnsafeMutablePointer<Self>, feature: Int, valid: Int) {
            let (h, j) = Swift.min(c, chunks - 1).quotientAndRemainder(dividingBy: chunksPerHead)
            return (scratch + h * rowLength, h * hd + j * 16, Swift.min(16, hd - j * 16))
        }
        for c in stride(from: 0, to: chunks, by: 8) {
            let (c0, c1, c2, c3) = (chunk(c), chunk(c + 1), chunk(c + 2), chunk(c + 3))
            let (c4, c5, c6, c7) = (chunk(c + 4), chunk(c + 5), chunk(c + 6), chunk(c + 7))
            var (o0, o1, o2, o3) = (SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>())
            var (o4, o5, o6, o7) = (SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>())
            for s in 0..<positions {
                let v = values + s * width
                o0 = o0.addingProduct(SIMD16(repeating: c0.weights[s]), v.load16(c0.feature, count: c0.valid))
                o1 = o1.addingProduct(SIMD16(repeating: c1.weights[s]), v.load16(c1.feature, count: c1.valid))
                o2 = o2.addingProduct(SIMD16(repeating: c2.weights[s]), v.load16(c2.feature, count: c2.valid))
                o3 = o3.addingProduct(SIMD16(repeating: c3.weights[s]), v.load16(c3.feature, count: c3.valid))
                o4 = o4.addingProduct(SIMD16(repeating: c4.weights[s]), v.load16(c4.feature, count: c4.valid))
                o5 = o5.addingProduct(SIMD16(repeating: c5.weights[s]), v.load16(c5.feature, count: c5.valid))
                o6 = o6.addingProduct(SIMD16(repeating: c6.weights[s]), v.load16(c6.feature, count: c6.valid))
                o7 = o7.addingProduct(SIMD16(repeating: c7.weights[s]), v.load16(c7.feature, count: c7.valid))
            }
            output.store16(o0, c0.feature, count: c0.valid)
            output.store16(o1, c1.feature, count: c1.valid)
            output.store16(o2, c2.feature, count: c2.valid)
            output.store16(o3, c3.feature, count: c3.valid)
            output.store16(o4, c4.feature, count: c4.valid)
            output.store16(o5, c5.feature, count: c5.valid)
            output.store16(o6, c6.feature, count: c6.valid)
            output.store16(o7, c7.feature, count: c7.valid)
        }
    }

    @inlinable
    public static func storeKeysAndValues(
        keys: UnsafePointer<Self>, values: UnsafePointer<Self>, width: Int, position: Int,
        cacheKeys: UnsafeMutablePointer<Self>, cacheValues: UnsafeMutablePointer<Self>
    ) {
        let (block, lane) = position.quotientAndRemainder(dividingBy: 16)
        let tile = cacheKeys + block * width * 16
        if lane == 0 {
            for f in 0..<width { tile.store16(SIMD16(), f * 16) }
        }
        for f in 0..<width { tile[f * 16 + lane] = keys[f] }
        let row = cacheValues + position * width
        for start in stride(from: 0, to: width, by: 16) {
            let valid = Swift.min(16, width - start)
            row.store16(values.load16(start, count: valid), start, count: valid)
        }
    }
}

extension Float: CachedAttentionKernels {}
extension Double: CachedAttentionKernels {}
