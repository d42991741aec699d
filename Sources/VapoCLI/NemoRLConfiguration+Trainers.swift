// Specs/scaling-out.md, "NeMo RL": the trainer's section, PPO with a critic or GRPO without.
import VAPO

extension EngineConfiguration where Key == NemoRLKey {
    /// The PPO trainer's keys: batch shape, Value-Pretraining as critic-only steps, DAPO's parts, and GAE
    /// with NeMo RL's decoupled and length-adaptive λ.
    mutating func setPPO(_ c: TrainingConfiguration) {
        set(.prompts, .integer(c.effectivePromptsPerStep), "prompts per step" + (c.groupSampling ? " (Group-Sampling)" : ": n·k prompts of one sample, Group-Sampling off"))
        set(.samples, .integer(c.effectiveSamplesPerPrompt), "samples per prompt (VAPO 7, Group-Sampling" + (c.groupSampling ? ")" : " off: 1)"))
        set(.epochs, .integer(c.ppoEpochs), "passes over the step's responses")
        set(.policyStart, .integer(c.valuePretraining ? c.valuePretrainingSteps : 0),
            c.valuePretraining ? "VAPO 1, Value-Pretraining: steps 0…\(c.valuePretrainingSteps - 1) train the value model only" : "the policy trains from the first step (Value-Pretraining off)")
        if c.valuePretraining {
            cannotExpress("Value-Pretraining's own batch (\(c.valuePretrainingPrompts) prompts a step) and its early stop at explained variance \(c.valuePretrainingExplainedVariance): NeMo RL's critic-only steps are exactly \(c.valuePretrainingSteps) ordinary steps")
        }
        setDAPOParts(c, dynamicSampling: .dynamicSampling, batches: .dynamicBatches, filtering: .overlongFiltering,
                     shaping: (.shaping, .shapingBuffer, .shapingPenalty, .shapingMax))
        set(.estimator, .text("gae"), "GAE over the value model's values")
        set(.gaeLambda, .number(c.lambdaPolicy), c.lengthAdaptiveGAE ? "unused for the advantages: length_adaptive_alpha decides" : "λ of the policy's advantages")
        set(.gaeGamma, .number(c.gamma), "γ, the discount")
        set(.normalize, .flag(c.whitenAdvantages), "whiten the advantages over the batch")
        set(.lambdaValue, c.decoupledGAE ? .number(c.lambdaCritic) : .none, c.decoupledGAE ? "VAPO 2, Decoupled-GAE: λ of the value model's returns" : "null: the returns use gae_lambda (Decoupled-GAE off)")
        set(.lambdaPolicy, .none, "null: gae_lambda, unless length_adaptive_alpha is set")
        set(.alpha, .number(c.lengthAdaptiveGAE ? c.alpha : 0), c.lengthAdaptiveGAE ? "VAPO 3, Length-Adaptive GAE: λ_policy = 1 − 1/(α·l)" : "0: a fixed λ_policy (Length-Adaptive GAE off)")
        if c.lengthAdaptiveGAE {
            let zero = 1 / c.alpha, floor = 1 / (c.alpha * (1 - c.lambdaMin))
            cannotExpress("the floor λ_min \(c.lambdaMin) of the length-adaptive λ: NeMo RL sends responses of at most 1/α = \(zero) tokens to λ = 0 (TD(0)) and gives λ < λ_min up to \(floor) tokens, where ours is λ_min")
            if !c.decoupledGAE {
                cannotExpress("returns with each response's length-adaptive λ (Decoupled-GAE off, Length-Adaptive on): NeMo RL's returns then use the fixed gae_lambda")
            }
        }
    }

    /// The GRPO trainer's keys for a run without a critic.
    mutating func setGRPO(_ c: TrainingConfiguration) {
        set(.grpoPrompts, .integer(c.effectivePromptsPerStep), "prompts per step")
        set(.grpoSamples, .integer(c.effectiveSamplesPerPrompt), "samples per prompt")
        if c.advantageEstimator == .grpo {
            set(.grpoNormalize, .flag(c.normalizeByGroupStd), "divide each group's centred scores by their std (off: Dr. GRPO)")
            set(.grpoLeaveOneOut, .flag(false), "the group's plain mean as the baseline, as ours")
        } else {
            cannotExpress("VinePPO's Monte-Carlo values (advantageEstimator vineppo): NeMo RL has no such estimator; only the GRPO trainer's batch shape is written")
        }
        setDAPOParts(c, dynamicSampling: .grpoDynamicSampling, batches: .grpoDynamicBatches, filtering: .grpoOverlongFiltering,
                     shaping: (.grpoShaping, .grpoShapingBuffer, .grpoShapingPenalty, .grpoShapingMax))
    }

    /// Dynamic sampling, overlong filtering and the soft overlong punishment, at the trainer's keys.
    private mutating func setDAPOParts(
        _ c: TrainingConfiguration, dynamicSampling: Key, batches: Key, filtering: Key, shaping: (enabled: Key, buffer: Key, penalty: Key, max: Key)
    ) {
        set(dynamicSampling, .flag(c.filtersEqualGroups), c.filtersEqualGroups ? "DAPO's dynamic sampling: drop groups whose scores are all equal" : "every group trains")
        if c.filtersEqualGroups {
            set(batches, .integer(c.dynamicSamplingMaxRetries + 1), "rounds of sampling at most: the first and dynamicSamplingMaxRetries more")
            cannotExpress("dynamic sampling's last round: NeMo RL stops with an error when its rounds run out, where ours trains on the groups it has")
        }
        set(filtering, .flag(c.overlongFiltering), c.overlongFiltering ? "DAPO's overlong filtering: truncated responses out of the actor's loss" : "truncated responses train")
        set(shaping.enabled, .flag(c.overlongPunishment), c.overlongPunishment ? "DAPO's soft overlong punishment" : "no reward shaping")
        if c.overlongPunishment {
            set(shaping.buffer, .integer(c.overlongCacheLength), "L_cache: the punishment starts at max_response_length − this")
            set(shaping.penalty, .number(1), "down to −1 at max_response_length, as ours")
            set(shaping.max, .integer(c.overlongMaxLength), "L_max")
        }
    }
}
