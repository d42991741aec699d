/// Multi-head causal self-attention over fused projections, forward and backward side by side (as llm.c's
/// attention_forward and attention_backward), for training and full forward passes.
///
/// Layout: `qkv` is [batch, length, 3·width] row-major, width = heads · headWidth; row (b, t) holds the
/// query, then the key, then the value of position t of sequence b, each split into heads of `headWidth`
/// consecutive features (head h at features h·headWidth ..< (h + 1)·headWidth). `output` is [batch, length,
/// width] with the heads side by side in the same order; `probabilities` is [batch, heads, length, length].
///
/// Work is split into one parallel chunk per sequence, a count that depends only on the shape; each chunk
/// reads only its own sequence and writes only its own sequence's outputs, gradients and probabilities,
/// head after head. (A chunk per sequence, not per head, lets a chunk read its sequence's rows in one
/// sequential pass, which the hardware prefetches.)
///
/// Forward order (normative, and the same as `cachedAttention`, so that a KV-cache row equals the full
/// pass bit for bit): score s of query t is one FMA chain over the head's features in increasing order
/// from +0, then multiplied by `scale`; the weights of row t are the `softmax` kernel over the t + 1
/// visible positions (`probabilities` holds exactly 0 at s > t); output feature i is one FMA chain
/// fma(p_s, v_s[i], ·) over s = 0 … t from +0.
///
/// Backward order (per chunk; gradients accumulate into `gqkv`, llm.c's `+=` convention):
///   dP[t, s] = one FMA chain over features in increasing order from +0 (dO_t · v_s), s ≤ t;
///   c_t = Σ_{s ≤ t} P[t, s]·dP[t, s] in the fixed order of `fixedOrderDot` over the t + 1 entries;
///   dS[t, s] = (P[t, s]·(dP[t, s] − c_t))·scale;
///   gq_t[i] += Σ_{s ≤ t} dS[t, s]·k_s[i], an FMA chain onto the old value in increasing s;
///   gk_s[i] += Σ_{t ≥ s} dS[t, s]·q_t[i], and gv_s[i] += Σ_{t ≥ s} P[t, s]·dO_t[i], FMA chains onto the old
///   values in increasing t.
/// Every element's order depends only on (length, headWidth), never on the batch, the heads or the threads.
public protocol CausalAttentionKernels: SoftmaxKernels {
    /// Writes `output` and `probabilities` from `qkv` (see the protocol's documentation for layouts and
    /// orders). `scale` multiplies every score (1/√headWidth for scaled dot-product attention).
    static func causalAttention(
        qkv: UnsafePointer<Self>, batch: Int, length: Int, heads: Int, headWidth: Int, scale: Self,
        into output: UnsafeMutablePointer<Self>, probabilities: UnsafeMutablePointer<Self>)

    /// Accumulates into `gqkv` ([batch, length, 3·width]) the gradient of the forward pass given the
    /// gradient `gOutput` of its output, from the forward's `qkv` and `probabilities`.
    static func causalAttentionBackward(
        qkv: UnsafePointer<Self>, probabilities: UnsafePointer<Self>, outputGradient gOutput: UnsafePointer<Self>,
        batch: Int, length: Int, heads: Int, headWidth: Int, scale: Self,
        accumulatingInto gqkv: UnsafeMutablePointer<Self>)
}

extension CausalAttentionKernels {
    @inlinable
    public static func causalAttention(
        qkv: UnsafePointer<Self>, batch: Int, length: Int, heads: Int, headWidth: Int, scale: Self,
        into output: UnsafeMutablePointer<Self>, probabilities: UnsafeMutablePointer<Self>
    ) {
        let (t, hd) = (length, headWidth)
        let d = heads * hd
        let padded = paddedLength(t)
        Parallel.forEachChunk(count: batch) { b in
            let rows = qkv + b * t * 3 * d
            withUnsafeTemporaryAllocation(of: Self.self, capacity: (d + 4) * padded) { scratch in
              let (allKeys, scores) = (scratch.baseAddress!, scratch.baseAddress! + d * padded)
              // All heads' keys at once: one sequential pass over the sequence's rows.
              transpose(rows + d, rowStride: 3 * d, rows: t, columns: d, into: allKeys, leading: padded)
              for h in 0..<heads {
                let (q, v, keys) = (rows + h * hd, rows + 2 * d + h * hd, UnsafePointer(allKeys + h * hd * padded))
                let o = output + b * t * d + h * hd
                let p = probabilities + (b * heads + h) * t * t
                // Rows in groups of four: their score chains, then their output chains, run side by side.
                for first in stride(from: 0, to: t, by: 4) {
                    let last = Swift.min(first + 3, t - 1)
                    dotProducts(q, rowStride: 3 * d, first: first, last: last, with: keys, leading: padded, features: hd,
                                positions: last + 1, into: scores, scoreStride: padded)
                    for row in first...last {
                        let (rowScores, weights, visible) = (scores + (row - first) * padded, p + row * t, row + 1)
                        for s in 0..<visible { rowScores[s] *= scale }
                        softmax(rowScores, rows: 1, cols: visible, into: weights)
                        (weights + visible).update(repeating: 0, count: t - visible)
                    }
                    let (m, weights) = (members(first, last), UnsafePointer(p))
                    forEachFeatureBlock(hd) { i, lanes in   // o_t = Σ_{s ≤ t} p_s·v_s
                        var c = FourChains<Self>()
                        fmaChains(&c, coefficients: (weights + m[0] * t, weights + m[1] * t, weights + m[2] * t, weights + m[3] * t),
                                  coefficientStride: 1, lower: .zero, upper: m, vectors: v + i, vectorStride: 3 * d, lanes: lanes)
                        transfer(&c, o + i, stride: d, first: first, last: last, lanes: lanes, load: false)
                    }
                }
              }
            }
        }
    }

    @inlinable
    public static func causalAttentionBackward(
        qkv: UnsafePointer<Self>, probabilities: UnsafePointer<Self>, outputGradient gOutput: UnsafePointer<Self>,
        batch: Int, length: Int, heads: Int, headWidth: Int, scale: Self,
        accumulatingInto gqkv: UnsafeMutablePointer<Self>
    ) {
        let (t, hd) = (length, headWidth)
        let d = heads * hd
        let padded = paddedLength(t)
        Parallel.forEachChunk(count: batch) { b in
            let rows = qkv + b * t * 3 * d, gRows = gqkv + b * t * 3 * d
            // dS has three spare rows: a last, partial group of rows still writes four rows of dot products.
            withUnsafeTemporaryAllocation(of: Self.self, capacity: (d + t + 3) * padded) { scratch in
              let (allValues, dS) = (scratch.baseAddress!, scratch.baseAddress! + d * padded)
              // All heads' values at once: one sequential pass over the sequence's rows.
              transpose(rows + 2 * d, rowStride: 3 * d, rows: t, columns: d, into: allValues, leading: padded)
              for h in 0..<heads {
                let (q, k, values) = (rows + h * hd, rows + d + h * hd, UnsafePointer(allValues + h * hd * padded))
                let (gq, gk, gv) = (gRows + h * hd, gRows + d + h * hd, gRows + 2 * d + h * hd)
                let gO = gOutput + b * t * d + h * hd
                let p = probabilities + (b * heads + h) * t * t
                for first in stride(from: 0, to: t, by: 4) {   // dP by the same dot products as the forward scores
                    let last = Swift.min(first + 3, t - 1)
                    dotProducts(gO, rowStride: d, first: first, last: last, with: values, leading: padded, features: hd,
                                positions: last + 1, into: dS + first * padded, scoreStride: padded)
                    for row in first...last {
                        let (weights, gradient, visible) = (p + row * t, dS + row * padded, row + 1)
                        let c = fixedOrderDot(weights, UnsafePointer(gradient), count: visible)
                        for s in 0..<visible { gradient[s] = (weights[s] * (gradient[s] - c)) * scale }
                    }
                }
                let (end, dSr) = (SIMD4(repeating: t - 1), UnsafePointer(dS))
                forEachFeatureBlock(hd) { i, lanes in
                    for first in stride(from: 0, to: t, by: 4) {
                        let last = Swift.min(first + 3, t - 1), m = members(first, last)
                        var c = FourChains<Self>()
                        // gq_t += Σ_{s ≤ t} dS[t, s]·k_s: rows of the triangle.
                        transfer(&c, gq + i, stride: 3 * d, first: first, last: last, lanes: lanes, load: true)
                        fmaChains(&c, coefficients: (dSr + m[0] * padded, dSr + m[1] * padded, dSr + m[2] * padded, dSr + m[3] * padded),
                                  coefficientStride: 1, lower: .zero, upper: m, vectors: k + i, vectorStride: 3 * d, lanes: lanes)
                        transfer(&c, gq + i, stride: 3 * d, first: first, last: last, lanes: lanes, load: false)
                        // gk_s += Σ_{t ≥ s} dS[t, s]·q_t: columns of the triangle.
                        transfer(&c, gk + i, stride: 3 * d, first: first, last: last, lanes: lanes, load: true)
                        fmaChains(&c, coefficients: (dSr + m[0], dSr + m[1], dSr + m[2], dSr + m[3]), coefficientStride: padded,
                                  lower: m, upper: end, vectors: q + i, vectorStride: 3 * d, lanes: lanes)
                        transfer(&c, gk + i, stride: 3 * d, first: first, last: last, lanes: lanes, load: false)
                        // gv_s += Σ_{t ≥ s} P[t, s]·dO_t.
                        transfer(&c, gv + i, stride: 3 * d, first: first, last: last, lanes: lanes, load: true)
                        fmaChains(&c, coefficients: (p + m[0], p + m[1], p + m[2], p + m[3]), coefficientStride: t,
                                  lower: m, upper: end, vectors: gO + i, vectorStride: d, lanes: lanes)
                        transfer(&c, gv + i, stride: 3 * d, first: first, last: last, lanes: lanes, load: false)
                    }
                }
              }
            }
        }
    }
}

extension Float: CausalAttentionKernels {}
extension Double: CausalAttentionKernels {}
