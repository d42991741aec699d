// Specs/rl-math.md, "Whitening".
/// Masked whitening over ALL valid tokens of a batch (verl's `masked_whiten`, made total): with n valid
/// tokens, mean μ and unbiased variance s² = Σ (x − μ)²/(n − 1),
///
///     n ≥ 2: x ↦ (x − μ)/√(s² + 1e-8)        n = 1: the single value becomes 0        n = 0: nothing to do
///
/// and masked positions output 0. Defined for every mask (verl divides by n − 1 = 0 for one valid token and
/// returns NaN); finite inputs whose sums do not overflow never give NaN. Both sums run sequence by sequence,
/// token by token, in one running sum (so the result depends only on the batch's values and order).
///
/// - Precondition: `values` and `masks` have one entry per sequence, and each sequence the same length as
///   its mask.
public func whiten<S: RLRealScalar>(_ values: [[S]], masks: [[Bool]]) -> [[S]] {
    requireSameLength([("values", values.count), ("masks", masks.count)], in: "whiten")
    for i in masks.indices {
        requireSameLength([("values[\(i)]", values[i].count), ("masks[\(i)]", masks[i].count)], in: "whiten")
    }
    var n = 0
    var sum = S.zero
    for (x, mask) in zip(values, masks) {
        for t in mask.indices where mask[t] {
            n += 1
            sum = sum + x[t]
        }
    }
    var result = masks.map { [S](repeating: .zero, count: $0.count) }
    guard n >= 2 else { return result }
    let mean = sum / S(n)
    var squares = S.zero
    for (x, mask) in zip(values, masks) {
        for t in mask.indices where mask[t] {
            let d = x[t] - mean
            squares = squares + d * d
        }
    }
    let epsilon = S(1) / S(100_000_000)
    let scale = (squares / S(n - 1) + epsilon).squareRoot()
    for i in masks.indices {
        for t in masks[i].indices where masks[i][t] { result[i][t] = (values[i][t] - mean) / scale }
    }
    return result
}
