// Benchmarks/README.md, "FLOPs and bytes of each workload": the work of a token, from the architecture.
import Transformer

/// What one token of a workload costs at least, counted from the architecture alone (not from how either
/// side computes it), so that every side's tokens/s converts to GFLOP/s and GB/s by the same factor.
///
/// FLOPs: products only, 2 per multiply-add. Elementwise work (layer norms, GELU, softmax, residual adds,
/// biases, the loss, AdamW) is not counted. A forward product of [tokens × in]·[in × out] is 2·in·out per
/// token; the backward pass is twice the forward (the input's gradient and the weight's). Attention: q·kᵀ
/// and p·v, 2·width FLOPs each per (query, key) pair, over the causal half (query t meets keys 0…t, the
/// masked half not counted), or over the cache when sampling.
extension Workload {
    /// Products of one token through the linear layers: qkv, the attention output, the MLP's two, lm_head.
    static var linearFlopsPerToken: Double {
        let c = configuration, d = Double(c.width)
        let perLayer = 2 * d * (3 * d) + 2 * d * d + 2 * d * (4 * d) + 2 * (4 * d) * d
        return Double(c.layers) * perLayer + 2 * d * Double(c.vocabulary)
    }

    /// The mean number of keys a query meets: position t (from 0) meets t + 1 keys, in training over the
    /// `length` positions of a row, in sampling over the `newTokens` positions that produce a token (the
    /// one-token prompt at position 0 is the first query).
    var meanKeysPerQuery: Double { Double((sequences == nil ? Self.length : Self.newTokens) + 1) / 2 }

    /// Attention products of one token, forward: q·kᵀ and p·v over `meanKeysPerQuery` keys in every layer.
    var attentionFlopsPerToken: Double {
        Double(Self.configuration.layers) * 2 * (2 * Double(Self.configuration.width)) * meanKeysPerQuery
    }

    /// FLOPs of one token: forward (sampling) or forward and backward, 3× the forward (training).
    var flopsPerToken: Double {
        let forward = Self.linearFlopsPerToken + attentionFlopsPerToken
        return sequences == nil ? 3 * forward : forward
    }

    /// Bytes a sampled token must read at least (nil for training): every weight once per decoding step for
    /// the whole batch (the parameters / `sequences`), and the keys and values of every cached position in
    /// every layer (`meanKeysPerQuery` positions of 2 · width Floats).
    func bytesPerToken(parameters: Int) -> Double? {
        guard let sequences else { return nil }
        let cache = Double(Self.configuration.layers) * 2 * Double(Self.configuration.width) * 4 * meanKeysPerQuery
        return Double(parameters) * 4 / Double(sequences) + cache
    }

    /// Bytes of the whole KV cache at the end of a run (nil for training): the bandwidth probe's second size.
    var kvCacheBytes: Int? {
        guard let sequences else { return nil }
        return sequences * (1 + Self.newTokens) * Self.configuration.layers * 2 * Self.configuration.width * 4
    }
}
