// Specs/vapo.md, "Configuration": the range checks of a training configuration.
import Tasks
import Training

/// A training configuration that cannot be read or run: one line starting "training configuration: " and
/// naming the field, its value and what is allowed.
public typealias TrainingConfigurationError = ConfigurationError<TrainingConfiguration>

extension TrainingConfiguration {
    /// The most responses a step may sample, promptsPerStep × samplesPerPrompt: 2^16. Each field alone may be
    /// 65536, but the step's rollout holds every response at once, so their product is bounded too (the
    /// presets sample 64 to 256).
    public static let maximumResponsesPerStep = 1 << 16

    /// The most response tokens a step may ask for, responses per step × maxNewTokens: 2^24. The rollout keeps
    /// some twenty numbers per token (the id, masks, log-probabilities, entropies, values, the critic's ten
    /// features, advantages, returns), about 100 bytes, so this bound keeps it under 2 GB; the defaults ask
    /// for 64 × 96 = 6144.
    public static let maximumResponseTokensPerStep = 1 << 24

    /// This configuration, after checking every field's range (`fields`, in their order), then the fields that
    /// must agree; the first violation is thrown.
    public func validated() throws(TrainingConfigurationError) -> TrainingConfiguration {
        if let (field, value, allowed) = fieldOutOfRange() { throw .outOfRange(field: field, value: value, allowed: allowed) }
        func check(_ ok: Bool, _ field: String, _ value: any CustomStringConvertible, _ allowed: String) throws(TrainingConfigurationError) {
            if !ok { throw .outOfRange(field: field, value: "\(value)", allowed: allowed) }
        }
        if !usesCritic {
            let estimator = "advantageEstimator \(advantageEstimator.rawValue)"
            let critic: [(String, Bool)] = [
                ("valuePretraining", valuePretraining), ("decoupledGAE", decoupledGAE), ("lengthAdaptiveGAE", lengthAdaptiveGAE),
            ]
            for (field, on) in critic {
                try check(!on, field, on, "false with \(estimator) (it has no critic)")
            }
        }
        if advantageEstimator == .grpo {
            let estimator = "advantageEstimator \(advantageEstimator.rawValue)"
            try check(groupSampling, "groupSampling", groupSampling, "true with \(estimator) (its advantages compare the samples of a prompt)")
            try check(samplesPerPrompt >= 2, "samplesPerPrompt", samplesPerPrompt, "2 or more with \(estimator)")
        }
        try check(
            responsesPerStep <= Self.maximumResponsesPerStep, "samplesPerPrompt", samplesPerPrompt,
            "1...\(Self.maximumResponsesPerStep / promptsPerStep) (promptsPerStep × samplesPerPrompt, the responses per step, at most \(Self.maximumResponsesPerStep))")
        try check(
            miniBatchSize >= 1 && miniBatchSize <= responsesPerStep, "miniBatchSize", miniBatchSize,
            "1...\(responsesPerStep) (the responses per step, promptsPerStep × samplesPerPrompt)")
        try check(microBatchSize >= 1 && microBatchSize <= miniBatchSize, "microBatchSize", microBatchSize, "1...\(miniBatchSize) (miniBatchSize)")
        try check(
            overlongCacheLength >= 0 && overlongCacheLength <= overlongMaxLength, "overlongCacheLength", overlongCacheLength,
            "0...\(overlongMaxLength) (overlongMaxLength)")
        try check(
            rewardIncorrect.isFinite && rewardIncorrect < rewardCorrect, "rewardIncorrect", rewardIncorrect,
            "a finite number below rewardCorrect \(rewardCorrect)")
        try check(
            responsesPerStep * maxNewTokens <= Self.maximumResponseTokensPerStep, "maxNewTokens", maxNewTokens,
            "1...\(Self.maximumResponseTokensPerStep / responsesPerStep) (responses per step × maxNewTokens at most \(Self.maximumResponseTokensPerStep))")
        // A value-pretraining batch is sampled and held like an RL step's rollout, so it has the same bounds.
        let samples = effectiveSamplesPerPrompt
        let mostPrompts = min(Self.maximumResponsesPerStep / samples, Self.maximumResponseTokensPerStep / (samples * maxNewTokens))
        try check(
            valuePretrainingPrompts <= mostPrompts, "valuePretrainingPrompts", valuePretrainingPrompts,
            "1...\(mostPrompts) (valuePretrainingPrompts × \(samples) samples per prompt, a value-pretraining batch, at most "
                + "\(Self.maximumResponsesPerStep) responses and \(Self.maximumResponseTokensPerStep) response tokens)")
        let task: any ReasoningTask
        do { task = try TaskRegistry.task(named: self.task) } catch {
            throw .outOfRange(field: "task", value: self.task.debugDescription, allowed: TaskRegistry.names.joined(separator: ", "))
        }
        let range = task.difficulties
        let allowed = "\(range.lowerBound)...\(range.upperBound) for task \(task.name), or null"
        if let minDifficulty { try check(range.contains(minDifficulty), "minDifficulty", minDifficulty, allowed) }
        if let maxDifficulty {
            try check(range.contains(maxDifficulty), "maxDifficulty", maxDifficulty, allowed)
            let lowest = minDifficulty ?? range.lowerBound
            try check(maxDifficulty >= lowest, "maxDifficulty", maxDifficulty, "\(lowest)...\(range.upperBound) (minDifficulty or more)")
        }
        try check(
            evalProblems * evalSamples <= EvaluationOptions.maximumResponses, "evalSamples", evalSamples,
            "1...\(EvaluationOptions.maximumResponses / max(evalProblems, 1)) (evalProblems × evalSamples, the evaluation's sampled responses, at most \(EvaluationOptions.maximumResponses))")
        return self
    }

    /// The difficulties drawn from `task`: `minDifficulty...maxDifficulty`, each defaulting to the task's bound.
    public func difficulties(of task: any ReasoningTask) -> ClosedRange<Int> {
        (minDifficulty ?? task.difficulties.lowerBound)...(maxDifficulty ?? task.difficulties.upperBound)
    }
}
