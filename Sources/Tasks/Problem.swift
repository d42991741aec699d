// Specs/tasks.md, "Problems and sequences".
/// One problem of a task, with its teacher solution.
///
/// A training sequence is `BOS prompt trace # answer EOS`, one token per character: the model reads
/// `promptTokens` and is trained (or rewarded) on `responseTokens`. Problems are made only by a task's
/// generator, so every string is in the vocabulary and the whole sequence fits in `maximumTokenCount`.
public struct Problem: Hashable, Encodable, Sendable {
    /// The longest sequence any task produces, BOS to EOS: the model's context length.
    public static let maximumTokenCount = 128

    /// The registry name of the task that made this problem.
    public let task: String
    /// The difficulty it was drawn at.
    public let difficulty: Int
    /// The numbers that define the problem (per task: see the task's documentation).
    public let operands: [Int]
    /// The question, ending in `=`, e.g. `347+85=`.
    public let prompt: String
    /// The teacher chain of thought: the text between the prompt and the answer marker.
    public let trace: String
    /// The canonical final answer: the text after the answer marker, e.g. `432`.
    public let answer: String

    init(task: String, difficulty: Int, operands: [Int], prompt: String, trace: String, answer: String) {
        self.task = task
        self.difficulty = difficulty
        self.operands = operands
        self.prompt = prompt
        self.trace = trace
        self.answer = answer
    }

    /// The teacher response as text: trace, answer marker, answer (EOS is a token, not text).
    public var response: String { trace + "#" + answer }

    /// `BOS` followed by the prompt's tokens: what the model is given.
    public var promptTokens: [Int] { [Tokenizer.bos] + Self.tokens(prompt) }

    /// The teacher response's tokens followed by `EOS`: the supervised-fine-tuning target.
    public var responseTokens: [Int] { Self.tokens(response) + [Tokenizer.eos] }

    /// The whole sequence, `promptTokens + responseTokens`.
    public var tokens: [Int] { promptTokens + responseTokens }

    /// The length of the chain of thought in tokens (one per character).
    public var traceTokenCount: Int { trace.utf8.count }

    /// The length of the whole sequence in tokens: BOS, prompt, trace, marker, answer, EOS.
    public var tokenCount: Int { prompt.utf8.count + trace.utf8.count + answer.utf8.count + 3 }

    /// Generators write only vocabulary characters, so a failure here is a bug in a task.
    private static func tokens(_ text: String) -> [Int] {
        do { return try Tokenizer.encode(text) } catch {
            preconditionFailure("a task generated text outside the vocabulary: \(error)")
        }
    }
}
