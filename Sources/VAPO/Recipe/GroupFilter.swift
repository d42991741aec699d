// Specs/vapo.md, "The recipe": dynamic sampling, one of the recipe's parts.

/// Which of a step's groups train: all of them, or, with DAPO's dynamic sampling (arXiv 2503.14476 §3.2), only
/// those whose scores differ, refilled by more sampling rounds (`DynamicSampler`).
public enum GroupFilter: Sendable, Hashable, CustomStringConvertible {
    /// Every sampled group trains.
    case none
    /// Groups whose scores are all equal are dropped and more are sampled, at most `maxRetries` rounds after
    /// the first.
    case dynamicSampling(maxRetries: Int)

    /// The filter `configuration` switches on: dynamic sampling when `filtersEqualGroups` (the switch is on and
    /// a group has two samples or more to compare).
    public init(configuration c: TrainingConfiguration) {
        self = c.filtersEqualGroups ? .dynamicSampling(maxRetries: c.dynamicSamplingMaxRetries) : .none
    }

    /// The sampler that collects `groupsWanted` groups under this filter.
    public func sampler(groupsWanted: Int) -> DynamicSampler {
        switch self {
        case .none: return DynamicSampler(groupsWanted: groupsWanted, filtersEqualGroups: false, maxRetries: 0)
        case .dynamicSampling(let maxRetries): return DynamicSampler(groupsWanted: groupsWanted, filtersEqualGroups: true, maxRetries: maxRetries)
        }
    }

    public var description: String {
        switch self {
        case .none: return "none"
        case .dynamicSampling(let maxRetries): return "dynamic sampling (at most \(maxRetries) more rounds)"
        }
    }
}
