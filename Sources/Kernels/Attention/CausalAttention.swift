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
/// head after head.
///
/// Forward order (normative, and the same as `cachedAttention`, so that a KV-cache row equals the full
/// pass bit for bit): score s of query t is one FMA chain over the head's features in increasing order
/// from +0, then multiplied by `scale`; the weights of row t are the `softmax` kernel over the t + 1
/// visible positions (computed as the kernel over a longer row whose other entries are −∞, which gives the
/// same bits; `probabilities` holds exactly 0 at s > t); output feature i is one FMA chain
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

    /// Adds into `gqkv` ([batch, length, 3·width]) the gradient of the forward pass given the gradient
    /// `gOutput` of its output, from the forward's `qkv` and `probabilities`; with `accumulate` false,
    /// overwrites it instead (every chain then starts from +0, the same bits as adding into zeros).
    static func causalAttentionBackward(
        qkv: UnsafePointer<Self>, probabilities: UnsafePointer<Self>, outputGradient gOutput: UnsafePointer<Self>,
        batch: Int, length: Int, heads: Int, headWidth: Int, scale: Self,
        into gqkv: UnsafeMutablePointer<Self>, accumulate: Bool)
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
            // Scratch of a few KiB per head (the head's keys transposed, four rows of scores), so that it stays
            // in L1 beside the rows being read.
            withUnsafeTemporaryAllocation(of: Self.self, capacity: (hd + 4) * padded) { scratch in
              let (transposedKeys, scores) = (scratch.baseAddress!, scratch.baseAddress! + hd * padded)
              for h in 0..<heads {
                let (q, v, keys) = (rows + h * hd, rows + 2 * d + h * hd, UnsafePointer(transposedKeys))
                transpose(rows + d + h * hd, rowStride: 3 * d, rows: t, columns: hd, into: transposedKeys, leading: padded)
                let o = output + b * t * d + h * hd
                let p = probabilities + (b * heads + h) * t * t
                // Rows in groups of four: their score chains, then their output chains, run side by side.
                for first in stride(from: 0, to: t, by: 4) {
                    let last = Swift.min(first + 3, t - 1)
                    // The group's scores as rows of `width` (the longest row, rounded up to whole vectors), the
                    // masked entries −∞: one softmax call for the group gives every row exactly the weights
                    // of a softmax over its visible entries alone (the −∞ entries add exact zeros to the sum).
                    let width = paddedLength(last + 1)
                    dotProducts(q, rowStride: 3 * d, first: first, last: last, with: keys, leading: padded, features: hd,
                                positions: last + 1, into: scores, scoreStride: width)
                    for row in first...last {
                        let rowScores = scores + (row - first) * width
                        for s in 0...row { rowScores[s] *= scale }
                        (rowScores + row + 1).update(repeating: -.infinity, count: width - row - 1)
                    }
                    softmax(scores, rows: last - first + 1, cols: width, into: scores)
                    for row in first...last {
                        let weights = p + row * t, copied = Swift.min(width, t)
                        weights.update(from: scores + (row - first) * width, count: copied)
                        (weights + copied).update(repeating: 0, count: t - copied)
                    }
                    let (m, weights) = (members(first, last), UnsafePointer(p))
                    forEachFeaturePair(hd) { i, lanes in   // o_t = Σ_{s ≤ t} p_s·v_s
                        var c = FourChains<Self>()
                        fmaChains(&c, coefficients: (weights + m[0] * t, weights + m[1] * t, weights + m[2] * t, weights + m[3] * t),
                                  coefficientStride: 1, lower: .zero, upper: m, vectors: v + i, vectorStride: 3 * d, lanes: lanes)
                        transfer(&c, o + i, stride: d, first: first, last: last, lanes: lanes, .store)
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
        into gqkv: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        let (t, hd) = (length, headWidth)
        let d = heads * hd
        let padded = paddedLength(t)
        Parallel.forEachChunk(count: batch) { b in
            let rows = qkv + b * t * 3 * d, gRows = gqkv + b * t * 3 * d
            // dS has three spare rows: a last, partial group of rows still writes four rows of dot products.
            withUnsafeTemporaryAllocation(of: Self.self, capacity: (hd + t + 3) * padded) { scratch in
              let (transposedValues, dS) = (scratch.baseAddress!, scratch.baseAddress! + hd * padded)
              for h in 0..<heads {
                let (q, k, values) = (rows + h * hd, rows + d + h * hd, UnsafePointer(transposedValues))
                transpose(rows + 2 * d + h * hd, rowStride: 3 * d, rows: t, columns: hd, into: transposedValues, leading: padded)
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
                forEachFeaturePair(hd) { i, lanes in
                    for first in stride(from: 0, to: t, by: 4) {
                        let last = Swift.min(first + 3, t - 1), m = members(first, last)
                        var c = FourChains<Self>()
                        // gq_t += Σ_{s ≤ t} dS[t, s]·k_s: rows of the triangle.
                        transfer(&c, gq + i, stride: 3 * d, first: first, last: last, lanes: lanes, accumulate ? .load : .reset)
                        fmaChains(&c, coefficients: (dSr + m[0] * padded, dSr + m[1] * padded, dSr + m[2] * padded, dSr + m[3] * padded),
                                  coefficientStride: 1, lower: .zero, upper: m, vectors: k + i, vectorStride: 3 * d, lanes: lanes)
                        transfer(&c, gq + i, stride: 3 * d, first: first, last: last, lanes: lanes, .store)
                        // gk_s += Σ_{t ≥ s} dS[t, s]·q_t: columns of the triangle.
                        transfer(&c, gk + i, stride: 3 * d, first: first, last: last, lanes: lanes, accumulate ? .load : .reset)
                        fmaChains(&c, coefficients: (dSr + m[0], dSr + m[1], dSr + m[2], dSr + m[3]), coefficientStride: padded,
                                  lower: m, upper: end, vectors: q + i, vectorStride: 3 * d, lanes: lanes)
                        transfer(&c, gk + i, stride: 3 * d, first: first, last: last, lanes: lanes, .store)
                        // gv_s += Σ_{t ≥ s} P[t, s]·dO_t.
                        transfer(&c, gv + i, stride: 3 * d, first: first, last: last, lanes: lanes, accumulate ? .load : .reset)
                        fmaChains(&c, coefficients: (p + m[0], p + m[1], p + m[2], p + m[3]), coefficientStride: t,
                                  lower: m, upper: end, vectors: gO + i, vectorStride: d, lanes: lanes)
                        transfer(&c, gv + i, stride: 3 * d, first: first, last: last, lanes: lanes, .store)
                    }
                }
              }
            }
        }
    }
}

extension Float: CausalAttentionKernels {}
extension Double: CausalAttentionKernels {}
