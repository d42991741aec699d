// Specs/scaling-out.md, "verl": the actor's and the critic's updates as verl's keys.
import Autograd
import VAPO

extension EngineConfiguration where Key == VerlKey {
    /// The actor's loss (VAPO 4, 5 and 6 and GRPO's KL) and its optimizer.
    mutating func setActor(_ c: TrainingConfiguration) {
        set(.clipLow, .number(c.epsilonLow), "ε_low: the ratio is clipped below at 1 − ε_low")
        set(.clipHigh, .number(c.clipHigher ? c.epsilonHigh : c.epsilonLow), c.clipHigher ? "ε_high (VAPO 5, Clip-Higher)" : "ε_low again: a symmetric clip (Clip-Higher off)")
        set(.clipC, .number(c.dualClip ?? 1e30), c.dualClip == nil ? "no dual clip: verl always applies one, so a c that never binds" : "the dual clip c for negative advantages")
        set(.lossAggMode, .text(c.tokenLevelLoss ? "token-mean" : "seq-mean-token-mean"), c.tokenLevelLoss ? "VAPO 4, token-level loss: every token of a mini-batch weighs the same" : "sample-level: each response's token mean, averaged over responses")
        let samples = c.effectiveSamplesPerPrompt
        set(.miniBatch, .integer(Swift.max(1, c.miniBatchSize / samples)), "prompts per update: verl multiplies by rollout.n, so \(c.miniBatchSize) responses")
        if c.miniBatchSize % samples != 0 {
            cannotExpress("a mini-batch of \(c.miniBatchSize) responses, not a multiple of \(samples) samples per prompt: verl's ppo_mini_batch_size counts prompts")
        }
        set(.microBatch, .integer(c.microBatchSize), "responses per forward/backward pass (memory only, as ours)")
        set(.epochs, .integer(c.ppoEpochs), "passes over the step's responses")
        set(.actorClip, .number(c.gradientClip), "global gradient-norm clip")
        set(.entropy, .number(0), "no entropy bonus")
        set(.useKLLoss, .flag(c.referenceKL), c.referenceKL ? "GRPO's KL to the starting policy, as a loss term" : "no KL term")
        if c.referenceKL {
            set(.klCoef, .number(c.grpoBeta), "β")
            set(.klType, .text("low_var_kl"), "k3, as ours (verl clamps it to [−10, 10])")
        }
        set(.actorLR, .number(c.actorLearningRate), "the actor's peak learning rate")
        set(.actorWarmup, .integer(c.warmupSteps), "linear warm-up steps, then constant")
        set(.actorDecay, .number(AdamW<Float>.Configuration().weightDecay), "AdamW's decoupled weight decay, as ours")
        if c.positiveExampleLoss {
            cannotExpress("VAPO 6, the positive-example LM loss (μ \(c.mu)·NLL of the correct responses): verl's actor has no such term")
        }
    }

    /// The critic and Value-Pretraining (VAPO 1), when the run has a critic.
    mutating func setCritic(_ c: TrainingConfiguration) {
        set(.criticEnable, .flag(c.usesCritic), c.usesCritic ? "a value model: verl creates one by itself only for adv_estimator gae" : "no value model")
        guard c.usesCritic else { return }
        set(.criticLR, .number(c.criticLearningRate), "the critic's peak learning rate")
        set(.criticWarmupLR, .integer(c.warmupSteps), "linear warm-up steps, then constant")
        set(.criticDecay, .number(AdamW<Float>.Configuration().weightDecay), "AdamW's decoupled weight decay, as ours")
        set(.criticClip, .number(c.gradientClip), "global gradient-norm clip")
        set(.valueClip, .number(c.valueClipRange ?? 1e30), c.valueClipRange == nil ? "no value clipping: verl always clips, so a range that never binds" : "value clipping range around the rollout's values")
        set(.criticMicroBatch, .integer(c.microBatchSize), "responses per forward/backward pass")
        set(.criticWarmup, .integer(c.valuePretraining ? c.valuePretrainingSteps + 1 : 0),
            c.valuePretraining ? "VAPO 1, Value-Pretraining: steps 1…\(c.valuePretrainingSteps) update the critic only (verl updates the actor once its step, counted from 1, reaches this)" : "no critic-only steps (Value-Pretraining off)")
        if c.valuePretraining {
            cannotExpress("Value-Pretraining's own batch (\(c.valuePretrainingPrompts) prompts a step) and its early stop at explained variance \(c.valuePretrainingExplainedVariance): verl's critic_warmup runs exactly \(c.valuePretrainingSteps) ordinary steps without actor updates")
        }
    }
}
