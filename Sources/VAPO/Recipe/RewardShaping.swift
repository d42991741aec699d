// Specs/vapo.md, "The recipe": the soft overlong punishment, one of the recipe's parts.
import RLMath

/// What is added to the verifier's score of a response before anything reads it: nothing, or DAPO's soft
/// overlong punishment (arXiv 2503.14476 §3.4), which lowers the score of a response longer than
/// L_max − L_cache tokens linearly, down to −1 at L_max, so that the policy learns to stop before truncation.
public enum RewardShaping: Sendable, Hashable, CustomStringConvertible {
    /// The verifier's score as it is.
    case none
    /// The score plus `softOverlongPunishment(length, L_max, L_cache)`.
    case softOverlongPunishment(maxLength: Int, cacheLength: Int)

    /// The shaping `configuration` switches on (`overlongPunishment`).
    public init(configuration c: TrainingConfiguration) {
        self = c.overlongPunishment ? .softOverlongPunishment(maxLength: c.overlongMaxLength, cacheLength: c.overlongCacheLength) : .none
    }

    /// The shaped score of a response of `length` tokens whose verifier score is `score`.
    public func score(_ score: Double, length: Int) -> Double {
        switch self {
        case .none: return score
        case .softOverlongPunishment(let maxLength, let cacheLength):
            return score + RLMath.softOverlongPunishment(length: length, maxLength: maxLength, cacheLength: cacheLength)
        }
    }

    public var description: String {
        switch self {
        case .none: return "none"
        case .softOverlongPunishment(let maxLength, let cacheLength): return "soft overlong punishment (L_max \(maxLength), L_cache \(cacheLength))"
        }
    }
}
