// Specs/scaling-out.md, "NeMo RL": a run's training configuration as NeMo RL's keys.
import Autograd
import VAPO

/// The NeMo RL (github.com/NVIDIA-NeMo/RL) keys `vapo export --format nemo-rl` writes: its PPO trainer's
/// (`ppo.*`, examples/configs/ppo_math_1B.yaml) for a run with a critic, its GRPO trainer's (`grpo.*`) without.
enum NemoRLKey: String, EngineKey {
    case prompts = "ppo.num_prompts_per_step"
    case samples = "ppo.num_generations_per_prompt"
    case epochs = "ppo.ppo_epochs"
    case policyStart = "ppo.policy_training_start_step"
    case dynamicSampling = "ppo.use_dynamic_sampling"
    case dynamicBatches = "ppo.dynamic_sampling_max_gen_batches"
    case overlongFiltering = "ppo.overlong_filtering"
    case shaping = "ppo.reward_shaping.enabled"
    case shapingBuffer = "ppo.reward_shaping.overlong_buffer_length"
    case shapingPenalty = "ppo.reward_shaping.overlong_buffer_penalty"
    case shapingMax = "ppo.reward_shaping.max_response_length"
    case estimator = "ppo.adv_estimator.name"
    case gaeLambda = "ppo.adv_estimator.gae_lambda"
    case gaeGamma = "ppo.adv_estimator.gae_gamma"
    case normalize = "ppo.adv_estimator.normalize_advantages"
    case lambdaValue = "ppo.adv_estimator.gae_lambda_value"
    case lambdaPolicy = "ppo.adv_estimator.gae_lambda_policy"
    case alpha = "ppo.adv_estimator.length_adaptive_alpha"
    case grpoPrompts = "grpo.num_prompts_per_step"
    case grpoSamples = "grpo.num_generations_per_prompt"
    case grpoNormalize = "grpo.normalize_rewards"
    case grpoLeaveOneOut = "grpo.use_leave_one_out_baseline"
    case grpoDynamicSampling = "grpo.use_dynamic_sampling"
    case grpoDynamicBatches = "grpo.dynamic_sampling_max_gen_batches"
    case grpoOverlongFiltering = "grpo.overlong_filtering"
    case grpoShaping = "grpo.reward_shaping.enabled"
    case grpoShapingBuffer = "grpo.reward_shaping.overlong_buffer_length"
    case grpoShapingPenalty = "grpo.reward_shaping.overlong_buffer_penalty"
    case grpoShapingMax = "grpo.reward_shaping.max_response_length"
    case clipMin = "loss_fn.ratio_clip_min"
    case clipMax = "loss_fn.ratio_clip_max"
    case clipC = "loss_fn.ratio_clip_c"
    case tokenLevel = "loss_fn.token_level_loss"
    case positiveNLL = "loss_fn.positive_example_nll_weight"
    case klPenalty = "loss_fn.reference_policy_kl_penalty"
    case klType = "loss_fn.reference_policy_kl_type"
    case klInReward = "loss_fn.use_kl_in_reward"
    case valueClip = "value_loss_fn.cliprange"
    case globalBatch = "policy.train_global_batch_size"
    case microBatch = "policy.train_micro_batch_size"
    case maxGradNorm = "policy.max_grad_norm"
    case actorLR = "policy.optimizer.kwargs.lr"
    case actorDecay = "policy.optimizer.kwargs.weight_decay"
    case maxNewTokens = "policy.generation.max_new_tokens"
    case temperature = "policy.generation.temperature"
    case topP = "policy.generation.top_p"
    case valueMaxGradNorm = "value.max_grad_norm"
    case criticLR = "value.optimizer.kwargs.lr"
    case criticDecay = "value.optimizer.kwargs.weight_decay"

    static let engine = "NeMo RL"

    static func sectionComment(_ path: String) -> String {
        switch path {
        case "ppo": return "NeMo RL's PPO trainer (nemo_rl/algorithms/ppo.py)"
        case "grpo": return "NeMo RL's GRPO trainer (nemo_rl/algorithms/grpo.py): no critic"
        case "ppo.reward_shaping", "grpo.reward_shaping": return "DAPO's soft overlong punishment (nemo_rl/algorithms/reward_functions.py)"
        case "ppo.adv_estimator": return "GeneralizedAdvantageEstimator (nemo_rl/algorithms/advantage_estimator.py)"
        case "loss_fn": return "the actor's loss (ClippedPGLossFn, nemo_rl/algorithms/loss/loss_functions.py)"
        case "value_loss_fn": return "the critic's loss (MseValueLossFn)"
        case "policy", "policy.optimizer", "policy.optimizer.kwargs": return "the policy's batches and AdamW (DTensor back end)"
        case "policy.generation": return "the policy's sampling"
        case "value", "value.optimizer", "value.optimizer.kwargs": return "the value model's AdamW (DTensor back end)"
        default: return "NeMo RL section"
        }
    }
}

extension EngineConfiguration where Key == NemoRLKey {
    /// `c` as NeMo RL's configuration: GAE with NeMo RL's decoupled and length-adaptive λ for a run with a
    /// critic, its GRPO trainer without one; everything NeMo RL cannot say is listed.
    init(nemoRL c: TrainingConfiguration) {
        if c.usesCritic { setPPO(c) } else { setGRPO(c) }
        set(.clipMin, .number(c.epsilonLow), "ε_low: the ratio is clipped below at 1 − ε_low")
        set(.clipMax, .number(c.clipHigher ? c.epsilonHigh : c.epsilonLow), c.clipHigher ? "ε_high (VAPO 5, Clip-Higher)" : "ε_low again: a symmetric clip (Clip-Higher off)")
        set(.clipC, c.dualClip.map { .number($0) } ?? .none, c.dualClip == nil ? "no dual clip" : "the dual clip c for negative advantages")
        set(.tokenLevel, .flag(c.tokenLevelLoss), c.tokenLevelLoss ? "VAPO 4, token-level loss" : "sequence-level loss (VAPO 4 off)")
        set(.positiveNLL, .number(c.positiveExampleLoss ? c.mu : 0), c.positiveExampleLoss ? "VAPO 6: μ, the weight of the positive-example NLL" : "no positive-example NLL (VAPO 6 off)")
        set(.klPenalty, .number(c.referenceKL ? c.grpoBeta : 0), c.referenceKL ? "β of the KL to the starting policy" : "no KL term")
        set(.klType, .text("k3"), "the k3 estimator, as ours")
        set(.klInReward, .flag(false), "the KL is a loss term, not a reward")
        if c.usesCritic {
            set(.valueClip, c.valueClipRange.map { .number($0) } ?? .none, c.valueClipRange == nil ? "no value clipping" : "value clipping range around the rollout's values")
        }
        set(.globalBatch, .integer(c.miniBatchSize), "responses per optimizer update (our mini-batch)")
        set(.microBatch, .integer(c.microBatchSize), "responses per forward/backward pass")
        set(.maxGradNorm, .number(c.gradientClip), "global gradient-norm clip of the actor")
        set(.actorLR, .number(c.actorLearningRate), "the actor's peak learning rate")
        set(.actorDecay, .number(AdamW<Float>.Configuration().weightDecay), "AdamW's decoupled weight decay, as ours")
        set(.maxNewTokens, .integer(c.maxNewTokens), "the longest response")
        set(.temperature, .number(c.temperature), "sampling temperature of rollouts")
        set(.topP, .number(c.topP), "nucleus mass of rollouts")
        if c.usesCritic {
            set(.valueMaxGradNorm, .number(c.gradientClip), "global gradient-norm clip of the critic")
            set(.criticLR, .number(c.criticLearningRate), "the critic's peak learning rate")
            set(.criticDecay, .number(AdamW<Float>.Configuration().weightDecay), "AdamW's decoupled weight decay, as ours")
        }
        if c.warmupSteps > 0 {
            cannotExpress("the learning rates' linear warm-up over \(c.warmupSteps) steps: not exported; give policy.scheduler (and value.scheduler) a LinearLR before the ConstantLR yourself")
        }
        if c.valueInitialization == .fromRewardModel && c.usesCritic {
            cannotExpress("the critic's start from a reward model trained first on the task (rewardModelSteps \(c.rewardModelSteps)): train one and give it as value.model_name")
        }
        if c.usesCritic && c.criticReadsSurprise { cannotExpress("a critic that reads the policy's surprise (criticReadsSurprise): NeMo RL's value model reads tokens only") }
        if c.skipNonFiniteBatches { cannotExpress("skipping mini-batches with a non-finite loss or gradient (skipNonFiniteBatches)") }
        cannotExpress("the rewards (correct \(c.rewardCorrect), incorrect \(c.rewardIncorrect)) and the task \(c.task.debugDescription): a NeMo RL environment and data set of your own")
        cannotExpress("the seed: NeMo RL's sampling and shuffling streams are not ours, so no run reproduces ours bit for bit")
    }
}
