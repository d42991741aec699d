// Specs/kernels.md, "Causal attention".
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
/// head after head. A chunk copies its sequence's rows (and output gradient) into scratch in one sequential
/// pass, which the hardware prefetches, and writes its qkv gradient back in one, instead of touching them
/// head by head in short strided pieces.
///
/// Forward order (normative, and the same as `cachedAttention`, so that a KV-cache row equals the full
/// pass bit for bit): score s of query t is one FMA chain over the head's features in increasing order
/// from +0, then multiplied by `scale`; the weights of row t are the `softmax` kernel over the t + 1
/// visible positions (computed as the kernel over a longer row whose other entries are −∞, which gives the
/// same bits; `probabilities` holds exactly 0 at s > t); output feature i is one FMA chain
/// fma(p_s, v_s[i], ·) over s = 0 … t from +0.
///
/// Backward order (per chunk; gradients accumulate into `gqkv`, llm.c's `+=` convention, or overwrite it):
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
        let head = HeadLayout(length: length, heads: heads, headWidth: headWidth)
        Parallel.forEachChunk(count: batch) { b in
            // The sequence's rows, then a few KiB reused by every head (its keys transposed, four rows of scores).
            let rows = length * 3 * head.width
            let scratch = UnsafeMutablePointer<Self>.allocate(capacity: rows + (headWidth + 4) * head.padded)
            defer { scratch.deallocate() }
            scratch.update(from: qkv + b * rows, count: rows)
            for h in 0..<heads {
                attendHead(
                    UnsafePointer(scratch) + h * headWidth, head, scale: scale,
                    into: output + b * length * head.width + h * headWidth,
                    probabilities: probabilities + (b * heads + h) * length * length, scratch: scratch + rows)
            }
        }
    }

    @inlinable
    public static func causalAttentionBackward(
        qkv: UnsafePointer<Self>, probabilities: UnsafePointer<Self>, outputGradient gOutput: UnsafePointer<Self>,
        batch: Int, length: Int, heads: Int, headWidth: Int, scale: Self,
        into gqkv: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        let head = HeadLayout(length: length, heads: heads, headWidth: headWidth)
        Parallel.forEachChunk(count: batch) { b in
            // The sequence's rows, qkv gradient and output gradient, then what every head reuses (its values
            // transposed, and dS with three spare rows: a last, partial group of rows still writes four rows).
            let (rows, outputRows) = (length * 3 * head.width, length * head.width)
            let scratch = UnsafeMutablePointer<Self>.allocate(capacity: 2 * rows + outputRows + (headWidth + length + 3) * head.padded)
            defer { scratch.deallocate() }
            let (copy, gradient, outputGradient) = (scratch, scratch + rows, scratch + 2 * rows)
            copy.update(from: qkv + b * rows, count: rows)
            outputGradient.update(from: gOutput + b * outputRows, count: outputRows)
            if accumulate { gradient.update(from: gqkv + b * rows, count: rows) }
            for h in 0..<heads {
                attendHeadBackward(
                    UnsafePointer(copy) + h * headWidth, head, probabilities: probabilities + (b * heads + h) * length * length,
                    outputGradient: UnsafePointer(outputGradient) + h * headWidth, scale: scale,
                    into: gradient + h * headWidth, accumulate: accumulate, scratch: outputGradient + outputRows)
            }
            (gqkv + b * rows).update(from: gradient, count: rows)
        }
    }

    /// One head of one sequence, forward: `qkv` points at the head's query in the sequence's first row (its
    /// key and value are `width` and 2·`width` further on), `output` at the head's first output feature.
    @inlinable @inline(__always)
    static func attendHead(
        _ qkv: UnsafePointer<Self>, _ head: HeadLayout, scale: Self, into output: UnsafeMutablePointer<Self>,
        probabilities p: UnsafeMutablePointer<Self>, scratch: UnsafeMutablePointer<Self>
    ) {
        let (t, rowStride, padded) = (head.length, head.qkvRowStride, head.padded)
        let (q, v, keys, scores) = (qkv, qkv + 2 * head.width, scratch, scratch + head.headWidth * padded)
        transpose(qkv + head.width, rowStride: rowStride, rows: t, columns: head.headWidth, into: keys, leading: padded)
        // Rows in groups of four: their score chains, then their output chains, run side by side.
        for first in stride(from: 0, to: t, by: 4) {
            let last = Swift.min(first + 3, t - 1)
            // The group's scores as rows of `width` (the longest row, rounded up to whole vectors), the masked
            // entries −∞: one softmax call for the group gives every row exactly the weights of a softmax over
            // its visible entries alone (the −∞ entries add exact zeros to the max, the sum and the output).
            let width = wholeVectors(last + 1)
            dotProducts(q, rowStride: rowStride, first: first, last: last, with: keys, leading: padded,
                        features: head.headWidth, positions: last + 1, into: scores, scoreStride: width)
            for row in first...last {
                let rowScores = scores + (row - first) * width
                for s in stride(from: 0, to: row + 1, by: 16) { rowScores.store16(rowScores.load16(s) * scale, s) }
                (rowScores + row + 1).update(repeating: -.infinity, count: width - row - 1)
            }
            softmax(scores, rows: last - first + 1, cols: width, into: scores)
            for row in first...last {
                let weights = p + row * t, copied = Swift.min(width, t)
                weights.update(from: scores + (row - first) * width, count: copied)
                (weights + copied).update(repeating: 0, count: t - copied)
            }
            let (m, weights) = (members(first, last), UnsafePointer(p))
            forEachFeaturePair(head.headWidth) { i, lanes in   // o_t = Σ_{s ≤ t} p_s·v_s
                var c = FourChains<Self>()
                fmaChains(&c, coefficients: (weights + m[0] * t, weights + m[1] * t, weights + m[2] * t, weights + m[3] * t),
                          coefficientStride: 1, lower: .zero, upper: m, vectors: v + i, vectorStride: rowStride, lanes: lanes)
                transfer(&c, output + i, stride: head.width, first: first, last: last, lanes: lanes, .store)
            }
        }
    }

    /// One head of one sequence, backward (pointers as in `attendHead`; `gqkv` like `qkv`).
    @inlinable @inline(__always)
    static func attendHeadBackward(
        _ qkv: UnsafePointer<Self>, _ head: HeadLayout, probabilities p: UnsafePointer<Self>,
        outputGradient gO: UnsafePointer<Self>, scale: Self, into gqkv: UnsafeMutablePointer<Self>, accumulate: Bool,
        scratch: UnsafeMutablePointer<Self>
    ) {
        let (t, rowStride, padded, d) = (head.length, head.qkvRowStride, head.padded, head.width)
        let (q, k, values, dS) = (qkv, qkv + d, scratch, scratch + head.headWidth * padded)
        let (gq, gk, gv) = (gqkv, gqkv + d, gqkv + 2 * d)
        transpose(qkv + 2 * d, rowStride: rowStride, rows: t, columns: head.headWidth, into: values, leading: padded)
        for first in stride(from: 0, to: t, by: 4) {   // dP by the same dot products as the forward scores
            let last = Swift.min(first + 3, t - 1)
            dotProducts(gO, rowStride: d, first: first, last: last, with: values, leading: padded,
                        features: head.headWidth, positions: last + 1, into: dS + first * padded, scoreStride: padded)
            for row in first...last {
                let (weights, gradient, visible) = (p + row * t, dS + row * padded, row + 1)
                let c = fixedOrderDot(weights, UnsafePointer(gradient), count: visible)
                for s in stride(from: 0, to: visible, by: 16) {   // lanes past `visible` are never read
                    let w = weights.load16(s, count: visible - s, padding: 0)
                    gradient.store16((w * (gradient.load16(s) - c)) * scale, s)
                }
            }
        }
        let (end, dSr, start) = (SIMD4(repeating: t - 1), UnsafePointer(dS), accumulate ? ChainTransfer.load : .reset)
        forEachFeaturePair(head.headWidth) { i, lanes in
            for first in stride(from: 0, to: t, by: 4) {
                let last = Swift.min(first + 3, t - 1), m = members(first, last)
                var c = FourChains<Self>()
                // gq_t += Σ_{s ≤ t} dS[t, s]·k_s: rows of the triangle.
                transfer(&c, gq + i, stride: rowStride, first: first, last: last, lanes: lanes, start)
                fmaChains(&c, coefficients: (dSr + m[0] * padded, dSr + m[1] * padded, dSr + m[2] * padded, dSr + m[3] * padded),
                          coefficientStride: 1, lower: .zero, upper: m, vectors: k + i, vectorStride: rowStride, lanes: lanes)
                transfer(&c, gq + i, stride: rowStride, first: first, last: last, lanes: lanes, .store)
                // gk_s += Σ_{t ≥ s} dS[t, s]·q_t: columns of the triangle.
                transfer(&c, gk + i, stride: rowStride, first: first, last: last, lanes: lanes, start)
                fmaChains(&c, coefficients: (dSr + m[0], dSr + m[1], dSr + m[2], dSr + m[3]), coefficientStride: padded,
                          lower: m, upper: end, vectors: q + i, vectorStride: rowStride, lanes: lanes)
                transfer(&c, gk + i, stride: rowStride, first: first, last: last, lanes: lanes, .store)
                // gv_s += Σ_{t ≥ s} P[t, s]·dO_t.
                transfer(&c, gv + i, stride: rowStride, first: first, last: last, lanes: lanes, start)
                fmaChains(&c, coefficients: (p + m[0], p + m[1], p + m[2], p + m[3]), coefficientStride: t,
                          lower: m, upper: end, vectors: gO + i, vectorStride: d, lanes: lanes)
                transfer(&c, gv + i, stride: rowStride, first: first, last: last, lanes: lanes, .store)
            }
        }
    }
}

/// The extents of one attention head's data in the fused layout.
@usableFromInline
struct HeadLayout {
    @usableFromInline let length: Int, headWidth: Int, width: Int
    /// Scalars from one row of qkv to the next (3·width).
    @usableFromInline var qkvRowStride: Int { 3 * width }
    /// `length` rounded up to whole SIMD16 vectors: the row stride of transposed keys (values) and of dS.
    @usableFromInline var padded: Int { wholeVectors(length) }

    @inlinable init(length: Int, heads: Int, headWidth: Int) {
        (self.length, self.headWidth, self.width) = (length, headWidth, heads * headWidth)
    }
}

extension Float: CausalAttentionKernels {}
extension Double: CausalAttentionKernels {}
