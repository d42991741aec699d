// Specs/vapo.md, "The loop, step by step": Value-Pretraining, in the set-up.
import Kernels
import RLMath

extension Trainer {
    /// VAPO's Value-Pretraining (§3 of the paper): before any policy update, fit the critic to Monte-Carlo
    /// returns (GAE with λ = 1) of responses sampled from the fixed starting policy, for at most
    /// `valuePretrainingSteps` steps, stopping as soon as the explained variance reaches
    /// `valuePretrainingExplainedVariance`.
    ///
    /// Each step samples a fresh batch (phase "value-pretraining": its own problems and sampling streams,
    /// `valuePretrainingPrompts` × k responses), scores it with the critic (and, for a critic that reads the
    /// policy's surprise, with the policy: `Rollout.score`), and first measures the critic on it — the value loss and
    /// the explained variance of the returns, over the whole batch, before any update on it, so they are
    /// measured on data the critic has not been fitted to. If the explained variance has reached the threshold
    /// the phase stops there (no update on that batch); otherwise the critic takes its usual mini-batch
    /// updates (`ppoEpochs` passes). Records per step: `value_pretrain/step`, `value_pretrain/vf_loss`,
    /// `value_pretrain/vf_explained_var`, and after an update `value_pretrain/grad_norm` (and with
    /// `skipNonFiniteBatches` `value_pretrain/skipped_batches`).
    func pretrainValue() throws(TrainingError) {
        guard let critic else { return }
        let c = configuration
        let sampler = ResponseSampler(task: task, configuration: c, phase: "value-pretraining")
        let (n, k) = (c.valuePretrainingPrompts, c.effectiveSamplesPerPrompt)
        for step in 0..<c.valuePretrainingSteps {
            let problems = try sampler.problems(count: n, at: step * n)
            let groups = try sampler.sample(policy, problems: problems, firstPromptIndex: 0, samplesPerPrompt: k, step: step)
            var rollout = Rollout<Scalar>(responses: groups.flatMap { $0 }, samplesPerGroup: k, overlongFiltering: false)
            rollout.score(
                policy: critic.configuration.tokenFeatures > 0 ? policy : nil, critic: critic, reference: nil, chunkSize: c.microBatchSize,
                temperature: Scalar(c.temperature))
            let values = rollout.values ?? []
            let masks = rollout.responseMasks
            let returns = monteCarloReturns(rewards: rollout.rewards, masks: masks, gamma: Scalar(c.gamma))
            let explained = Double(explainedVariance(values: values, returns: returns, masks: masks))
            let loss = ValueLoss(values: values, returns: returns, masks: masks, normalizer: LossNormalizer(wholeBatchMasks: masks))
            var record: Metrics = [:]
            record[.valuePretrainingStep] = Double(step)
            record[.valuePretrainingLoss] = Double(loss.value)
            record[.valuePretrainingExplainedVariance] = explained
            if explained >= c.valuePretrainingExplainedVariance {
                valuePretrainingHistory.append(record)
                setUpProgress?(record)
                return
            }
            let orders = epochMiniBatches(
                count: rollout.count, size: c.miniBatchSize, epochs: c.ppoEpochs,
                stream: RandomStream(seed: c.seed, name: "value-pretraining/minibatches").child(step))
            let update = try updateCritic(rollout: rollout, returns: returns, orders: orders, site: FaultSite(component: .valuePretraining, step: step))
            record[.valuePretrainingGradientNorm] = update[.criticGradientNorm]
            record[.valuePretrainingSkippedBatches] = update[.criticSkippedBatches]
            criticScheduleStep += 1
            valuePretrainingHistory.append(record)
            setUpProgress?(record)
        }
    }
}
