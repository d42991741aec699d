// Specs/vapo.md, "Metrics": every key a step, a set-up phase or an evaluation reports, typed.

/// A metric's key. The raw value is the name written to `metrics.jsonl`: verl's where verl has one, VAPO's own
/// under `vapo/`, `value_pretrain/` and `reward_model/`. Every key the trainer writes is one of the constants
/// below (or built by one of the functions), so a misspelt key does not compile.
public struct MetricKey: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// A summary key's `/mean`, `/max` or `/min` (`Metrics.addSummary`).
    public var mean: MetricKey { MetricKey(rawValue: rawValue + "/mean") }
    public var max: MetricKey { MetricKey(rawValue: rawValue + "/max") }
    public var min: MetricKey { MetricKey(rawValue: rawValue + "/min") }

    // MARK: Rollout (summaries: `/mean`, `/max`, `/min`)
    public static let score = MetricKey(rawValue: "critic/score")
    public static let responseLength = MetricKey(rawValue: "response_length")
    public static let advantages = MetricKey(rawValue: "critic/advantages")
    public static let returns = MetricKey(rawValue: "critic/returns")
    public static let values = MetricKey(rawValue: "critic/values")
    public static let policyLambda = MetricKey(rawValue: "vapo/lambda_policy")

    // MARK: Rollout
    public static let accuracy = MetricKey(rawValue: "vapo/accuracy")
    public static let truncatedFraction = MetricKey(rawValue: "response_length/clip_ratio")
    public static let entropy = MetricKey(rawValue: "actor/entropy")
    public static let equalScoreGroupFraction = MetricKey(rawValue: "vapo/equal_score_group_fraction")
    public static let samplingRounds = MetricKey(rawValue: "vapo/sampling_rounds")
    public static let keptGroups = MetricKey(rawValue: "vapo/kept_groups")
    public static let explainedVariance = MetricKey(rawValue: "critic/vf_explained_var")
    /// VinePPO: distinct states whose values were sampled, and the continuation tokens it took.
    public static let monteCarloStates = MetricKey(rawValue: "vineppo/sampled_states")
    public static let monteCarloTokens = MetricKey(rawValue: "vineppo/continuation_tokens")

    // MARK: Actor
    public static let actorGradientNorm = MetricKey(rawValue: "actor/grad_norm")
    public static let actorLoss = MetricKey(rawValue: "actor/loss")
    public static let policyLoss = MetricKey(rawValue: "actor/pg_loss")
    public static let clipFraction = MetricKey(rawValue: "actor/pg_clipfrac")
    public static let dualClipFraction = MetricKey(rawValue: "actor/pg_clipfrac_lower")
    public static let approximateKL = MetricKey(rawValue: "actor/ppo_kl")
    public static let clipFractionBelow = MetricKey(rawValue: "vapo/pg_clipfrac_below")
    public static let clipFractionAbove = MetricKey(rawValue: "vapo/pg_clipfrac_above")
    public static let positiveExampleNLL = MetricKey(rawValue: "vapo/positive_example_nll")
    public static let klLoss = MetricKey(rawValue: "actor/kl_loss")
    public static let actorSkippedBatches = MetricKey(rawValue: "actor/skipped_batches")
    public static let actorLearningRate = MetricKey(rawValue: "actor/lr")

    // MARK: Critic
    public static let criticGradientNorm = MetricKey(rawValue: "critic/grad_norm")
    public static let valueLoss = MetricKey(rawValue: "critic/vf_loss")
    public static let valueClipFraction = MetricKey(rawValue: "critic/vf_clipfrac")
    public static let criticSkippedBatches = MetricKey(rawValue: "critic/skipped_batches")
    public static let criticLearningRate = MetricKey(rawValue: "critic/lr")

    // MARK: Set-up: the reward model, then Value-Pretraining
    public static let rewardModelStep = MetricKey(rawValue: "reward_model/step")
    public static let rewardModelLoss = MetricKey(rawValue: "reward_model/loss")
    public static let rewardModelAccuracy = MetricKey(rawValue: "reward_model/accuracy")
    public static let rewardModelCorrectFraction = MetricKey(rawValue: "reward_model/correct_fraction")
    public static let rewardModelGradientNorm = MetricKey(rawValue: "reward_model/grad_norm")
    public static let rewardModelSkippedBatches = MetricKey(rawValue: "reward_model/skipped_batches")
    public static let valuePretrainingStep = MetricKey(rawValue: "value_pretrain/step")
    public static let valuePretrainingSteps = MetricKey(rawValue: "value_pretrain/steps")
    public static let valuePretrainingLoss = MetricKey(rawValue: "value_pretrain/vf_loss")
    public static let valuePretrainingExplainedVariance = MetricKey(rawValue: "value_pretrain/vf_explained_var")
    public static let valuePretrainingGradientNorm = MetricKey(rawValue: "value_pretrain/grad_norm")
    public static let valuePretrainingSkippedBatches = MetricKey(rawValue: "value_pretrain/skipped_batches")

    // MARK: Wall clock (the only keys that differ between two runs of one configuration)
    public static let generationSeconds = MetricKey(rawValue: "timing_s/gen")
    public static let updateSeconds = MetricKey(rawValue: "timing_s/update")
    public static let stepSeconds = MetricKey(rawValue: "timing_s/step")
    /// The phases of a step: `gen` = `sample` (drawing and filtering the groups) + `score` (the rollout's
    /// log-probabilities, values and reference terms); `update` = `advantages` (Monte-Carlo values included)
    /// + `critic_update` + `actor_update` (+ bookkeeping); `step` = `gen` + `update` + `eval`.
    public static let samplingSeconds = MetricKey(rawValue: "timing_s/sample")
    public static let scoringSeconds = MetricKey(rawValue: "timing_s/score")
    public static let advantageSeconds = MetricKey(rawValue: "timing_s/advantages")
    public static let criticUpdateSeconds = MetricKey(rawValue: "timing_s/critic_update")
    public static let actorUpdateSeconds = MetricKey(rawValue: "timing_s/actor_update")
    public static let evaluationSeconds = MetricKey(rawValue: "timing_s/eval")
    public static let throughput = MetricKey(rawValue: "perf/throughput")

    // MARK: The critic probe of `vapo train`, as RL starts and as it ends

    /// When the critic was probed.
    public enum ProbePhase: String, Sendable { case start, during, end }
    /// What the probe measured: explained variance against V_MC and against returns, the returns' ceiling, and
    /// the critic's and V_MC's change at the first error.
    public enum ProbeFigure: String, Sendable {
        case explainedVarianceMonteCarlo = "ev_vmc", explainedVarianceReturns = "ev_returns", ceiling
        case firstErrorDrop = "first_error_drop", firstErrorDropMonteCarlo = "first_error_drop_vmc"
    }
    /// `critic_probe/<phase>/<figure>`.
    public static func criticProbe(_ phase: ProbePhase, _ figure: ProbeFigure) -> MetricKey {
        MetricKey(rawValue: "critic_probe/\(phase.rawValue)/\(figure.rawValue)")
    }

    /// `critic_probe/<phase>/bias`, the mean of V − V_MC over the probed prefixes, or `…/bias/<positions>` over
    /// those of one bucket of response positions (`CriticProbe.positionBuckets`' labels).
    public static func criticProbeBias(_ phase: ProbePhase, positions: String? = nil) -> MetricKey {
        MetricKey(rawValue: "critic_probe/\(phase.rawValue)/bias" + (positions.map { "/\($0)" } ?? ""))
    }

    // MARK: Held-out evaluation
    /// `val-core/<task>/acc/pass@1`, or `val-aux/<task>/trace_<bucket>/acc/pass@1` for a length bucket.
    public static func passAt1(task: String, bucket: String? = nil) -> MetricKey { evaluation(task: task, bucket: bucket, "pass@1") }
    /// `val-core/<task>/acc/mean@k`, or the bucket's `val-aux` key.
    public static func meanAt(_ k: Int, task: String, bucket: String? = nil) -> MetricKey { evaluation(task: task, bucket: bucket, "mean@\(k)") }

    private static func evaluation(task: String, bucket: String?, _ statistic: String) -> MetricKey {
        MetricKey(rawValue: (bucket.map { "val-aux/\(task)/trace_\($0)/acc/" } ?? "val-core/\(task)/acc/") + statistic)
    }
}

extension Dictionary where Key == String, Value == Double {
    /// The value at `key`.
    public subscript(key: MetricKey) -> Double? {
        get { self[key.rawValue] }
        set { self[key.rawValue] = newValue }
    }
}
