import Tasks
import Transformer

/// Everything a supervised warm-up run depends on, with a default for every field: the task, the model, the
/// optimisation, the evaluation and the stopping rules. `Codable` with every field optional in JSON (a
/// missing field takes its default), so that a configuration file and command-line flags can both fill it;
/// `validated()` checks it and names the first field out of range.
///
/// The defaults are the tuned column-addition run of the README ("Supervised warm-up"): operands of up to
/// 4 digits, the default 0.8M-parameter GPT.
public struct SFTConfiguration: Sendable, Hashable, Codable {
    /// The registry name of the task (`TaskRegistry.names`).
    public var task: String = "addition"
    /// Lowest difficulty trained and evaluated; nil: the task's lowest.
    public var minDifficulty: Int? = nil
    /// Highest difficulty trained and evaluated; nil: the task's highest. (For addition: the most digits.)
    public var maxDifficulty: Int? = 4
    /// The policy's shape (default: 4 layers, width 128, 4 heads, context 128, vocabulary 26).
    public var model = GPTConfiguration()
    /// Tokens per training sequence, padded: nil means the longest sequence of the task at the highest
    /// difficulty (`ReasoningTask.maximumTokenCount`); a given value may not be shorter than that, nor
    /// longer than the model's context.
    public var sequenceLength: Int? = nil
    /// Optimizer updates (the cosine schedule's length).
    public var steps = 1600
    /// Sequences per update.
    public var batchSize = 32
    /// Peak learning rate of AdamW.
    public var learningRate = 2e-3
    /// Linear warm-up steps before the cosine decay (a run shorter than this warms up for all of it).
    public var warmupSteps = 50
    /// The learning rate at the end of the cosine, as a fraction of the peak.
    public var finalLearningRateFraction = 0.1
    /// AdamW's decoupled weight decay.
    public var weightDecay = 0.01
    /// Gradients are clipped to this global L2 norm.
    public var maxGradientNorm = 1.0
    /// The master seed: the initial weights, the data order, the evaluation set and its samples all derive
    /// from it by name.
    public var seed: UInt64 = 0
    /// Held-out evaluation problems (cycling through the difficulties).
    public var evaluationProblems = 400
    /// Run the greedy held-out evaluation (one progress line) every this many steps.
    public var evaluateEvery = 100
    /// k of mean@k in the final evaluation: samples per problem.
    public var samples = 4
    /// Temperature of the mean@k samples.
    public var temperature = 1.0
    /// Stop at the first evaluation whose held-out greedy accuracy reaches this fraction; nil: never.
    public var targetAccuracy: Double? = nil
    /// Stop after the first step that ends later than this many seconds after the start; nil: never.
    public var timeLimit: Double? = nil

    /// The defaults.
    public init() {}

    /// Decodes a JSON object in which every field is optional: a missing field keeps its default. Decoding
    /// does not validate; call `validated()` on the result.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.task, &task)
        try read(.minDifficulty, &minDifficulty)
        try read(.maxDifficulty, &maxDifficulty)
        try read(.model, &model)
        try read(.sequenceLength, &sequenceLength)
        try read(.steps, &steps)
        try read(.batchSize, &batchSize)
        try read(.learningRate, &learningRate)
        try read(.warmupSteps, &warmupSteps)
        try read(.finalLearningRateFraction, &finalLearningRateFraction)
        try read(.weightDecay, &weightDecay)
        try read(.maxGradientNorm, &maxGradientNorm)
        try read(.seed, &seed)
        try read(.evaluationProblems, &evaluationProblems)
        try read(.evaluateEvery, &evaluateEvery)
        try read(.samples, &samples)
        try read(.temperature, &temperature)
        try read(.targetAccuracy, &targetAccuracy)
        try read(.timeLimit, &timeLimit)
    }
}

/// A configuration field outside its allowed range; the message names the field, its value and the range.
public struct SFTConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The field's name in JSON (the property name; `model.context` for a field of the model).
    public let field: String
    /// The offending value, as text.
    public let value: String
    /// What is allowed.
    public let allowed: String

    /// The error for `field` having `value`, which is not in `allowed`.
    public init(field: String, value: String, allowed: String) {
        self.field = field
        self.value = value
        self.allowed = allowed
    }

    public var description: String { "\(field) is \(value); allowed: \(allowed)" }
}

/// A validated configuration with its task resolved: what `SFTTrainer` and the evaluation run on.
public struct ResolvedSFTConfiguration: Sendable {
    /// The configuration as given (defaults filled in).
    public let configuration: SFTConfiguration
    /// The task named by `configuration.task`.
    public let task: any ReasoningTask
    /// The difficulties trained and evaluated.
    public let difficulties: ClosedRange<Int>
    /// Padded tokens per training sequence.
    public let sequenceLength: Int
}

extension SFTConfiguration {
    /// Checks every field and resolves the task, the difficulties and the sequence length; throws
    /// `SFTConfigurationError` for the first field out of range (in declaration order).
    public func validated() throws(SFTConfigurationError) -> ResolvedSFTConfiguration {
        func fail(_ field: String, _ value: Any, _ allowed: String) -> SFTConfigurationError {
            SFTConfigurationError(field: field, value: "\(value)", allowed: allowed)
        }
        guard let task = try? TaskRegistry.task(named: task) else {
            throw fail("task", task.debugDescription, TaskRegistry.names.joined(separator: ", "))
        }
        let range = task.difficulties
        let allowedRange = "\(range.lowerBound)...\(range.upperBound) for \(task.name)"
        let low = minDifficulty ?? range.lowerBound, high = maxDifficulty ?? range.upperBound
        guard range.contains(low) else { throw fail("minDifficulty", low, allowedRange) }
        guard range.contains(high), high >= low else { throw fail("maxDifficulty", high, "\(low)...\(range.upperBound) for \(task.name)") }
        let model: GPTConfiguration
        do { model = try self.model.validated() } catch {
            guard case .outOfRange(let field, let value, let allowed) = error else { preconditionFailure() }
            throw fail("model.\(field)", value, allowed)
        }
        guard model.vocabulary >= Tokenizer.vocabularySize else {
            throw fail("model.vocabulary", model.vocabulary, "\(Tokenizer.vocabularySize) or more (the tokenizer's)")
        }
        let longest = (low...high).map { task.maximumTokenCount(difficulty: $0) }.max()!
        guard longest <= model.context else {
            throw fail("model.context", model.context, "\(longest) or more (the longest \(task.name) sequence at difficulty \(high))")
        }
        let length = sequenceLength ?? longest
        guard (longest...model.context).contains(length) else {
            throw fail("sequenceLength", length, "\(longest)...\(model.context) (the longest \(task.name) sequence at difficulty \(high) to the context)")
        }
        guard (1...10_000_000).contains(steps) else { throw fail("steps", steps, "1...10000000") }
        guard (1...4096).contains(batchSize) else { throw fail("batchSize", batchSize, "1...4096") }
        // A training step holds the activations of the whole batch at once: batchSize sequences of this model
        // may ask for at most `GPTConfiguration.maximumActivationScalars`. When not even one sequence fits, the
        // sequence length is what to lower.
        let limit = GPTConfiguration.maximumActivationScalars
        let mostSequences = limit / model.activationScalars(sequences: 1, length: length)
        guard mostSequences >= 1 else {
            let allowed = (longest...length).last { model.activationScalars(sequences: 1, length: $0) <= limit }.map {
                "\(longest)...\($0) (with this model: the activations of one sequence at most \(limit) scalars)"
            }
            throw fail("sequenceLength", length, allowed ?? "none with this model (one sequence of \(longest) tokens needs more than \(limit) activation scalars)")
        }
        guard batchSize <= mostSequences else {
            throw fail("batchSize", batchSize, "1...\(mostSequences) (sequences of \(length) tokens of this model: activations at most \(limit) scalars)")
        }
        guard learningRate > 0 && learningRate <= 1 else { throw fail("learningRate", learningRate, "(0, 1]") }
        guard warmupSteps >= 0 else { throw fail("warmupSteps", warmupSteps, "0 or more") }
        guard (0...1).contains(finalLearningRateFraction) else { throw fail("finalLearningRateFraction", finalLearningRateFraction, "[0, 1]") }
        guard weightDecay >= 0 && weightDecay < 1 else { throw fail("weightDecay", weightDecay, "[0, 1)") }
        guard maxGradientNorm > 0 && maxGradientNorm.isFinite else { throw fail("maxGradientNorm", maxGradientNorm, "a positive number") }
        guard (1...1_000_000).contains(evaluationProblems) else { throw fail("evaluationProblems", evaluationProblems, "1...1000000") }
        guard evaluateEvery >= 1 else { throw fail("evaluateEvery", evaluateEvery, "1 or more") }
        guard (1...1024).contains(samples) else { throw fail("samples", samples, "1...1024") }
        let mostResponses = EvaluationOptions.maximumResponses
        guard evaluationProblems * samples <= mostResponses else {
            throw fail("samples", samples, "1...\(mostResponses / evaluationProblems) (evaluationProblems × samples, the evaluation's sampled responses, at most \(mostResponses))")
        }
        guard temperature > 0 && temperature.isFinite else { throw fail("temperature", temperature, "a positive number") }
        if let targetAccuracy, !(targetAccuracy > 0 && targetAccuracy <= 1) {
            throw fail("targetAccuracy", targetAccuracy, "(0, 1]")
        }
        if let timeLimit, !(timeLimit > 0 && timeLimit.isFinite) { throw fail("timeLimit", timeLimit, "a positive number of seconds") }
        return ResolvedSFTConfiguration(configuration: self, task: task, difficulties: low...high, sequenceLength: length)
    }
}
