/// One query row's attention over one sequence's cached keys and values, every head at once, for
/// KV-cache sampling, after storing the row's own key and value in that cache.
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
    /// Stores `key` and `value` (width = heads · headWidth scalars each) at `position` of one sequence's
    /// cache, then writes to `output` the attention of `query` over positions 0 ... position:
    /// output[h·headWidth + i] = Σ_s p_{h,s} · value[s, h·headWidth + i] with
    /// p_h = softmax_s((Σ_i query[h·headWidth + i] · key[s, h·headWidth + i]) · scale), for every head h.
    ///
    /// Positions are stored in increasing order from 0 (rows of one sequence in one batch, in that order):
    /// a position that starts a key tile zeroes the tile first, so the lanes past the last position, which
    /// are read in whole tiles and ignored, are initialised. `query`, `key`, `value` and `output` hold
    /// width scalars; `scratch` holds `heads · 16 · ⌈(position + 1) / 16⌉`.
    static func cachedAttention(
        query: UnsafePointer<Self>, key: UnsafePointer<Self>, value: UnsafePointer<Self>, position: Int,
        cacheKeys: UnsafeMutablePointer<Self>, cacheValues: UnsafeMutablePointer<Self>, heads: Int, headWidth: Int,
        scale: Self, scratch: UnsafeMutablePointer<Self>, into output: UnsafeMutablePointer<Self>)
}

extension CachedAttentionKernels {
    @inlinable
    public static func cachedAttention(
        query: UnsafePointer<Self>, key: UnsafePointer<Self>, value: UnsafePointer<Self>, position: Int,
        cacheKeys keys: UnsafeMutablePointer<Self>, cacheValues values: UnsafeMutablePointer<Self>, heads: Int,
        headWidth hd: Int, scale: Self, scratch: UnsafeMutablePointer<Self>, into output: UnsafeMutablePointer<Self>
    ) {
        precondition(position >= 0, "cachedAttention: position \(position)")
        let width = heads * hd, positions = position + 1, blocks = (positions + 15) / 16, rowLength = blocks * 16
        let (last, lane) = position.quotientAndRemainder(dividingBy: 16)
        let tile = keys + last * width * 16
        // Scores of (head, tile) pairs of `tiles`, four at a time; the last group repeats its final pair
        // (recomputed and stored again, the same bits).
        @inline(__always) func scores(tiles: Range<Int>) {
            let pairs = heads * tiles.count
            @inline(__always) func pair(_ p: Int) -> (query: UnsafePointer<Self>, keys: UnsafePointer<Self>, scores: UnsafeMutablePointer<Self>) {
                let (h, j) = Swift.min(p, pairs - 1).quotientAndRemainder(dividingBy: tiles.count)
                let b = tiles.lowerBound + j
                let tileKeys: UnsafePointer<Self> = UnsafePointer(keys) + (b * width + h * hd) * 16
                return (query + h * hd, tileKeys, scratch + h * rowLength + b * 16)
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
        }
        // The earlier positions' scores from the cache (when this position starts a tile, that tile holds
        // nothing yet); this position's own score from `key`, by the same chain, so that the key's stores
        // below never feed a load right away (a vector load of a line with pending scalar stores stalls).
        scores(tiles: 0..<(lane == 0 ? last : blocks))
        var h = 0
        while h < heads {
            // Four heads' chains at a time (the last group repeats its final head), to hide the FMA latency.
            let (h0, h1, h2, h3) = (h, Swift.min(h + 1, heads - 1), Swift.min(h + 2, heads - 1), Swift.min(h + 3, heads - 1))
            var (d0, d1, d2, d3): (Self, Self, Self, Self) = (0, 0, 0, 0)
            for i in 0..<hd {
                d0 = d0.addingProduct(query[h0 * hd + i], key[h0 * hd + i])
                d1 = d1.addingProduct(query[h1 * hd + i], key[h1 * hd + i])
                d2 = d2.addingProduct(query[h2 * hd + i], key[h2 * hd + i])
                d3 = d3.addingProduct(query[h3 * hd + i], key[h3 * hd + i])
            }
            scratch[h0 * rowLength + position] = d0 * scale
            scratch[h1 * rowLength + position] = d1 * scale
            scratch[h2 * rowLength + position] = d2 * scale
            scratch[h3 * rowLength + position] = d3 * scale
            h += 4
        }
        if lane == 0 {
            for f in 0..<width { tile.store16(SIMD16(), f * 16) }
        }
        for f in 0..<width { tile[f * 16 + lane] = key[f] }
        for start in stride(from: 0, to: width, by: 16) {
            (values + position * width).store16(value.load16(start, count: width - start), start, count: width - start)
        }
        // The softmax over whole rows of 16-position blocks, the positions past this one set to −∞: they get
        // exactly 0 and add exact zeros to the sum, as the padding of a last partial block would (the
        // kernel's result on the first `positions` entries is the same), without the partial block's
        // lane-by-lane loads and stores.
        for h in 0..<heads {
            for s in positions..<rowLength { scratch[h * rowLength + s] = -.infinity }
        }
        softmax(scratch, rows: heads, cols: rowLength, into: scratch)
        // Output: each feature one chain over the positions; with whole vectors per head, eight vectors of
        // 16 consecutive features at a time, then one at a time.
        guard hd % 16 == 0 else {
            for f in 0..<width {
                let w = scratch + f / hd * rowLength
                var o: Self = 0
                for s in 0..<positions { o = o.addingProduct(w[s], values[s * width + f]) }
                output[f] = o
            }
            return
        }
        @inline(__always) func weights(_ feature: Int) -> UnsafeMutablePointer<Self> { scratch + feature / hd * rowLength }
        var f = 0
        while f + 128 <= width {
            let (w0, w1, w2, w3) = (weights(f), weights(f + 16), weights(f + 32), weights(f + 48))
            let (w4, w5, w6, w7) = (weights(f + 64), weights(f + 80), weights(f + 96), weights(f + 112))
            var (o0, o1, o2, o3) = (SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>())
            var (o4, o5, o6, o7) = (SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>())
            var v = values + f
            for s in 0..<positions {
                o0 = o0.addingProduct(SIMD16(repeating: w0[s]), v.load16(0))
                o1 = o1.addingProduct(SIMD16(repeating: w1[s]), v.load16(16))
                o2 = o2.addingProduct(SIMD16(repeating: w2[s]), v.load16(32))
                o3 = o3.addingProduct(SIMD16(repeating: w3[s]), v.load16(48))
                o4 = o4.addingProduct(SIMD16(repeating: w4[s]), v.load16(64))
                o5 = o5.addingProduct(SIMD16(repeating: w5[s]), v.load16(80))
                o6 = o6.addingProduct(SIMD16(repeating: w6[s]), v.load16(96))
                o7 = o7.addingProduct(SIMD16(repeating: w7[s]), v.load16(112))
                v += width
            }
            let o = output + f
            o.store16(o0, 0); o.store16(o1, 16); o.store16(o2, 32); o.store16(o3, 48)
            o.store16(o4, 64); o.store16(o5, 80); o.store16(o6, 96); o.store16(o7, 112)
            f += 128
        }
        while f < width {
            let w = weights(f)
            var o = SIMD16<Self>()
            for s in 0..<positions { o = o.addingProduct(SIMD16(repeating: w[s]), values.load16(s * width + f)) }
            output.store16(o, f)
            f += 16
        }
    }
}

extension Float: CachedAttentionKernels {}
extension Double: CachedAttentionKernels {}
