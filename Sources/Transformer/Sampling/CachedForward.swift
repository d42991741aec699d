// Specs/model.md, "Sampling": the cached forward of a batch of rows.
import Kernels

/// One row of a cached forward pass: token `token` of the sequence in cache slot `slot`, at `position`.
struct CachedRow {
    var slot: Int, position: Int, token: Int
}

/// The tape-free forward of KV-cache sampling over raw buffers, for up to `maxRows` rows at a time, with
/// the KV cache of its own sequences and every scratch buffer allocated once.
///
/// It mirrors `GPT.hidden` and `GPT.logits` op for op on each row, with the same kernels in the same
/// orders: embedding sum, and per block layer norm, fused qkv (gemm, then + bias), attention, output
/// projection (gemm, + bias), residual, layer norm, MLP (gemm, + bias, GELU, gemm, + bias), residual;
/// final layer norm; lm_head. Every step is row-independent (gemm's contract, per-row layer norm, the
/// attention of a row reads only its own sequence's cache), so a row's logits equal the full forward's bit
/// for bit, whatever the other rows (Specs/model.md, "Sampling").
final class CachedForward<Scalar: KernelScalar> {
    let weights: InferenceWeights<Scalar>
    let cache: KeyValueCache<Scalar>
    let maxRows: Int
    private let buffer: UnsafeMutablePointer<Scalar>
    private let x, normed, qkv, attended, projected, hidden, logits, mean, rstd, scratch: UnsafeMutablePointer<Scalar>

    /// A forward pass for `slots` sequences of at most `capacity` positions, `maxRows` rows per call.
    init(weights: InferenceWeights<Scalar>, slots: Int, capacity: Int, maxRows: Int) {
        let configuration = weights.configuration
        (self.weights, self.maxRows) = (weights, maxRows)
        cache = KeyValueCache(configuration: configuration, slots: slots, capacity: capacity)
        let (d, v) = (configuration.width, configuration.vocabulary)
        let sizes = [d, d, 3 * d, d, d, configuration.hiddenWidth, v, 1, 1].map { $0 * maxRows }
            + [configuration.heads * ((capacity + 15) / 16 * 16)]
        buffer = .allocate(capacity: sizes.reduce(0, +))
        var next = buffer
        var pieces: [UnsafeMutablePointer<Scalar>] = []
        for size in sizes {
            pieces.append(next)
            next += size
        }
        (x, normed, qkv, attended, projected, hidden, logits, mean, rstd, scratch) =
            (pieces[0], pieces[1], pieces[2], pieces[3], pieces[4], pieces[5], pieces[6], pieces[7], pieces[8], pieces[9])
    }

    deinit { buffer.deallocate() }

    /// The logits [rows, vocabulary] of `rows`, each row's keys and values stored in its slot's cache at its
    /// position as the row attends, in row order, so that rows of one sequence at consecutive positions may
    /// share a call (the prefill). Each row's position must equal the number of positions its slot already
    /// holds (counting this call's earlier rows). Valid until the next call.
    func logits(_ rows: UnsafeBufferPointer<CachedRow>) -> UnsafePointer<Scalar> {
        let n = rows.count
        precondition(n <= maxRows, "CachedForward: \(n) rows, at most \(maxRows)")
        let configuration = weights.configuration
        let (d, heads, hd) = (configuration.width, configuration.heads, configuration.headWidth)
        let scale = 1 / Scalar(hd).squareRoot()
        for (r, row) in rows.enumerated() {
            Scalar.add(weights.tokenEmbedding + row.token * d, weights.positionEmbedding + row.position * d, count: d, into: x + r * d)
        }
        for (layer, block) in weights.blocks.enumerated() {
            norm(x, block.attentionNorm, rows: n, into: normed)
            linear(normed, block.qkv, rows: n, into: qkv)
            for (r, row) in rows.enumerated() {
                let q = qkv + r * 3 * d
                Scalar.cachedAttention(
                    query: q, key: q + d, value: q + 2 * d, position: row.position,
                    cacheKeys: cache.keys(slot: row.slot, layer: layer), cacheValues: cache.values(slot: row.slot, layer: layer),
                    heads: heads, headWidth: hd, scale: scale, scratch: scratch, into: attended + r * d)
            }
            linear(attended, block.attentionOutput, rows: n, into: projected)
            Scalar.add(x, projected, count: n * d, into: x)
            norm(x, block.mlpNorm, rows: n, into: normed)
            linear(normed, block.up, rows: n, into: hidden)
            Scalar.gelu(hidden, count: n * configuration.hiddenWidth, into: hidden)
            linear(hidden, block.down, rows: n, into: projected)
            Scalar.add(x, projected, count: n * d, into: x)
        }
        norm(x, weights.finalNorm, rows: n, into: normed)
        linear(normed, weights.head, rows: n, into: logits)
        return UnsafePointer(logits)
    }

    private func norm(_ x: UnsafePointer<Scalar>, _ norm: InferenceWeights<Scalar>.Norm, rows: Int, into y: UnsafeMutablePointer<Scalar>) {
        Scalar.layerNorm(x, gamma: norm.scale, beta: norm.offset, rows: rows, cols: weights.configuration.width,
                         epsilon: 1e-5, into: y, mean: mean, rstd: rstd)
    }

    /// y = x · W, then y + b row by row: the full forward's matmul and its separate bias addition.
    private func linear(_ x: UnsafePointer<Scalar>, _ layer: InferenceWeights<Scalar>.Linear, rows: Int, into y: UnsafeMutablePointer<Scalar>) {
        Scalar.gemm(m: rows, n: layer.outputs, k: layer.inputs, a: x, lda: layer.inputs, packedB: layer.weight,
                    c: y, ldc: layer.outputs, accumulate: false)
        guard let bias = layer.bias else { return }
        for r in 0..<rows { Scalar.add(y + r * layer.outputs, bias, count: layer.outputs, into: y + r * layer.outputs) }
    }
}
