// Specs/vapo.md, "VinePPO's Monte-Carlo values".

/// VinePPO's step-level advantages of one response (Kazemnejad et al., arXiv 2410.01679, "VinePPO"; their
/// code's `_compute_step_advantages`): the response's n tokens are cut at the boundaries 0 = b_0 < b_1 < … <
/// b_m < n into the segments [b_i, b_{i+1}) (b_{m+1} = n), and every token t of segment i gets
///
///     A_t = V̂(b_{i+1}) − V̂(b_i),   V̂(b_{m+1}) = V̂(n) = `reward`
///
/// where V̂(b_i) = `values[i]` is the value of the state before response token b_i (the prompt and the first
/// b_i response tokens; VinePPO's Monte-Carlo estimate). This is TD(0) of the segment-level MDP with γ = 1 and
/// the reward at the last segment, δ_i = r_i + V̂(b_{i+1}) − V̂(b_i) with V(after the end) = 0, as VinePPO
/// computes it (no discount: its code has none); so the advantages of the segments telescope to
/// `reward` − V̂(0).
///
/// Response token k is the k-th valid position of `mask` (the layout of `gae`: one entry per token of the
/// sequence, true at the response's tokens); masked positions get 0. Each advantage is one subtraction, so on
/// exact rationals it is exact and in floating point within half an ulp of it.
///
/// - Precondition: `boundaries` and `values` have the same length; `boundaries` starts at 0, increases
///   strictly and ends below n (an empty response, n = 0, has the one boundary 0).
public func vinePPOAdvantages<S: RLScalar>(mask: [Bool], boundaries: [Int], values: [S], reward: S) -> [S] {
    requireSameLength([("boundaries", boundaries.count), ("values", values.count)], in: "vinePPOAdvantages")
    let positions = mask.indices.filter { mask[$0] }
    requireBoundaries(boundaries, length: positions.count, in: "vinePPOAdvantages")
    var advantages = [S](repeating: .zero, count: mask.count)
    for (i, start) in boundaries.enumerated() {
        let last = i + 1 == boundaries.count
        let end = last ? positions.count : boundaries[i + 1]
        let advantage = (last ? reward : values[i + 1]) - values[i]
        for k in start..<end { advantages[positions[k]] = advantage }
    }
    return advantages
}

/// Segment boundaries every `interval` tokens of a response of `length` tokens: 0, k, 2k, … below `length`
/// (just 0 when `length` ≤ `interval`, so the whole response is one segment; 0 for an empty response).
///
/// - Precondition: `interval` ≥ 1 and `length` ≥ 0.
public func stepBoundaries(length: Int, every interval: Int) -> [Int] {
    require(interval >= 1, "stepBoundaries: interval must be ≥ 1, got \(interval)")
    require(length >= 0, "stepBoundaries: length must be ≥ 0, got \(length)")
    return Array(stride(from: 0, to: max(length, 1), by: interval))
}

/// Segment boundaries at the given positions of a response of `length` tokens: 0 and every position in
/// 1 ..< `length`, sorted, each once. A position equal to `length` is the response's end, not a boundary, and
/// is dropped.
///
/// - Precondition: `length` ≥ 0 and every position is in 0 ... `length`.
public func stepBoundaries(length: Int, at positions: [Int]) -> [Int] {
    require(length >= 0, "stepBoundaries: length must be ≥ 0, got \(length)")
    if let bad = positions.first(where: { $0 < 0 || $0 > length }) {
        require(false, "stepBoundaries: position \(bad) must be in 0...\(length)")
    }
    return [0] + Set(positions.filter { $0 > 0 && $0 < length }).sorted()
}

/// Segment boundaries after each delimiter of a response: a new segment starts after every token of
/// `tokens` that is in `delimiters` (the reasoning steps of a trace, e.g. `|`-separated), so the delimiter
/// closes its segment. `stepBoundaries(length: tokens.count, at:)` of those positions.
public func stepBoundaries<T: Hashable>(tokens: [T], after delimiters: Set<T>) -> [Int] {
    stepBoundaries(length: tokens.count, at: tokens.indices.filter { delimiters.contains(tokens[$0]) }.map { $0 + 1 })
}

/// Whether `boundaries` are segment boundaries of a response of `length` tokens, as `vinePPOAdvantages` needs
/// them: starting at 0, increasing strictly and ending below `length` (just 0 for an empty response).
public func areStepBoundaries(_ boundaries: [Int], length: Int) -> Bool {
    boundaries.first == 0 && zip(boundaries, boundaries.dropFirst()).allSatisfy { $0 < $1 } && boundaries.last! < max(length, 1)
}

/// Checks VinePPO's segment boundaries of a response of `length` tokens (`vinePPOAdvantages`).
@inline(__always)
func requireBoundaries(_ boundaries: [Int], length: Int, in function: String) {
    require(
        areStepBoundaries(boundaries, length: length),
        "\(function): boundaries \(boundaries) must start at 0, increase strictly and end below the response's \(length) tokens")
}
