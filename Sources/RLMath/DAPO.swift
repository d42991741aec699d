// Specs/rl-math.md, "DAPO": the soft overlong punishment.
/// DAPO's soft overlong punishment (arXiv 2503.14476, §3.4 "Overlong Reward Shaping"), a length-dependent
/// reward added to the task reward, with L_max = `maxLength` and L_cache = `cacheLength`:
///
///     R_len(|y|) = 0                               |y| ≤ L_max − L_cache
///                  ((L_max − L_cache) − |y|)/L_cache   L_max − L_cache < |y| ≤ L_max
///                  −1                              |y| > L_max
///
/// The middle branch falls linearly from 0 (exclusive) to −1 at |y| = L_max; it is one correctly rounded
/// division of two integers, so exact on rationals (and in floating point while the integers are exact).
/// With L_cache = 0 the middle interval is empty.
///
/// - Precondition: `length` ≥ 0, 0 ≤ `cacheLength` ≤ `maxLength`.
public func softOverlongPunishment<S: RLScalar>(length: Int, maxLength: Int, cacheLength: Int) -> S {
    require(length >= 0, "softOverlongPunishment: length must be ≥ 0, got \(length)")
    require(
        cacheLength >= 0 && cacheLength <= maxLength,
        "softOverlongPunishment: cacheLength must be in [0, maxLength = \(maxLength)], got \(cacheLength)")
    let start = maxLength - cacheLength
    if length <= start { return .zero }
    if length <= maxLength { return S(start - length) / S(cacheLength) }
    return -S.one
}

/// DAPO's overlong filtering (§3.4): the loss mask of a truncated response (one that reached the length
/// limit without finishing) is all false, so it contributes nothing to the loss; other masks are unchanged.
public func overlongFilteredMask(_ mask: [Bool], truncated: Bool) -> [Bool] {
    truncated ? mask.map { _ in false } : mask
}

/// DAPO's dynamic sampling (§3.2; the constraint 0 < |{o_i correct}| < G of its objective): keep a group
/// iff it has two different rewards. A group of one, or one whose rewards are all equal (accuracy 0 or 1),
/// has zero advantage everywhere and is dropped.
public func dynamicSamplingKeepsGroup<S: RLScalar>(rewards: [S]) -> Bool {
    guard let first = rewards.first else { return false }
    return rewards.contains { $0 != first }
}
