/// One query's attention over cached keys and values (one head of one sequence), for KV-cache sampling.
///
/// The order mirrors the full causal attention (gemm, scale, masked softmax, gemm), so a cached row equals
/// the full pass bit for bit: each score is one FMA chain over the head's features from 0, times `scale`;
/// the weights are the `softmax` kernel over the positions; each output feature is one FMA chain over the
/// positions from 0. Depends only on this query and its own cache, never on other rows.
public protocol CachedAttentionKernels: SoftmaxKernels {
    /// output[i] = Σ_s p_s · values[s, i] with p = softmax_s((Σ_i query[i] · keys[s, i]) · scale), for
    /// s < positions; keys and values are [positions, headWidth] row-major. `scratch` holds 2 · positions
    /// scalars; `output` (headWidth scalars) is overwritten.
    static func cachedAttention(
        query: UnsafePointer<Self>, keys: UnsafePointer<Self>, values: UnsafePointer<Self>, positions: Int,
        headWidth: Int, scale: Self, scratch: UnsafeMutablePointer<Self>, into output: UnsafeMutablePointer<Self>)
}

extension CachedAttentionKernels {
    @inlinable
    public static func cachedAttention(
        query: UnsafePointer<Self>, keys: UnsafePointer<Self>, values: UnsafePointer<Self>, positions: Int,
        headWidth: Int, scale: Self, scratch: UnsafeMutablePointer<Self>, into output: UnsafeMutablePointer<Self>
    ) {
        let (scores, weights) = (scratch, scratch + positions)
        for s in 0..<positions {
            let k = keys + s * headWidth
            var dot: Self = 0
            for i in 0..<headWidth { dot = dot.addingProduct(query[i], k[i]) }
            scores[s] = dot * scale
        }
        softmax(scores, rows: 1, cols: positions, into: weights)
        for i in 0..<headWidth { output[i] = 0 }
        for s in 0..<positions {
            let (w, v) = (weights[s], values + s * headWidth)
            for i in 0..<headWidth { output[i] = output[i].addingProduct(w, v[i]) }
        }
    }
}

extension Float: CachedAttentionKernels {}
extension Double: CachedAttentionKernels {}
