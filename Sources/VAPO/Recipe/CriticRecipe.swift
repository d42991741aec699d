// Specs/vapo.md, "The recipe": how the value model starts and is prepared, one of the recipe's parts.

/// The value model of a run that has one (GAE): where it starts, what it reads, whether Value-Pretraining fits
/// it before the first policy update, and how its loss is clipped.
public struct CriticRecipe: Sendable, Hashable, CustomStringConvertible {
    /// Where the value model's parameters start.
    public let initialization: ValueInitialization
    /// The critic reads the sampling policy's surprise beside the tokens (`SurpriseFeatures`).
    public let readsSurprise: Bool
    /// VAPO 1, Value-Pretraining: fit the critic to Monte-Carlo returns of the starting policy first.
    public let pretrains: Bool
    /// The value-clipping range c around the rollout's values, or nil for none.
    public let clipRange: Double?

    /// The critic `configuration` describes, or nil when its advantage estimator reads no values.
    public init?(configuration c: TrainingConfiguration) {
        guard c.usesCritic else { return nil }
        initialization = c.valueInitialization
        readsSurprise = c.criticReadsSurprise
        pretrains = c.valuePretraining
        clipRange = c.valueClipRange
    }

    public var description: String {
        var parts = [initialization == .fromRewardModel ? "from a reward model" : "from the policy's trunk"]
        if readsSurprise { parts.append("reads the policy's surprise") }
        if pretrains { parts.append("Value-Pretraining") }
        if let clipRange { parts.append("value clip \(clipRange)") }
        return parts.joined(separator: ", ")
    }
}
