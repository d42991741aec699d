// Specs/kernels.md, "Distributions": categorical sampling.
/// Categorical sampling by inverse transform on a fixed left-to-right running sum.
///
/// The running sum and the total are the same sequence of additions, so the last running sum equals the
/// total bit for bit; u < 1 then puts the threshold u·total below it (round to nearest cannot reach total
/// unless total is subnormal, in which case the last positive-weight index is returned). A zero weight
/// leaves the running sum unchanged, so it can never be the first index to exceed the threshold.
extension RandomKernels {
    @inlinable
    public static func sampleCategorical(probabilities: UnsafePointer<Self>, count: Int, uniform u: Self) -> Int {
        sampleCategorical(count: count, uniform: u) { start in
            probabilities.load16(start, count: count - start, padding: 0)
        }
    }

    @inlinable
    public static func sampleCategorical(
        logits: UnsafePointer<Self>, count: Int, temperature: Self, uniform u: Self
    ) -> Int {
        precondition(temperature > 0 && temperature.isFinite,
                     "sampleCategorical: temperature \(temperature) must be positive and finite")
        var largest = -Self.infinity
        for i in 0..<count where logits[i] > largest { largest = logits[i] }
        precondition(largest > -Self.infinity, "sampleCategorical: no finite logit among \(count)")
        let shift = SIMD16<Self>(repeating: largest)
        let scale = SIMD16<Self>(repeating: temperature)
        return sampleCategorical(count: count, uniform: u) { start in
            let l = logits.load16(start, count: count - start, padding: -Self.infinity)
            return expOrZero((l - shift) / scale)   // −∞ exactly where l is −∞: m is finite, T > 0
        }
    }

    /// The shared inverse-transform scan; `weights(start)` gives elements start ..< start + 16 (lanes past
    /// `count` are ignored). Called twice per chunk (total, then scan): it must be deterministic.
    @inlinable @inline(__always)
    static func sampleCategorical(count: Int, uniform u: Self, weights: (Int) -> SIMD16<Self>) -> Int {
        precondition(u >= 0 && u < 1, "sampleCategorical: uniform \(u) must be in [0, 1)")
        var total: Self = 0
        for start in stride(from: 0, to: count, by: 16) {
            let w = weights(start)
            for lane in 0..<min(16, count - start) {
                precondition(w[lane] >= 0, "sampleCategorical: weight \(w[lane]) at \(start + lane) is negative")
                total += w[lane]
            }
        }
        precondition(total > 0 && total.isFinite, "sampleCategorical: total weight \(total) must be positive, finite")
        let threshold = u * total
        var running: Self = 0
        var lastPositive = 0
        for start in stride(from: 0, to: count, by: 16) {
            let w = weights(start)
            for lane in 0..<min(16, count - start) where w[lane] > 0 {
                running += w[lane]
                if running > threshold { return start + lane }
                lastPositive = start + lane
            }
        }
        return lastPositive
    }
}
