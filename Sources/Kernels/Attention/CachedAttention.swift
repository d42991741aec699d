// Specs/kernels.md, "Cached attention".
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
        withUnsafeTemporaryAllocation(of: Self.self, capacity: heads) { own in
            // This position's own score per head, from `key`, by the same chain as the cached ones: the key's
            // 16-lane-strided stores below then never feed a vector load right away (a vector load of a line
            // with pending scalar stores waits for them).
            ownScores(query: query, key: key, heads: heads, headWidth: hd, scale: scale, into: own.baseAddress!)
            // The scores of the block of this position are completed in registers before their one store:
            // its own score in its lane, −∞ past it (exact zeros in the softmax, as the padding of a partial
            // block gives). When this position starts a tile, the cache holds nothing of that block yet.
            let iota = SIMD16<Self>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
            let laneVector = SIMD16<Self>(repeating: Self(lane))
            let (isOwn, isPast) = (lanes(iota, equalTo: laneVector), lanes(iota, greaterThan: laneVector))
            @inline(__always) func finished(_ scores: SIMD16<Self>, head: Int) -> SIMD16<Self> {
                scores.replacing(with: own[head], where: isOwn).replacing(with: -.infinity, where: isPast)
            }
            cachedScores(query: query, keys: keys, tiles: lane == 0 ? last : blocks, lastTile: last, heads: heads,
                         headWidth: hd, scale: scale, into: scratch, rowLength: rowLength, finishing: finished)
            if lane == 0 {
                for h in 0..<heads { (scratch + h * rowLength).store16(finished(SIMD16(), head: h), last * 16) }
            }
        }
        let tile = keys + last * width * 16
        if lane == 0 {
            for f in 0..<width { tile.store16(SIMD16(), f * 16) }
        }
        storeKey(key, width: width, into: tile + lane)
        for start in stride(from: 0, to: width, by: 16) {
            (values + position * width).store16(value.load16(start, count: width - start), start, count: width - start)
        }
        softmax(scratch, rows: heads, cols: rowLength, into: scratch)
        weightedValues(scratch, rowLength: rowLength, positions: positions, values: values, heads: heads, headWidth: hd,
                       into: output)
    }

    /// target[16·f] = key[f] for f in 0 ..< width: one position's key into its tile's lane, each feature its
    /// own scalar store. Written as a plain loop over the features, the compiler turns it into scatter
    /// instructions, which cost more than the stores they replace (on Zen 4, a fifth of the kernel's time).
    @inlinable @inline(__always)
    static func storeKey(_ key: UnsafePointer<Self>, width: Int, into target: UnsafeMutablePointer<Self>) {
        var (f, t) = (0, target)
        while f + 16 <= width {
            let v = key.load16(f)
            t[0] = v[0]; t[16] = v[1]; t[32] = v[2]; t[48] = v[3]; t[64] = v[4]; t[80] = v[5]; t[96] = v[6]; t[112] = v[7]
            t[128] = v[8]; t[144] = v[9]; t[160] = v[10]; t[176] = v[11]; t[192] = v[12]; t[208] = v[13]; t[224] = v[14]; t[240] = v[15]
            f += 16
            t += 256
        }
        while f < width {
            t[0] = key[f]
            f += 1
            t += 16
        }
    }

    /// own[h] = (Σ_i query[h·hd + i] · key[h·hd + i]) · scale, one FMA chain per head from +0; four heads'
    /// chains at a time (the last group repeats its final head), to hide the FMA latency.
    @inlinable @inline(__always)
    static func ownScores(
        query: UnsafePointer<Self>, key: UnsafePointer<Self>, heads: Int, headWidth hd: Int, scale: Self,
        into own: UnsafeMutablePointer<Self>
    ) {
        for h in stride(from: 0, to: heads, by: 4) {
            let (h0, h1, h2, h3) = (h, Swift.min(h + 1, heads - 1), Swift.min(h + 2, heads - 1), Swift.min(h + 3, heads - 1))
            let (o1, o2, o3) = ((h1 - h0) * hd, (h2 - h0) * hd, (h3 - h0) * hd)
            var (q, k) = (query + h0 * hd, key + h0 * hd)
            var (d0, d1, d2, d3): (Self, Self, Self, Self) = (0, 0, 0, 0)
            for _ in 0..<hd {
                d0 = d0.addingProduct(q[0], k[0])
                d1 = d1.addingProduct(q[o1], k[o1])
                d2 = d2.addingProduct(q[o2], k[o2])
                d3 = d3.addingProduct(q[o3], k[o3])
                q += 1
                k += 1
            }
            (own[h0], own[h1], own[h2], own[h3]) = (d0 * scale, d1 * scale, d2 * scale, d3 * scale)
        }
    }

    /// The scores of the cached tiles 0 ..< `tiles` of every head, times `scale`, stored at
    /// `scores[h·rowLength + b·16 ..< + 16]`; tile `lastTile`'s go through `finishing` first.
    ///
    /// Eight chains at a time: two tiles of four heads (the last group repeating its final head, whose
    /// chains are recomputed and stored again, the same bits), so that each step's four query broadcasts
    /// serve two tiles and the eight independent FMAs keep both FMA pipes busy; an odd last tile alone,
    /// four chains at a time.
    @inlinable @inline(__always)
    static func cachedScores(
        query: UnsafePointer<Self>, keys: UnsafePointer<Self>, tiles: Int, lastTile: Int, heads: Int, headWidth hd: Int,
        scale: Self, into scores: UnsafeMutablePointer<Self>, rowLength: Int,
        finishing: (SIMD16<Self>, _ head: Int) -> SIMD16<Self>
    ) {
        var b0 = 0
        while b0 + 1 < tiles {
            scoreTiles(b0, paired: true, query: query, keys: keys, lastTile: lastTile, heads: heads, headWidth: hd, scale: scale,
                       into: scores, rowLength: rowLength, finishing: finishing)
            b0 += 2
        }
        if b0 < tiles {
            scoreTiles(b0, paired: false, query: query, keys: keys, lastTile: lastTile, heads: heads, headWidth: hd, scale: scale,
                       into: scores, rowLength: rowLength, finishing: finishing)
        }
    }

    /// The scores of tile `b0` and, when `paired`, of tile `b0 + 1` (see `cachedScores`).
    @inlinable @inline(__always)
    static func scoreTiles(
        _ b0: Int, paired: Bool, query: UnsafePointer<Self>, keys: UnsafePointer<Self>, lastTile: Int, heads: Int,
        headWidth hd: Int, scale: Self, into scores: UnsafeMutablePointer<Self>, rowLength: Int,
        finishing: (SIMD16<Self>, _ head: Int) -> SIMD16<Self>
    ) {
        let width = heads * hd
        for h in stride(from: 0, to: heads, by: 4) {
            let (h0, h1, h2, h3) = (h, Swift.min(h + 1, heads - 1), Swift.min(h + 2, heads - 1), Swift.min(h + 3, heads - 1))
            // One pointer per tile and one for the query, with the heads at loop-invariant offsets:
            // few enough registers that no address is spilled and reloaded in the loop.
            let (o1, o2, o3) = ((h1 - h0) * hd, (h2 - h0) * hd, (h3 - h0) * hd)
            let (ko1, ko2, ko3) = (o1 * 16, o2 * 16, o3 * 16)
            var k0 = keys + (b0 * width + h0 * hd) * 16
            var q = query + h0 * hd
            var (s00, s01, s02, s03) = (SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>())
            @inline(__always) func store(_ s: SIMD16<Self>, head: Int, tile: Int) {
                let scaled = s * scale
                (scores + head * rowLength).store16(tile == lastTile ? finishing(scaled, head) : scaled, tile * 16)
            }
            if paired {
                let b1 = b0 + 1
                var k1 = keys + (b1 * width + h0 * hd) * 16
                var (s10, s11, s12, s13) = (SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>(), SIMD16<Self>())
                for _ in 0..<hd {
                    let (x0, x1, x2, x3) = (SIMD16(repeating: q[0]), SIMD16(repeating: q[o1]), SIMD16(repeating: q[o2]), SIMD16(repeating: q[o3]))
                    s00 = s00.addingProduct(x0, k0.load16(0)); s10 = s10.addingProduct(x0, k1.load16(0))
                    s01 = s01.addingProduct(x1, k0.load16(ko1)); s11 = s11.addingProduct(x1, k1.load16(ko1))
                    s02 = s02.addingProduct(x2, k0.load16(ko2)); s12 = s12.addingProduct(x2, k1.load16(ko2))
                    s03 = s03.addingProduct(x3, k0.load16(ko3)); s13 = s13.addingProduct(x3, k1.load16(ko3))
                    k0 += 16
                    k1 += 16
                    q += 1
                }
                store(s10, head: h0, tile: b1); store(s11, head: h1, tile: b1)
                store(s12, head: h2, tile: b1); store(s13, head: h3, tile: b1)
            } else {
                for _ in 0..<hd {
                    s00 = s00.addingProduct(SIMD16(repeating: q[0]), k0.load16(0))
                    s01 = s01.addingProduct(SIMD16(repeating: q[o1]), k0.load16(ko1))
                    s02 = s02.addingProduct(SIMD16(repeating: q[o2]), k0.load16(ko2))
                    s03 = s03.addingProduct(SIMD16(repeating: q[o3]), k0.load16(ko3))
                    k0 += 16
                    q += 1
                }
            }
            store(s00, head: h0, tile: b0); store(s01, head: h1, tile: b0)
            store(s02, head: h2, tile: b0); store(s03, head: h3, tile: b0)
        }
    }

    /// output[h·hd + i] = Σ_s weights[h·rowLength + s] · values[s·width + h·hd + i] over s in 0 ..< positions,
    /// each feature one FMA chain from +0 in increasing s.
    ///
    /// With whole vectors per head, 16 features are the lanes of one vector: eight vectors of 128
    /// consecutive features at a time, then one at a time. When a head is 2, 4 or 8 vectors wide, the
    /// vectors of one head share one broadcast of its weight per position (four broadcasts per eight
    /// FMAs for heads of 32), which keeps the loads within what the load ports issue per cycle.
    @inlinable @inline(__always)
    static func weightedValues(
        _ weights: UnsafePointer<Self>, rowLength: Int, positions: Int, values: UnsafePointer<Self>, heads: Int,
        headWidth hd: Int, into output: UnsafeMutablePointer<Self>
    ) {
        let width = heads * hd
        guard hd % 16 == 0 else {
            for f in 0..<width {
                let w = weights + f / hd * rowLength
                var o: Self = 0
                for s in 0..<positions { o = o.addingProduct(w[s], values[s * width + f]) }
                output[f] = o
            }
            return
        }
        // Eight vectors from feature f; vector j's head is (f + 16j) / hd, which for vectorsPerHead = hd / 16 in
        // {2, 4, 8} (then f is a multiple of hd) is f / hd + j / vectorsPerHead, a constant pattern the
        // compiler sees; 0 stands for any other head width.
        @inline(__always) func eightVectors(from f: Int, vectorsPerHead: Int) {
            @inline(__always) func w(_ j: Int) -> UnsafePointer<Self> {
                weights + (vectorsPerHead == 0 ? (f + 16 * j) / hd : f / hd + j / vectorsPerHead) * rowLength
            }
            let (w0, w1, w2, w3, w4, w5, w6, w7) = (w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7))
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
        }
        var f = 0
        while f + 128 <= width {
            switch hd {
            case 32: eightVectors(from: f, vectorsPerHead: 2)
            case 64: eightVectors(from: f, vectorsPerHead: 4)
            case 128: eightVectors(from: f, vectorsPerHead: 8)
            default: eightVectors(from: f, vectorsPerHead: 0)
            }
            f += 128
        }
        while f < width {
            let w = weights + f / hd * rowLength
            var o = SIMD16<Self>()
            for s in 0..<positions { o = o.addingProduct(SIMD16(repeating: w[s]), values.load16(s * width + f)) }
            output.store16(o, f)
            f += 16
        }
    }
}

extension Float: CachedAttentionKernels {}
extension Double: CachedAttentionKernels {}
