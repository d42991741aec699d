// Specs/vapo.md, "The recipe" and "Trainer state".
import Autograd
import Kernels
import RLMath
import Tasks
import Training
import Transformer

/// The one RL training loop of VAPO, PPO, GRPO and DAPO, whose parts the configuration's recipe chooses
/// (`TrainingRecipe`): `prepare()` sets the critic up (reward model or policy trunk, then Value-Pretraining),
/// and each `step()` samples and filters groups, scores them, estimates advantages, updates the critic and the
/// actor, and returns its metrics.
///
/// Deterministic: every random choice comes from a stream named under the configuration's seed (problems,
/// samples, mini-batch orders, head initialisations) and every computation has a fixed order, so the same
/// configuration and starting policy give the same parameter bits and the same metrics (except the wall-clock
/// `timing_s/*` and `perf/*`) with any thread count. The streams are counter-based: the RL step
/// (`completedSteps`) and `dataPosition` are their only counters, so `checkpoint()` and
/// `init(resumingFrom:configuration:task:)` stop and continue a run bit for bit (TrainerState.swift).
public final class Trainer<Scalar: KernelScalar & RLRealScalar> {
    /// The validated configuration.
    public let configuration: TrainingConfiguration
    /// The parts the configuration chooses.
    public let recipe: TrainingRecipe
    /// The task the problems come from.
    public let task: any ReasoningTask
    /// The policy being trained (its own storage: the caller's model is never modified).
    public private(set) var policy: GPT<Scalar>
    /// The value model (with a GAE estimator: VAPO and PPO), set by `prepare()`.
    public internal(set) var critic: GPT<Scalar>?
    /// The frozen reference of the actor's KL term (GRPO's): the starting policy.
    public internal(set) var reference: GPT<Scalar>?
    /// RL steps done.
    public internal(set) var completedSteps = 0
    /// Training problems the RL steps have consumed: the next step starts at this index.
    public internal(set) var dataPosition = 0
    /// The reward model's per-step metrics (with `valueInitialization == .fromRewardModel`). Like
    /// `valuePretrainingHistory`, empty in a trainer resumed from a checkpoint (which keeps only their summary).
    public private(set) var rewardModelHistory: [Metrics] = []
    /// Value-Pretraining's per-step metrics.
    public internal(set) var valuePretrainingHistory: [Metrics] = []
    /// Called after each set-up step, reward-model training then Value-Pretraining, with that step's record
    /// (the `reward_model/*` or `value_pretrain/*` keys, `…/step` counting from 0), so that a caller can show a
    /// set-up that takes minutes. Observes only: nothing it does changes the run.
    public var setUpProgress: ((Metrics) -> Void)?
    /// The last step's rollout and advantages (for rollout dumps, `RolloutDump`).
    public private(set) var lastRollout: (rollout: Rollout<Scalar>, estimate: AdvantageEstimate<Scalar>?)?

    /// Whether `prepare()` has run.
    var prepared = false
    /// The set-up phases' last records, reported with the first RL step (`preparationSummary()`).
    var preparedSummary: Metrics = [:]
    /// Updates of the critic's learning-rate schedule so far: value-pretraining steps, then RL steps.
    var criticScheduleStep = 0
    let actorOptimizer: ModelOptimizer<Scalar>
    let criticOptimizer: ModelOptimizer<Scalar>
    private let sampler: ResponseSampler

    /// A trainer for `policy` (a language-model head over the Tasks tokenizer) under `configuration`, which is
    /// validated first. `task` replaces the registry's task named by the configuration (tests use this).
    public init(configuration: TrainingConfiguration, policy: GPT<Scalar>, task: (any ReasoningTask)? = nil) throws(TrainingError) {
        let c: TrainingConfiguration
        do { c = try configuration.validated() } catch { throw .configuration(error) }
        guard policy.head == .languageModel else {
            throw .model(field: "policy head", value: policy.head.rawValue, allowed: GPTHead.languageModel.rawValue)
        }
        guard policy.configuration.vocabulary == Tokenizer.vocabularySize else {
            throw .model(field: "vocabulary", value: "\(policy.configuration.vocabulary)", allowed: "\(Tokenizer.vocabularySize) (the Tasks tokenizer)")
        }
        // A forward and backward pass over a micro-batch holds its activations at once; a sequence is at most
        // the longest problem and maxNewTokens response tokens, and never longer than the context.
        let shape = policy.configuration
        let length = min(shape.context, Problem.maximumTokenCount + c.maxNewTokens)
        let limit = GPTConfiguration.maximumActivationScalars, perSequence = shape.activationScalars(sequences: 1, length: length)
        guard c.microBatchSize <= limit / perSequence else {
            let allowed = perSequence > limit
                ? "none with this policy (one sequence of \(length) tokens needs \(perSequence) activation scalars, more than \(limit))"
                : "1...\(limit / perSequence) (sequences of \(length) tokens of this policy: activations at most \(limit) scalars)"
            throw .model(field: "microBatchSize", value: "\(c.microBatchSize)", allowed: allowed)
        }
        self.configuration = c
        recipe = TrainingRecipe(configuration: c)
        if let task {
            self.task = task
        } else {
            do { self.task = try TaskRegistry.task(named: c.task) } catch { throw .task(error) }
        }
        self.policy = policy.independentCopy()
        reference = recipe.keepsReference ? policy.independentCopy() : nil
        actorOptimizer = ModelOptimizer(
            learningRate: c.actorLearningRate, warmupSteps: c.warmupSteps, gradientClip: c.gradientClip, skipsNonFiniteBatches: c.skipNonFiniteBatches)
        criticOptimizer = ModelOptimizer(
            learningRate: c.criticLearningRate, warmupSteps: c.warmupSteps, gradientClip: c.gradientClip, skipsNonFiniteBatches: c.skipNonFiniteBatches)
        sampler = ResponseSampler(task: self.task, configuration: c, phase: "rl")
    }

    /// Sets the critic up, once, before any policy update (`step()` calls it): from a reward model trained on
    /// the starting policy's samples or from the policy's trunk, then Value-Pretraining when it is on.
    /// Nothing to do for GRPO and DAPO.
    public func prepare() throws(TrainingError) {
        guard !prepared else { return }
        let c = configuration
        if let recipe = recipe.critic {
            switch recipe.initialization {
            case .fromRewardModel:
                (critic, rewardModelHistory) = try RewardModelTraining.train(policy: policy, task: task, configuration: c, progress: setUpProgress)
            case .fromPolicyTrunk:
                critic = policy.scalarModelOnTrunk(stream: RandomStream(seed: c.seed, name: "critic/init"))
            }
            if recipe.readsSurprise {
                critic = critic?.readingTokenFeatures(SurpriseFeatures.count, stream: RandomStream(seed: c.seed, name: "critic/features"))
            }
            if recipe.pretrains { try pretrainValue() }
        }
        preparedSummary = preparationSummary()
        prepared = true
    }

    /// One RL step: rollout, advantages, `ppoEpochs` passes of mini-batch updates of the critic and the actor,
    /// and an evaluation every `evalEvery` steps. Returns the step's metrics.
    ///
    /// Specialized for Float (the command line's scalar): a method of a generic class runs its generic body
    /// otherwise, and so does everything it calls, looking generic metadata up at every operation of the RL
    /// bookkeeping (measured: 3–5 % of a step's wall clock, Benchmarks/README.md, "rl-step"). Same operations,
    /// same bits.
    @_specialize(where Scalar == Float)
    public func step() throws(TrainingError) -> Metrics {
        try prepare()
        let clock = ContinuousClock()
        let start = clock.now
        let c = configuration
        let collected = try collectGroups()
        let sampled = clock.now
        var rollout = Rollout<Scalar>(
            responses: collected.groups.flatMap { $0 }, samplesPerGroup: recipe.sampling.samplesPerPrompt, overlongFiltering: recipe.overlongFiltering)
        rollout.score(policy: policy, critic: critic, reference: reference, chunkSize: c.microBatchSize, temperature: Scalar(c.temperature))
        let generated = clock.now
        var metrics = RolloutMetrics.of(rollout, collected: collected, configuration: c)
        lastRollout = (rollout, nil)
        // The update's phases (wall clock only; 0 for a phase that did not run: no responses, no critic).
        var phases = (advantages: Duration.zero, critic: Duration.zero, actor: Duration.zero)
        if rollout.count > 0 {
            let states = recipe.advantageEstimator.monteCarloStates(of: rollout)
            let monteCarlo = try states.map { boundaries throws(TrainingError) in
                try MonteCarloValues.estimate(
                    responses: rollout.responses, boundaries: boundaries, policy: policy, task: task, configuration: c,
                    continuations: c.vineppoContinuations, step: completedSteps)
            }
            let estimate = recipe.advantageEstimator.estimate(rollout, monteCarloValues: monteCarlo)
            if let monteCarlo {
                metrics[.monteCarloStates] = Double(monteCarlo.sampledStates)
                metrics[.monteCarloTokens] = Double(monteCarlo.continuationTokens)
            }
            lastRollout = (rollout, estimate)
            metrics.merge(RolloutMetrics.of(estimate, rollout: rollout), uniquingKeysWith: { $1 })
            let orders = epochMiniBatches(
                count: rollout.count, size: c.miniBatchSize, epochs: c.ppoEpochs,
                stream: RandomStream(seed: c.seed, name: "rl/minibatches").child(completedSteps))
            let estimated = clock.now
            var criticUpdated = estimated
            if let returns = estimate.returns {
                let site = FaultSite(component: .critic, step: completedSteps + 1)
                metrics.merge(try updateCritic(rollout: rollout, returns: returns, orders: orders, site: site), uniquingKeysWith: { $1 })
                criticUpdated = clock.now
            }
            metrics.merge(try updateActor(rollout: rollout, advantages: estimate.advantages, orders: orders), uniquingKeysWith: { $1 })
            phases = (estimated - generated, criticUpdated - estimated, clock.now - criticUpdated)
        }
        if critic != nil { criticScheduleStep += 1 }
        if completedSteps == 0 { metrics.merge(preparedSummary, uniquingKeysWith: { $1 }) }
        completedSteps += 1
        let updated = clock.now
        if c.evalEvery > 0 && c.evalProblems > 0 && completedSteps % c.evalEvery == 0 { metrics.merge(try evaluate(), uniquingKeysWith: { $1 }) }
        let end = clock.now
        metrics[.generationSeconds] = seconds(generated - start)
        metrics[.updateSeconds] = seconds(updated - generated)
        metrics[.stepSeconds] = seconds(end - start)
        metrics[.samplingSeconds] = seconds(sampled - start)
        metrics[.scoringSeconds] = seconds(generated - sampled)
        metrics[.advantageSeconds] = seconds(phases.advantages)
        metrics[.criticUpdateSeconds] = seconds(phases.critic)
        metrics[.actorUpdateSeconds] = seconds(phases.actor)
        metrics[.evaluationSeconds] = seconds(end - updated)
        let tokens = rollout.responses.reduce(0) { $0 + $1.promptTokens.count + $1.responseTokens.count }
        metrics[.throughput] = Double(tokens) / max(seconds(updated - start), 1e-9)
        return metrics
    }

    /// The policy's held-out accuracy now (`HeldOutEvaluation`): `val-core/<task>/acc/pass@1` (greedy),
    /// `val-core/<task>/acc/mean@k` (k = `evalSamples`; greedy pass@1 when k = 1) and per-length-bucket keys;
    /// none with `evalProblems` = 0.
    public func evaluate() throws(TrainingError) -> Metrics {
        try HeldOutEvaluation.metrics(policy: policy, task: task, configuration: configuration)
    }

    /// The step's groups: the recipe's prompts × samples from the next training problems, filtered (and
    /// refilled) by its group filter. Round r's prompt i is sampling prompt index r·n + i of this step.
    private func collectGroups() throws(TrainingError) -> CollectedGroups {
        let (n, k) = (recipe.sampling.prompts, recipe.sampling.samplesPerPrompt)
        return try recipe.groupFilter.sampler(groupsWanted: n).collect { (round: Int) throws(TrainingError) -> [[SampledResponse]] in
            let problems = try sampler.problems(count: n, at: dataPosition)
            dataPosition += n
            return try sampler.sample(policy, problems: problems, firstPromptIndex: round * n, samplesPerPrompt: k, step: completedSteps)
        }
    }

    /// The critic's mini-batch updates over every epoch; the means of their losses, clip fractions and norms,
    /// and with `skipNonFiniteBatches` the count of skipped mini-batches (`critic/skipped_batches`).
    func updateCritic(rollout: Rollout<Scalar>, returns: [[Scalar]], orders: [[[Int]]], site: FaultSite) throws(TrainingError) -> Metrics {
        guard let critic else { return [:] }
        let record = try criticOptimizer.update(
            critic, by: CriticObjective<Scalar>(configuration: configuration).on(rollout, returns: returns), miniBatches: orders.joined(),
            microBatchSize: configuration.microBatchSize, lossName: "critic loss", scheduleStep: criticScheduleStep, site: site)
        var metrics: Metrics = [:]
        metrics[.criticGradientNorm] = record.mean { norm, _ in norm }
        metrics[.valueLoss] = record.mean { $1.loss }
        metrics[.valueClipFraction] = record.mean { $1.clipFraction }
        if configuration.skipNonFiniteBatches { metrics[.criticSkippedBatches] = Double(record.skipped) }
        metrics[.criticLearningRate] = criticOptimizer.learningRate(at: criticScheduleStep)
        return metrics
    }

    /// The actor's mini-batch updates over every epoch; the means of the loss statistics and norms.
    private func updateActor(rollout: Rollout<Scalar>, advantages: [[Scalar]], orders: [[[Int]]]) throws(TrainingError) -> Metrics {
        let c = configuration
        let record = try actorOptimizer.update(
            policy, by: ActorObjective<Scalar>(configuration: c).on(rollout, advantages: advantages), miniBatches: orders.joined(),
            microBatchSize: c.microBatchSize, lossName: "actor loss", scheduleStep: completedSteps,
            site: FaultSite(component: .actor, step: completedSteps + 1))
        var metrics: Metrics = [:]
        metrics[.actorGradientNorm] = record.mean { norm, _ in norm }
        metrics[.actorLoss] = record.mean { $1.loss }
        metrics[.policyLoss] = record.mean { $1.policyLoss }
        metrics[.clipFraction] = record.mean { $1.clipFractionBelow + $1.clipFractionAbove }
        metrics[.dualClipFraction] = record.mean { $1.dualClipFraction }
        metrics[.approximateKL] = record.mean { $1.approximateKL }
        metrics[.clipFractionBelow] = record.mean { $1.clipFractionBelow }
        metrics[.clipFractionAbove] = record.mean { $1.clipFractionAbove }
        if recipe.actorLoss.positiveExampleWeight != nil { metrics[.positiveExampleNLL] = record.mean { $1.positiveExampleNLL } }
        if recipe.keepsReference { metrics[.klLoss] = record.mean { $1.klDivergence } }
        if c.skipNonFiniteBatches { metrics[.actorSkippedBatches] = Double(record.skipped) }
        metrics[.actorLearningRate] = actorOptimizer.learningRate(at: completedSteps)
        return metrics
    }

    /// The set-up phases' last records, reported with the first RL step.
    private func preparationSummary() -> Metrics {
        var summary: Metrics = [:]
        for record in [rewardModelHistory.last, valuePretrainingHistory.last].compactMap({ $0 }) {
            summary.merge(record.filter { $0.key != MetricKey.rewardModelStep.rawValue && $0.key != MetricKey.valuePretrainingStep.rawValue }, uniquingKeysWith: { $1 })
        }
        if recipe.critic?.pretrains == true { summary[.valuePretrainingSteps] = Double(valuePretrainingHistory.count) }
        return summary
    }
}
