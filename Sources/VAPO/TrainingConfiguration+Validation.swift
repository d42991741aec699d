import Tasks

/// A training configuration that cannot run: one line naming the field, its value and what is allowed.
public enum TrainingConfigurationError: Error, Equatable, CustomStringConvertible {
    /// `field` has `value` (as the user wrote it), which is not in `allowed`.
    case outOfRange(field: String, value: String, allowed: String)
    /// The JSON has a field this type does not have (often a typo).
    case unknownField(String)
    /// The JSON field holds a value of another type.
    case wrongType(field: String, expected: String)
    /// The text is not JSON (the parser's message).
    case malformedJSON(String)

    public var description: String {
        switch self {
        case .outOfRange(let field, let value, let allowed):
            return "training configuration: \(field) is \(value); allowed: \(allowed)"
        case .unknownField(let name):
            return "training configuration: unknown field \(name.debugDescription); allowed: "
                + (["preset"] + TrainingConfiguration.fieldNames).joined(separator: ", ")
        case .wrongType(let field, let expected):
            return "training configuration: \(field) must be \(expected)"
        case .malformedJSON(let message):
            return "training configuration: not valid JSON: \(message)"
        }
    }
}

extension TrainingConfiguration {
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
        try atLeast(promptsPerStep, 1, "promptsPerStep")
        try atLeast(samplesPerPrompt, 1, "samplesPerPrompt")
        try check(
            miniBatchSize >= 1 && miniBatchSize <= responsesPerStep, "miniBatchSize", miniBatchSize,
            "1...\(responsesPerStep) (the responses per step, promptsPerStep × samplesPerPrompt)")
        try check(microBatchSize >= 1 && microBatchSize <= miniBatchSize, "microBatchSize", microBatchSize, "1...\(miniBatchSize) (miniBatchSize)")
        try atLeast(ppoEpochs, 1, "ppoEpochs")
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
        try check(
            valuePretrainingExplainedVariance <= 1, "valuePretrainingExplainedVariance", valuePretrainingExplainedVariance,
            "a number up to 1")
        try atLeast(rewardModelSteps, 0, "rewardModelSteps")
        try positive(rewardModelLearningRate, "rewardModelLearningRate")
        try check(grpoBeta >= 0 && grpoBeta.isFinite, "grpoBeta", grpoBeta, "0 or more")
        try atLeast(dynamicSamplingMaxRetries, 0, "dynamicSamplingMaxRetries")
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
        try atLeast(maxNewTokens, 1, "maxNewTokens")
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
        try atLeast(evalProblems, 0, "evalProblems")
        try atLeast(evalSamples, 1, "evalSamples")
        try check(evalTemperature >= 0 && evalTemperature.isFinite, "evalTemperature", evalTemperature, "0 (greedy) or a positive finite number")
        try check(evalTopP > 0 && evalTopP <= 1, "evalTopP", evalTopP, "(0, 1]")
        return self
    }

    /// The difficulties drawn from `task`: `minDifficulty...maxDifficulty`, each defaulting to the task's bound.
    public func difficulties(of task: any ReasoningTask) -> ClosedRange<Int> {
        (minDifficulty ?? task.difficulties.lowerBound)...(maxDifficulty ?? task.difficulties.upperBound)
    }
}
