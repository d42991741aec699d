// Specs/vapo.md, "The loop, step by step": the reward model of the critic's set-up.
import Autograd
import Kernels
import RLMath
import Tasks
import Transformer

/// The reward model behind PPO's (and by default VAPO's) value initialisation: a scalar-head GPT on the
/// starting policy's trunk, trained to tell correct responses from wrong ones at their last token.
///
/// Each step samples a batch of the starting policy's responses (phase "reward-model": its own problems and
/// sampling streams), labels them with the verifier, and minimises the mean binary cross-entropy of the score
/// at each response's last token (`GPT.rewardLoss`) over mini-batches, one AdamW update each. Its metrics,
/// measured on the step's fresh batch before the update: `reward_model/loss`, `reward_model/accuracy` (score
/// > 0 agrees with the verifier), `reward_model/correct_fraction`, `reward_model/grad_norm` (mean), and with
/// `skipNonFiniteBatches` `reward_model/skipped_batches`.
///
/// The paper's point is the bias this model carries into the critic: it scores only complete responses, so
/// the values it gives incomplete prefixes are off, which Value-Pretraining corrects.
enum RewardModelTraining {
    static func train<S: KernelScalar & RLRealScalar>(
        policy: GPT<S>, task: any ReasoningTask, configuration c: TrainingConfiguration, progress: ((Metrics) -> Void)? = nil
    ) throws(TrainingError) -> (model: GPT<S>, history: [Metrics]) {
        let model = policy.scalarModelOnTrunk(stream: RandomStream(seed: c.seed, name: "reward-model/init"))
        let optimizer = ModelOptimizer<S>(
            learningRate: c.rewardModelLearningRate, warmupSteps: c.warmupSteps, gradientClip: c.gradientClip,
            skipsNonFiniteBatches: c.skipNonFiniteBatches)
        let sampler = ResponseSampler(task: task, configuration: c, phase: "reward-model")
        let (n, k) = (c.effectivePromptsPerStep, c.effectiveSamplesPerPrompt)
        var history: [Metrics] = []
        for step in 0..<c.rewardModelSteps {
            let problems = try sampler.problems(count: n, at: step * n)
            let responses = try sampler.sample(policy, problems: problems, firstPromptIndex: 0, samplesPerPrompt: k, step: step).flatMap { $0 }
            let labels = responses.map(\.correct)
            let whole = PaddedBatch<S>(sequences: responses.map(\.tokens), responseMasks: responses.map(\.responseMask))
            let scores = model.rewards(whole.tokens, at: whole.lengths.map { $0 - 1 })
            var metrics: Metrics = [:]
            metrics[.rewardModelStep] = Double(step)
            metrics[.rewardModelLoss] = Double(scores.binaryCrossEntropy(labels: labels.map { $0 ? 1 : 0 }).scalar)
            metrics[.rewardModelAccuracy] = Double(zip(scores.scalars, labels).filter { ($0 > 0) == $1 }.count) / Double(labels.count)
            metrics[.rewardModelCorrectFraction] = Double(labels.filter { $0 }.count) / Double(labels.count)
            let record = try optimizer.update(
                model, by: Objective(responses: responses, labels: labels),
                miniBatches: miniBatches(count: responses.count, size: c.miniBatchSize, stream: RandomStream(seed: c.seed, name: "reward-model/minibatches").child(step)),
                microBatchSize: c.microBatchSize, lossName: "reward model loss", scheduleStep: step, site: FaultSite(component: .rewardModel, step: step))
            metrics[.rewardModelGradientNorm] = record.mean { norm, _ in norm } ?? 0
            if c.skipNonFiniteBatches { metrics[.rewardModelSkippedBatches] = Double(record.skipped) }
            history.append(metrics)
            progress?(metrics)
        }
        return (model, history)
    }

    /// The reward model's objective on a step's responses: the mean binary cross-entropy of the score at each
    /// response's last token, each micro-batch's mean scaled by its share of the mini-batch so that the parts sum
    /// to the mini-batch's mean.
    struct Objective<S: KernelScalar & RLRealScalar>: MiniBatchObjective {
        let responses: [SampledResponse]
        let labels: [Bool]

        func loss(of part: [Int], in rows: [Int], model: GPT<S>, parameters: [Tensor<S>]) -> (loss: Tensor<S>, statistics: LossStatistics) {
            let batch = PaddedBatch<S>(sequences: part.map { responses[$0].tokens }, responseMasks: part.map { responses[$0].responseMask })
            let loss = model.rewardLoss(batch.tokens, eosPositions: batch.lengths.map { $0 - 1 }, correct: part.map { labels[$0] }, parameters: parameters)
                .scaled(by: S(part.count) / S(rows.count))
            return (loss, LossStatistics(loss: Double(loss.scalar)))
        }
    }
}

/// A mini-batch's loss, and nothing else.
struct LossStatistics: ObjectiveStatistics {
    var loss: Double

    static var zero: Self { Self(loss: 0) }
    static func + (lhs: Self, rhs: Self) -> Self { Self(loss: lhs.loss + rhs.loss) }
}
