import Kernels

/// The choice of one token from one row of logits: greedy, or temperature and nucleus (top-p) sampling.
public enum TokenChoice {
    /// The token drawn from `logits` (one per vocabulary entry) with `uniform` in [0, 1).
    ///
    /// - temperature 0: the argmax, the smallest id among equal maxima (`uniform` is unused).
    /// - otherwise p = softmax(logits / temperature) (the `softmax` kernel); when topP < 1 the nucleus is
    ///   built in the order (probability descending, then id ascending): a token is in it when the mass of
    ///   the tokens before it in that order (summed left to right) is below topP · (their total). The draw is
    ///   `sampleCategorical` over the nucleus's probabilities in id order (others weigh 0), so the same
    ///   uniform gives the same token whatever the batch.
    public static func choose<Scalar: KernelScalar>(logits: [Scalar], temperature: Double, topP: Double, uniform: Scalar) -> Int {
        precondition(!logits.isEmpty, "TokenChoice: no logits")
        if temperature == 0 {
            var best = 0
            for v in 1..<logits.count where logits[v] > logits[best] { best = v }
            return best
        }
        let t = Scalar(temperature)
        let scaled = logits.map { $0 / t }
        var p = [Scalar](repeating: 0, count: logits.count)
        scaled.withUnsafeBufferPointer { x in
            p.withUnsafeMutableBufferPointer { Scalar.softmax(x.baseAddress!, rows: 1, cols: logits.count, into: $0.baseAddress!) }
        }
        if topP < 1 {
            let order = p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
            let total = order.reduce(Scalar(0)) { $0 + p[$1] }
            let bound = Scalar(topP) * total
            var before: Scalar = 0
            var weights = [Scalar](repeating: 0, count: p.count)
            for v in order {
                guard before < bound else { break }
                weights[v] = p[v]
                before += p[v]
            }
            p = weights
        }
        return p.withUnsafeBufferPointer { Scalar.sampleCategorical(probabilities: $0.baseAddress!, count: p.count, uniform: uniform) }
    }
}
