// Specs/vapo.md, "The recipe": one loop, interchangeable parts; every algorithm is a preset over them.

/// A training run's parts, resolved once from its configuration: VAPO, PPO, GRPO and DAPO are one loop (the
/// `Trainer`'s step: sample groups, filter them, shape and score, estimate advantages, update the critic and the
/// actor) that differ only in these parts, and each name is a preset that sets them (Presets.swift).
///
/// | part | choices | whose |
/// | --- | --- | --- |
/// | sampling | n prompts × k samples (Group-Sampling), or n·k prompts × 1 | VAPO 7 |
/// | group filter | none, dynamic sampling | DAPO |
/// | reward shaping | none, soft overlong punishment | DAPO |
/// | advantage estimator | GAE (fixed or length-adaptive λ; decoupled critic λ), group-normalised (÷ std or not) | PPO, VAPO 2–3; GRPO |
/// | critic | none, from a reward model or the policy's trunk; Value-Pretraining | PPO, VAPO 1 |
/// | actor loss | clipped surrogate (symmetric or Clip-Higher), + μ·positive-example NLL, + β·KL; token- or sample-level | PPO, VAPO 4–6; GRPO |
/// | overlong filtering | off, on | DAPO |
public struct TrainingRecipe: Sendable, Hashable {
    /// Prompts per step and samples per prompt (Group-Sampling, or one sample per prompt).
    public let sampling: SamplingShape
    /// Which sampled groups train.
    public let groupFilter: GroupFilter
    /// What is added to the verifier's score.
    public let rewardShaping: RewardShaping
    /// How advantages are estimated.
    public let advantageEstimator: AdvantageEstimator
    /// The value model, when the estimator reads values.
    public let critic: CriticRecipe?
    /// The actor's loss terms and their aggregation.
    public let actorLoss: ActorLossTerms
    /// DAPO's overlong filtering: truncated responses are masked out of the actor's loss.
    public let overlongFiltering: Bool

    /// The recipe `configuration` describes (which is assumed validated).
    public init(configuration c: TrainingConfiguration) {
        sampling = SamplingShape(prompts: c.effectivePromptsPerStep, samplesPerPrompt: c.effectiveSamplesPerPrompt)
        groupFilter = GroupFilter(configuration: c)
        rewardShaping = RewardShaping(configuration: c)
        advantageEstimator = AdvantageEstimator(configuration: c)
        critic = CriticRecipe(configuration: c)
        actorLoss = ActorLossTerms(configuration: c)
        overlongFiltering = c.overlongFiltering
    }

    /// Whether a frozen copy of the starting policy is kept, for the actor's KL term.
    public var keepsReference: Bool { actorLoss.klCoefficient != nil }

    /// The parts, in the loop's order, each with its setting in words: the table `vapo presets` prints.
    public var table: [(part: RecipePart, setting: String)] {
        [
            (.sampling, "\(sampling.prompts) prompts × \(sampling.samplesPerPrompt) samples"),
            (.groupFilter, groupFilter.description),
            (.rewardShaping, rewardShaping.description),
            (.advantageEstimator, advantageEstimator.description),
            (.critic, critic?.description ?? "none"),
            (.actorLoss, actorLoss.description),
            (.overlongFiltering, overlongFiltering ? "on" : "off"),
        ]
    }
}

/// A step's sampling: `prompts` prompts × `samplesPerPrompt` samples each (VAPO 7, Group-Sampling, keeps the
/// responses per step and groups them; without it, n·k prompts × 1).
public struct SamplingShape: Sendable, Hashable {
    public let prompts: Int
    public let samplesPerPrompt: Int

    public init(prompts: Int, samplesPerPrompt: Int) { (self.prompts, self.samplesPerPrompt) = (prompts, samplesPerPrompt) }
}

/// The parts of a `TrainingRecipe`, by name.
public enum RecipePart: String, Sendable, Hashable, CaseIterable {
    case sampling
    case groupFilter = "group filter"
    case rewardShaping = "reward shaping"
    case advantageEstimator = "advantage estimator"
    case critic
    case actorLoss = "actor loss"
    case overlongFiltering = "overlong filtering"
}
