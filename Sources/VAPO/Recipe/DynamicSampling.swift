// Specs/vapo.md, "The loop, step by step": dynamic sampling's rounds and kept groups (step 2).
import RLMath

/// The groups of one step's rollout and what it took to collect them.
public struct CollectedGroups: Sendable {
    /// The groups kept, in the order they were sampled (at most the number wanted).
    public var groups: [[SampledResponse]]
    /// Sampling rounds run (1 without dynamic sampling).
    public var rounds: Int
    /// Groups sampled over all rounds.
    public var sampledGroups: Int
    /// Sampled groups whose responses all have the same score (a group of one counts as such).
    public var equalScoreGroups: Int
}

/// DAPO's dynamic sampling (arXiv 2503.14476 §3.2): drop every group whose scores are all equal (accuracy 0 or
/// 1: its advantages are all zero) and sample more groups until the batch is full, at most `maxRetries` rounds
/// after the first. If the cap is reached first, the step trains on the groups it has (possibly none, which
/// skips the update) rather than failing: at toy scale whole rounds of easy or hopeless prompts happen.
///
/// Without filtering, one round is sampled and every group kept.
public struct DynamicSampler: Sendable {
    /// Groups a full batch has.
    public let groupsWanted: Int
    /// Whether to drop groups with equal scores (DAPO).
    public let filtersEqualGroups: Bool
    /// Rounds allowed after the first.
    public let maxRetries: Int

    public init(groupsWanted: Int, filtersEqualGroups: Bool, maxRetries: Int) {
        self.groupsWanted = groupsWanted
        self.filtersEqualGroups = filtersEqualGroups
        self.maxRetries = maxRetries
    }

    /// Runs `round(r)` (which samples round r's groups) for r = 0, 1, … until enough groups are kept or the
    /// retries are spent; rounds are never run beyond need, and the kept groups are the first ones in order.
    public func collect<E: Error>(_ round: (Int) throws(E) -> [[SampledResponse]]) throws(E) -> CollectedGroups {
        var collected = CollectedGroups(groups: [], rounds: 0, sampledGroups: 0, equalScoreGroups: 0)
        repeat {
            let groups = try round(collected.rounds)
            collected.rounds += 1
            for group in groups {
                collected.sampledGroups += 1
                let differs = dynamicSamplingKeepsGroup(rewards: group.map(\.score))
                if !differs { collected.equalScoreGroups += 1 }
                if (differs || !filtersEqualGroups) && collected.groups.count < groupsWanted { collected.groups.append(group) }
            }
        } while filtersEqualGroups && collected.groups.count < groupsWanted && collected.rounds <= maxRetries
        return collected
    }
}
