// Specs/training.md, "Runs, stopping and checkpoints": the checks of an SFT configuration.
import Tasks
import Transformer

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
    /// Checks every field's range (`fields`, in their order), then the fields that must agree, and resolves
    /// the task, the difficulties and the sequence length; throws `SFTConfigurationError` for the first field
    /// out of range.
    public func validated() throws(SFTConfigurationError) -> ResolvedSFTConfiguration {
        if let (field, value, allowed) = fieldOutOfRange() { throw SFTConfigurationError(field: field, value: value, allowed: allowed) }
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
        let mostResponses = EvaluationOptions.maximumResponses
        guard evalProblems * evalSamples <= mostResponses else {
            throw fail("evalSamples", evalSamples, "1...\(mostResponses / evalProblems) (evalProblems × evalSamples, the evaluation's sampled responses, at most \(mostResponses))")
        }
        return ResolvedSFTConfiguration(configuration: self, task: task, difficulties: low...high, sequenceLength: length)
    }
}
