// Specs/model.md, "Sampling": choosing a token (greedy, temperature, top-p).
import Kernels

/// The choice of one token from one row of logits: greedy, or temperature and nucleus (top-p) sampling.
public enum TokenChoice {
    /// The token drawn from `logits` (one per vocabulary entry) with `uniform` in [0, 1).
    ///
    /// - temperature 0: the argmax, the smallest id among equal maxima (`uniform` is unused).
    /// - otherwise p = softmax(logits / temperature) (the `softmax` kernel; temperature 1 divides by 1,
    ///   which changes nothing, so it is skipped); when topP < 1 the nucleus is built in the order
    ///   (probability descending, then id ascending): a token is in it when the mass of the tokens before it
    ///   in that order (summed left to right) is below topP · (their total). The draw is
    ///   `sampleCategorical` over the nucleus's probabilities in id order (others weigh 0), so the same
    ///   uniform gives the same token whatever the batch.
    public static func choose<Scalar: KernelScalar>(logits: [Scalar], temperature: Double, topP: Double, uniform: Scalar) -> Int {
        precondition(!logits.isEmpty, "TokenChoice: no logits")
        return logits.withUnsafeBufferPointer { logits in
            withUnsafeTemporaryAllocation(of: Scalar.self, capacity: logits.count) { scratch in
                choose(logits: logits.baseAddress!, count: logits.count, temperature: temperature, topP: topP,
                       uniform: uniform, scratch: scratch.baseAddress!)
            }
        }
    }

    /// `choose(logits:temperature:topP:uniform:)` on a row of `count` logits in place, with `scratch` of
    /// `count` scalars: no allocation unless topP < 1.
    static func choose<Scalar: KernelScalar>(
        logits: UnsafePointer<Scalar>, count: Int, temperature: Double, topP: Double, uniform: Scalar,
        scratch p: UnsafeMutablePointer<Scalar>
    ) -> Int {
        if temperature == 0 {
            var best = 0
            for v in 1..<count where logits[v] > logits[best] { best = v }
            return best
        }
        if temperature == 1 {
            Scalar.softmax(logits, rows: 1, cols: count, into: p)
        } else {
            let t = Scalar(temperature)
            for v in 0..<count { p[v] = logits[v] / t }
            Scalar.softmax(p, rows: 1, cols: count, into: p)
        }
        if topP < 1 {
            let order = (0..<count).sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
            let total = order.reduce(Scalar(0)) { $0 + p[$1] }
            let bound = Scalar(topP) * total
            var before: Scalar = 0
            var inNucleus = [Bool](repeating: false, count: count)
            for v in order {
                guard before < bound else { break }
                inNucleus[v] = true
                before += p[v]
            }
            for v in 0..<count where !inNucleus[v] { p[v] = 0 }
        }
        return Scalar.sampleCategorical(probabilities: p, count: count, uniform: uniform)
    }
}
