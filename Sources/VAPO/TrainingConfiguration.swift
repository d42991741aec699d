// Specs/vapo.md, "Configuration".
import RLMath

/// Every number of a training run. Each field has a default, the `vapo` preset's value; the defaults are
/// sized for toy models on two cores, and Specs/vapo.md lists where they differ from the paper's and why.
///
/// A JSON configuration may omit any field: decoding starts from the preset it names (`"preset"`, else the
/// preset named by `"algorithm"`, else `vapo`) and overrides the fields present (`init(from:)`). Decoding
/// does not range-check; `validated()` does, with an error naming the field, its value and the allowed range.
public struct TrainingConfiguration: Sendable, Hashable {
    // MARK: Algorithm and VAPO's seven components

    /// The algorithm the run is named after (the preset family a configuration file starts from). A label
    /// only: every behaviour is chosen by the parts below (`TrainingRecipe`).
    public var algorithm: Algorithm = .vapo
    /// VAPO 1, Value-Pretraining: before any policy update, train the critic alone on Monte-Carlo returns
    /// (λ = 1) of the starting policy's samples. Needs a critic.
    public var valuePretraining = true
    /// VAPO 2, Decoupled-GAE: the critic's targets from `lambdaCritic`, the advantages from the policy's λ.
    /// Off: the returns use the policy's λ too. Needs a critic.
    public var decoupledGAE = true
    /// VAPO 3, Length-Adaptive GAE: the policy's λ per response, max(λ_min, 1 − 1/(α·l)); off: `lambdaPolicy`.
    /// Needs a critic.
    public var lengthAdaptiveGAE = true
    /// VAPO 4, token-level policy loss (every token of a mini-batch weighs the same); off: sample-level.
    public var tokenLevelLoss = true
    /// VAPO 5, Clip-Higher: clip the ratio to [1 − ε_low, 1 + ε_high]; off: [1 − ε_low, 1 + ε_low].
    public var clipHigher = true
    /// VAPO 6, positive-example LM loss: add μ·NLL of the correct responses to the actor's loss.
    public var positiveExampleLoss = true
    /// VAPO 7, Group-Sampling: `promptsPerStep` prompts × `samplesPerPrompt` samples; off: the same number
    /// of responses as `promptsPerStep · samplesPerPrompt` prompts × 1 sample.
    public var groupSampling = true

    // MARK: Batch shape

    /// Prompts drawn per step (with group sampling).
    public var promptsPerStep = 16
    /// Samples per prompt, k (with group sampling).
    public var samplesPerPrompt = 4
    /// Responses per optimizer update; the step's responses are split into mini-batches.
    public var miniBatchSize = 16
    /// Responses per forward/backward pass; a mini-batch's gradient is accumulated over its micro-batches,
    /// each normalised by the whole mini-batch's counts. Bounds memory only: it never changes the update.
    public var microBatchSize = 16
    /// Passes over the step's responses (each in a fresh shuffled order of mini-batches).
    public var ppoEpochs = 1

    // MARK: Optimisation

    /// The actor's AdamW peak learning rate.
    public var actorLearningRate = 2e-5
    /// The critic's AdamW peak learning rate (VAPO: twice the actor's, so the critic moves faster).
    public var criticLearningRate = 1e-4
    /// Linear warm-up, in updates of each model's own schedule (RL steps for the actor; value-pretraining
    /// steps then RL steps for the critic), then constant.
    public var warmupSteps = 5
    /// Global gradient-norm clip of each model's update.
    public var gradientClip = 1.0
    /// A mini-batch whose loss or gradient holds a NaN or an infinity is skipped (no update; counted in
    /// `actor/skipped_batches`, `critic/skipped_batches`, `reward_model/skipped_batches` or
    /// `value_pretrain/skipped_batches`) instead of stopping the run with a `NumericalFault`.
    public var skipNonFiniteBatches = false

    // MARK: Advantages

    /// How advantages are estimated: GAE over a critic's values (VAPO, PPO), each group's scores normalised
    /// (GRPO, DAPO), or VinePPO's Monte-Carlo values (the last two with no critic).
    public var advantageEstimator: AdvantageEstimatorKind = .gae
    /// Discount γ.
    public var gamma = 1.0
    /// λ of the critic's returns with Decoupled-GAE (VAPO: 1, unbiased Monte-Carlo-like targets).
    public var lambdaCritic = 1.0
    /// The policy's λ when Length-Adaptive GAE is off (and the critic's too when Decoupled-GAE is off).
    public var lambdaPolicy = 0.95
    /// α of Length-Adaptive GAE: λ = 1 − 1/(α·l), the paper's 0.05 by default (issue 5). Toy responses shorter
    /// than 40 tokens then sit at the floor λ_min; `0.5`–`1.0` scale the rule to toy lengths (Specs/vapo.md, "α at
    /// toy scale"; `Benchmarks/rl-bar.sh` uses 1.0).
    public var alpha = 1.0
    /// The floor of the length-adaptive λ (rl-math convention §3): the raw formula is ≤ 0 below 1/α tokens.
    public var lambdaMin = 0.5
    /// Whiten GAE advantages over the step's valid tokens (verl's default; the paper does not say).
    public var whitenAdvantages = true
    /// VinePPO's K: continuations sampled from each state to estimate its value (read with `vineppo`).
    public var vineppoContinuations = 4
    /// VinePPO's states: every this many response tokens, or, when nil, after each step of the chain of thought
    /// (each `|` and the answer marker `#`) (read with `vineppo`).
    public var vineppoStateEvery: Int? = nil

    // MARK: Policy loss

    /// ε_low: the ratio is clipped below at 1 − ε_low.
    public var epsilonLow = 0.2
    /// ε_high with Clip-Higher: the ratio is clipped above at 1 + ε_high.
    public var epsilonHigh = 0.28
    /// Dual clip c > 1 for negative advantages (verl's clip_ratio_c), or nil for none (the paper's runs).
    public var dualClip: Double? = nil
    /// μ, the weight of the positive-example NLL in L = L_PPO + μ·L_NLL.
    public var mu = 2.0

    // MARK: Critic

    /// Where the value model starts.
    public var valueInitialization: ValueInitialization = .fromRewardModel
    /// The value model reads the sampling policy's surprise at every written token (`SurpriseFeatures`) beside
    /// the tokens, so that it can see an error where the policy wrote what it did not expect (Specs/vapo.md,
    /// "A critic that reads the policy's surprise"; not in the paper). Off: the paper's critic, tokens only.
    public var criticReadsSurprise = true
    /// Value clipping range c around the rollout's values, or nil for none.
    public var valueClipRange: Double? = nil
    /// At most this many value-pretraining steps.
    public var valuePretrainingSteps = 20
    /// Prompts per value-pretraining step, each with `effectiveSamplesPerPrompt` samples: the critic's batch
    /// before RL starts, larger than an RL step's because sampling is cheap next to the critic's need for data
    /// (one ±1 return per response is a noisy target).
    public var valuePretrainingPrompts = 64
    /// Value pretraining stops early once the explained variance of a fresh batch reaches this.
    public var valuePretrainingExplainedVariance = 0.5
    /// Reward-model training steps (with `valueInitialization == .fromRewardModel`).
    public var rewardModelSteps = 20
    /// The reward model's AdamW learning rate.
    public var rewardModelLearningRate = 1e-4

    // MARK: Parts from GRPO and DAPO

    /// With the group-normalised estimator: divide each group's centred scores by their standard deviation
    /// (GRPO, DAPO; verl's `norm_adv_by_std_in_grpo`); off: centre only (Dr. GRPO, arXiv 2503.20783).
    public var normalizeByGroupStd = true
    /// GRPO's KL term: add β·KL (k3) to a frozen copy of the starting policy to the actor's loss, β = `grpoBeta`.
    public var referenceKL = false
    /// β, the weight of the k3 KL to the frozen reference policy (read with `referenceKL` on; GRPO's 0.04).
    public var grpoBeta = 0.04
    /// DAPO's dynamic sampling: a group whose scores are all equal (every sample right, or every one wrong)
    /// carries no signal about which response is better, so it is dropped and more prompts are sampled, up to
    /// `dynamicSamplingMaxRetries` more rounds. Does nothing with one sample per prompt. On in `vapo` (not one
    /// of VAPO's seven: added at toy scale, Specs/vapo.md, "Defaults") and `dapo`; off in `ppo`, `grpo` and
    /// `vapo-paper`.
    public var dynamicSampling = true
    /// Dynamic sampling: after the first round, at most this many more rounds of sampling to fill the batch with
    /// groups whose rewards differ.
    public var dynamicSamplingMaxRetries = 4
    /// DAPO's overlong filtering: a truncated response is masked out of the actor's loss (its tokens still train
    /// the critic).
    public var overlongFiltering = false
    /// DAPO's soft overlong punishment: the score of a response longer than L_max − L_cache tokens is lowered
    /// linearly, down to −1 at L_max (`softOverlongPunishment`).
    public var overlongPunishment = false
    /// DAPO's L_max of the soft overlong punishment (read with `overlongPunishment` on).
    public var overlongMaxLength = 96
    /// DAPO's L_cache: the punishment starts at L_max − L_cache tokens (read with `overlongPunishment` on).
    public var overlongCacheLength = 16

    // MARK: Rewards and sampling

    /// The verifier's reward for a correct final answer.
    public var rewardCorrect = 1.0
    /// The verifier's reward for anything else.
    public var rewardIncorrect = -1.0
    /// Sampling temperature of rollouts.
    public var temperature = 1.0
    /// Nucleus mass of rollouts.
    public var topP = 1.0
    /// Longest response, in tokens.
    public var maxNewTokens = 96

    // MARK: Run and task

    /// The master seed; every random stream of the run is derived from it by name.
    public var seed: UInt64 = 0
    /// The task's registry name.
    public var task = "addition"
    /// Lowest difficulty drawn, or nil for the task's lowest.
    public var minDifficulty: Int? = 2
    /// Highest difficulty drawn, or nil for the task's highest.
    public var maxDifficulty: Int? = 3

    // MARK: Evaluation

    /// Evaluate every this many steps; 0 never.
    public var evalEvery = 10
    /// Held-out problems per evaluation.
    public var evalProblems = 100
    /// Samples per problem k of `val-core/<task>/acc/mean@k`; 1 means greedy decoding.
    public var evalSamples = 1
    /// Sampling temperature of evaluation when `evalSamples` > 1 (the paper: 1.0).
    public var evalTemperature = 1.0
    /// Nucleus mass of evaluation when `evalSamples` > 1 (the paper: 0.7).
    public var evalTopP = 0.7
    /// The seed of the held-out evaluation set (fixed across runs so that runs compare on the same problems).
    public var evalSeed: UInt64 = 0

    /// The `vapo` preset's configuration (every field at its default).
    public init() {}
}

/// How advantages are estimated (`TrainingConfiguration.advantageEstimator`), by verl's names.
public enum AdvantageEstimatorKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Generalised advantage estimation over a critic's values (VAPO, PPO).
    case gae
    /// Each prompt's group of scores normalised, with no critic (GRPO, DAPO).
    case grpo
    /// VinePPO (arXiv 2410.01679): values at chosen states are the mean score of K continuations of the current
    /// policy, with no critic; each token's advantage is the value change over its segment.
    case vineppo
}

extension TrainingConfiguration {
    /// Whether the run trains a value model: the advantage estimator reads a critic's values.
    public var usesCritic: Bool { advantageEstimator == .gae }

    /// Prompts actually drawn per step: `promptsPerStep`, or `promptsPerStep · samplesPerPrompt` without
    /// group sampling.
    public var effectivePromptsPerStep: Int { groupSampling ? promptsPerStep : promptsPerStep * samplesPerPrompt }

    /// Samples actually drawn per prompt: `samplesPerPrompt`, or 1 without group sampling.
    public var effectiveSamplesPerPrompt: Int { groupSampling ? samplesPerPrompt : 1 }

    /// Whether a step's groups are filtered by dynamic sampling: the switch is on and a group has two samples or
    /// more to compare (with one, every group is "all equal").
    public var filtersEqualGroups: Bool { dynamicSampling && effectiveSamplesPerPrompt >= 2 }

    /// Responses per step, `promptsPerStep · samplesPerPrompt`, with or without group sampling.
    public var responsesPerStep: Int { promptsPerStep * samplesPerPrompt }

    /// The clipped surrogate: [1 − ε_low, 1 + ε_high] with Clip-Higher, else symmetric at ε_low.
    public func surrogate<S: RLScalar & BinaryFloatingPoint>(_: S.Type = S.self) -> ClippedSurrogate<S> {
        ClippedSurrogate(
            epsilonLow: S(epsilonLow), epsilonHigh: S(clipHigher ? epsilonHigh : epsilonLow), dualClip: dualClip.map { S($0) })
    }

    /// How the policy loss is aggregated: token-level, or sample-level without that component.
    public var policyAggregation: LossAggregation { tokenLevelLoss ? .tokenLevel : .sampleLevel }
}
