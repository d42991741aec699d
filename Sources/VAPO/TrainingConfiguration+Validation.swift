import StrictJSON
import Tasks
import Training

/// A training configuration that cannot run: one line naming the field, its value and what is allowed.
public enum TrainingConfigurationError: Error, Equatable, CustomStringConvertible {
    /// `field` has `value` (as the user wrote it), which is not in `allowed`.
    case outOfRange(field: String, value: String, allowed: String)
    /// The JSON has a field this type does not have (often a typo), and the known field it most likely
    /// meant (`NearestName`), if any.
    case unknownField(String, suggestion: String?)
    /// The JSON field holds `found` (as written, or its kind), which is not `expected`.
    case wrongType(field: String, expected: String, found: String)
    /// The text is not JSON: where, and why.
    case malformedJSON(JSONSyntaxError)
    /// The text is JSON but not an object (`found` is its kind).
    case notAnObject(found: String)

    public var description: String {
        switch self {
        case .outOfRange(let field, let value, let allowed):
            return "training configuration: \(field) is \(value); allowed: \(allowed)"
        case .unknownField(let name, let suggestion?):
            return "training configuration: unknown field \(name.debugDescription); did you mean \(suggestion.debugDescription)?"
        case .unknownField(let name, nil):
            return "training configuration: unknown field \(name.debugDescription); allowed: "
                + TrainingConfiguration.jsonKeys.joined(separator: ", ")
        case .wrongType(let field, let expected, let found):
            return "training configuration: \(field) must be \(expected); found \(found)"
        case .malformedJSON(let error):
            return "training configuration: not valid JSON at \(error)"
        case .notAnObject(let found):
            return "training configuration: expected a JSON object of fields; found \(found)"
        }
    }
}

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

    /// This configuration, after checking every field's range and the fields that must agree; the first
    /// violation, in declaration order, is thrown.
    public func validated() throws(TrainingConfigurationError) -> TrainingConfiguration {
        func check(_ ok: Bool, _ field: String, _ value: any CustomStringConvertible, _ allowed: String) throws(TrainingConfigurationError) {
            if !ok { throw .outOfRange(field: field, value: "\(value)", allowed: allowed) }
        }
        func positive(_ value: Double, _ field: String) throws(TrainingConfigurationError) {
            try check(value > 0 && value.isFinite, field, value, "a positive finite number")
        }
        func unitInterval(_ value: Double, _ field: String) throws(TrainingConfigurationError) {
            try check(value >= 0 && value <= 1, field, value, "[0, 1]")
        }
        func atLeast(_ value: Int, _ minimum: Int, _ field: String) throws(TrainingConfigurationError) {
            try check(value >= minimum, field, value, "\(minimum) or more")
        }
        // Counts that size allocations or multiply each other are bounded above too, so that no value
        // overflows an Int or asks for memory the machine cannot have before a message can be printed.
        func within(_ value: Int, _ range: ClosedRange<Int>, _ field: String) throws(TrainingConfigurationError) {
            try check(range.contains(value), field, value, "\(range.lowerBound)...\(range.upperBound)")
        }

        if !algorithm.usesCritic {
            let critic: [(String, Bool)] = [
                ("valuePretraining", valuePretraining), ("decoupledGAE", decoupledGAE), ("lengthAdaptiveGAE", lengthAdaptiveGAE),
            ]
            for (field, on) in critic {
                try check(!on, field, on, "false with algorithm \(algorithm.rawValue) (it has no critic)")
            }
            try check(groupSampling, "groupSampling", groupSampling, "true with algorithm \(algorithm.rawValue) (its advantages compare the samples of a prompt)")
            try check(samplesPerPrompt >= 2, "samplesPerPrompt", samplesPerPrompt, "2 or more with algorithm \(algorithm.rawValue)")
        }
        try within(promptsPerStep, 1...65536, "promptsPerStep")
        try within(samplesPerPrompt, 1...65536, "samplesPerPrompt")
        try check(
            responsesPerStep <= Self.maximumResponsesPerStep, "samplesPerPrompt", samplesPerPrompt,
            "1...\(Self.maximumResponsesPerStep / promptsPerStep) (promptsPerStep × samplesPerPrompt, the responses per step, at most \(Self.maximumResponsesPerStep))")
        try check(
            miniBatchSize >= 1 && miniBatchSize <= responsesPerStep, "miniBatchSize", miniBatchSize,
            "1...\(responsesPerStep) (the responses per step, promptsPerStep × samplesPerPrompt)")
        try check(microBatchSize >= 1 && microBatchSize <= miniBatchSize, "microBatchSize", microBatchSize, "1...\(miniBatchSize) (miniBatchSize)")
        try within(ppoEpochs, 1...1000, "ppoEpochs")
        try positive(actorLearningRate, "actorLearningRate")
        try positive(criticLearningRate, "criticLearningRate")
        try atLeast(warmupSteps, 0, "warmupSteps")
        try positive(gradientClip, "gradientClip")
        try unitInterval(gamma, "gamma")
        try unitInterval(lambdaCritic, "lambdaCritic")
        try unitInterval(lambdaPolicy, "lambdaPolicy")
        try positive(alpha, "alpha")
        try check(lambdaMin >= 0 && lambdaMin < 1, "lambdaMin", lambdaMin, "[0, 1)")
        try check(epsilonLow >= 0 && epsilonLow < 1, "epsilonLow", epsilonLow, "[0, 1)")
        try check(epsilonHigh >= 0 && epsilonHigh.isFinite, "epsilonHigh", epsilonHigh, "0 or more")
        if let dualClip { try check(dualClip > 1 && dualClip.isFinite, "dualClip", dualClip, "a finite number above 1, or null") }
        try check(mu >= 0 && mu.isFinite, "mu", mu, "0 or more")
        if let valueClipRange {
            try check(valueClipRange >= 0 && valueClipRange.isFinite, "valueClipRange", valueClipRange, "0 or more, or null")
        }
        try atLeast(valuePretrainingSteps, 0, "valuePretrainingSteps")
        try atLeast(valuePretrainingPrompts, 1, "valuePretrainingPrompts")
        try check(
            valuePretrainingExplainedVariance <= 1 && valuePretrainingExplainedVariance.isFinite, "valuePretrainingExplainedVariance",
            valuePretrainingExplainedVariance, "a finite number up to 1")
        try atLeast(rewardModelSteps, 0, "rewardModelSteps")
        try positive(rewardModelLearningRate, "rewardModelLearningRate")
        try check(grpoBeta >= 0 && grpoBeta.isFinite, "grpoBeta", grpoBeta, "0 or more")
        try within(dynamicSamplingMaxRetries, 0...1000, "dynamicSamplingMaxRetries")
        try atLeast(overlongMaxLength, 1, "overlongMaxLength")
        try check(
            overlongCacheLength >= 0 && overlongCacheLength <= overlongMaxLength, "overlongCacheLength", overlongCacheLength,
            "0...\(overlongMaxLength) (overlongMaxLength)")
        try check(rewardCorrect.isFinite, "rewardCorrect", rewardCorrect, "a finite number")
        try check(
            rewardIncorrect.isFinite && rewardIncorrect < rewardCorrect, "rewardIncorrect", rewardIncorrect,
            "a finite number below rewardCorrect \(rewardCorrect)")
        try check(temperature > 0 && temperature.isFinite, "temperature", temperature, "a positive finite number (rollouts are scored under softmax(logits / temperature))")
        try check(topP > 0 && topP <= 1, "topP", topP, "(0, 1]")
        try within(maxNewTokens, 1...1_000_000, "maxNewTokens")
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
        try atLeast(evalEvery, 0, "evalEvery")
        try within(evalProblems, 0...1_000_000, "evalProblems")
        try within(evalSamples, 1...1024, "evalSamples")
        try check(
            evalProblems * evalSamples <= EvaluationOptions.maximumResponses, "evalSamples", evalSamples,
            "1...\(EvaluationOptions.maximumResponses / max(evalProblems, 1)) (evalProblems × evalSamples, the evaluation's sampled responses, at most \(EvaluationOptions.maximumResponses))")
        try check(evalTemperature >= 0 && evalTemperature.isFinite, "evalTemperature", evalTemperature, "0 (greedy) or a positive finite number")
        try check(evalTopP > 0 && evalTopP <= 1, "evalTopP", evalTopP, "(0, 1]")
        return self
    }

    /// The difficulties drawn from `task`: `minDifficulty...maxDifficulty`, each defaulting to the task's bound.
    public func difficulties(of task: any ReasoningTask) -> ClosedRange<Int> {
        (minDifficulty ?? task.difficulties.lowerBound)...(maxDifficulty ?? task.difficulties.upperBound)
    }
}
