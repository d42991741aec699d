// Specs/scaling-out.md, "verl": a run's training configuration as verl's Hydra keys.
import Autograd
import VAPO

/// The verl (github.com/volcengine/verl) keys `vapo export --format verl` writes, by their Hydra paths.
enum VerlKey: String, EngineKey {
    case searchPath = "hydra.searchpath"
    case defaults
    case advEstimator = "algorithm.adv_estimator"
    case gamma = "algorithm.gamma"
    case lam = "algorithm.lam"
    case lambdaCritic = "algorithm.vapo_gae.lambda_critic"
    case lengthAdaptive = "algorithm.vapo_gae.length_adaptive"
    case alpha = "algorithm.vapo_gae.alpha"
    case lambdaMin = "algorithm.vapo_gae.lambda_min"
    case whiten = "algorithm.vapo_gae.whiten"
    case normAdvByStd = "algorithm.norm_adv_by_std_in_grpo"
    case useKLInReward = "algorithm.use_kl_in_reward"
    case filterGroups = "algorithm.filter_groups.enable"
    case filterMetric = "algorithm.filter_groups.metric"
    case trainBatchSize = "data.train_batch_size"
    case maxResponseLength = "data.max_response_length"
    case rolloutN = "actor_rollout_ref.rollout.n"
    case temperature = "actor_rollout_ref.rollout.temperature"
    case topP = "actor_rollout_ref.rollout.top_p"
    case clipLow = "actor_rollout_ref.actor.clip_ratio_low"
    case clipHigh = "actor_rollout_ref.actor.clip_ratio_high"
    case clipC = "actor_rollout_ref.actor.clip_ratio_c"
    case lossAggMode = "actor_rollout_ref.actor.loss_agg_mode"
    case miniBatch = "actor_rollout_ref.actor.ppo_mini_batch_size"
    case microBatch = "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu"
    case epochs = "actor_rollout_ref.actor.ppo_epochs"
    case actorClip = "actor_rollout_ref.actor.grad_clip"
    case entropy = "actor_rollout_ref.actor.entropy_coeff"
    case useKLLoss = "actor_rollout_ref.actor.use_kl_loss"
    case klCoef = "actor_rollout_ref.actor.kl_loss_coef"
    case klType = "actor_rollout_ref.actor.kl_loss_type"
    case actorLR = "actor_rollout_ref.actor.optim.lr"
    case actorWarmup = "actor_rollout_ref.actor.optim.lr_warmup_steps"
    case actorDecay = "actor_rollout_ref.actor.optim.weight_decay"
    case criticEnable = "critic.enable"
    case criticLR = "critic.optim.lr"
    case criticWarmupLR = "critic.optim.lr_warmup_steps"
    case criticDecay = "critic.optim.weight_decay"
    case criticClip = "critic.grad_clip"
    case valueClip = "critic.cliprange_value"
    case criticMicroBatch = "critic.ppo_micro_batch_size_per_gpu"
    case rewardManager = "reward.reward_manager.name"
    case overlongMax = "reward.reward_kwargs.max_resp_len"
    case overlongEnable = "reward.reward_kwargs.overlong_buffer_cfg.enable"
    case overlongLength = "reward.reward_kwargs.overlong_buffer_cfg.len"
    case overlongFactor = "reward.reward_kwargs.overlong_buffer_cfg.penalty_factor"
    case criticWarmup = "trainer.critic_warmup"
    case testFreq = "trainer.test_freq"

    static let engine = "verl"

    static func sectionComment(_ path: String) -> String {
        switch path {
        case "hydra": return "Hydra: where verl's own trainer configuration is found"
        case "algorithm": return "verl's AlgoConfig (advantage estimation), read by ray_trainer.compute_advantage"
        case "algorithm.vapo_gae": return "read only by the vapo_gae estimator of Verification/verl/vapo_verl.py"
        case "algorithm.filter_groups": return "DAPO's dynamic sampling, done by verl's v1 trainer's ReplayBuffer"
        case "data": return "prompts per step and response length"
        case "actor_rollout_ref": return "the policy: its sampling (rollout) and its updates (actor)"
        case "actor_rollout_ref.rollout": return "the policy's sampling"
        case "actor_rollout_ref.actor": return "the policy's loss and updates"
        case "actor_rollout_ref.actor.optim", "critic.optim": return "AdamW (verl's betas 0.9, 0.999 are ours)"
        case "critic": return "the value model"
        case "reward", "reward.reward_manager", "reward.reward_kwargs", "reward.reward_kwargs.overlong_buffer_cfg":
            return "DAPO's soft overlong punishment, applied by verl's \"dapo\" reward manager"
        case "trainer": return "the run's schedule"
        default: return "verl section"
        }
    }
}

extension EngineConfiguration where Key == VerlKey {
    /// `c` as verl's configuration: a Hydra file that extends verl's `ppo_trainer`. VAPO's Decoupled-GAE and
    /// Length-Adaptive GAE select the `vapo_gae` estimator of the plugin in Verification/verl (verl has
    /// neither); everything verl cannot say is listed.
    init(verl c: TrainingConfiguration) {
        set(.searchPath, .list(["pkg://verl.trainer.config"]), "so that the defaults below find verl's ppo_trainer.yaml")
        set(.defaults, .list(["ppo_trainer", "_self_"]), "verl's PPO trainer configuration, then these settings over it")
        setAdvantages(c)
        set(.trainBatchSize, .integer(c.effectivePromptsPerStep), "prompts per step" + (c.groupSampling ? " (Group-Sampling)" : ": n·k prompts of one sample, Group-Sampling off"))
        set(.maxResponseLength, .integer(c.maxNewTokens), "maxNewTokens, the longest response")
        set(.rolloutN, .integer(c.effectiveSamplesPerPrompt), "samples per prompt (VAPO 7, Group-Sampling" + (c.groupSampling ? ")" : " off: 1)"))
        set(.temperature, .number(c.temperature), "sampling temperature of rollouts")
        set(.topP, .number(c.topP), "nucleus mass of rollouts")
        setActor(c)
        setCritic(c)
        if c.overlongPunishment {
            set(.rewardManager, .text("dapo"), "the reward manager that applies the overlong buffer")
            set(.overlongMax, .integer(c.overlongMaxLength), "L_max of the punishment")
            set(.overlongEnable, .flag(true), "DAPO's soft overlong punishment")
            set(.overlongLength, .integer(c.overlongCacheLength), "L_cache: the punishment starts at max_resp_len − len tokens")
            set(.overlongFactor, .number(1), "down to −1 at max_resp_len, as ours")
        }
        set(.testFreq, .integer(c.evalEvery == 0 ? -1 : c.evalEvery), "evaluate every this many steps (-1 never)")
        if c.overlongFiltering { cannotExpress("overlong filtering (truncated responses masked out of the actor's loss): no such option in verl's actor") }
        if c.valueInitialization == .fromRewardModel && c.usesCritic {
            cannotExpress("the critic's start from a reward model trained first on the task (rewardModelSteps \(c.rewardModelSteps)): train one and give it as critic.model.path")
        }
        if c.usesCritic && c.criticReadsSurprise { cannotExpress("a critic that reads the policy's surprise (criticReadsSurprise): verl's critic reads tokens only") }
        if c.skipNonFiniteBatches { cannotExpress("skipping mini-batches with a non-finite loss or gradient (skipNonFiniteBatches)") }
        cannotExpress("the rewards (correct \(c.rewardCorrect), incorrect \(c.rewardIncorrect)) and the task \(c.task.debugDescription): a verl reward function and data set of your own")
        cannotExpress("the seed: verl's sampling and shuffling streams are not ours, so no run reproduces ours bit for bit")
    }

    private mutating func setAdvantages(_ c: TrainingConfiguration) {
        switch c.advantageEstimator {
        case .gae where c.decoupledGAE || c.lengthAdaptiveGAE:
            set(.advEstimator, .text("vapo_gae"), "VAPO's estimator (Decoupled-GAE" + (c.lengthAdaptiveGAE ? ", Length-Adaptive GAE" : "") + "): the plugin of Verification/verl, which verl has not")
        case .gae:
            set(.advEstimator, .text("gae"), "GAE over the critic's values, one λ for advantages and returns")
        case .grpo:
            set(.advEstimator, .text("grpo"), "group-normalised scores, no critic")
        case .vineppo:
            cannotExpress("VinePPO's Monte-Carlo values (advantageEstimator vineppo): verl has no such estimator; no adv_estimator is written")
        }
        set(.gamma, .number(c.gamma), "γ, the discount")
        if c.usesCritic {
            set(.lam, .number(c.lambdaPolicy), c.lengthAdaptiveGAE ? "unused: the policy's λ is length-adaptive" : "λ of the policy's advantages")
            if c.decoupledGAE || c.lengthAdaptiveGAE {
                set(.lambdaCritic, c.decoupledGAE ? .number(c.lambdaCritic) : .none, c.decoupledGAE ? "λ_critic of the returns (VAPO 2, Decoupled-GAE)" : "null: the returns use the policy's λ (Decoupled-GAE off)")
                set(.lengthAdaptive, .flag(c.lengthAdaptiveGAE), "VAPO 3, Length-Adaptive GAE: λ_policy = max(λ_min, 1 − 1/(α·l))")
                set(.alpha, .number(c.alpha), "α of the length-adaptive λ")
                set(.lambdaMin, .number(c.lambdaMin), "λ_min, the floor of the length-adaptive λ (it binds up to 1/(α·(1 − λ_min)) tokens)")
                set(.whiten, .flag(c.whitenAdvantages), "whiten the advantages over the batch's valid tokens")
            } else if !c.whitenAdvantages {
                cannotExpress("advantages that are not whitened (whitenAdvantages false): verl's gae always whitens")
            }
        }
        if c.advantageEstimator == .grpo { set(.normAdvByStd, .flag(c.normalizeByGroupStd), "divide each group's centred scores by their std (off: Dr. GRPO)") }
        set(.useKLInReward, .flag(false), "no KL in the reward (ours is a loss term)")
        if c.filtersEqualGroups {
            set(.filterGroups, .flag(true), "DAPO's dynamic sampling: drop groups whose scores are all equal")
            set(.filterMetric, .text("reward"), "the groups compared by their rewards")
            cannotExpress("dynamic sampling's cap of \(c.dynamicSamplingMaxRetries) more rounds: verl's v1 trainer ignores max_num_gen_batches and samples until the batch is full, where ours trains on the groups it has")
        }
    }
}
