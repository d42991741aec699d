import Kernels
import Tasks

/// Column addition judged leniently: a response is "correct" when it states an answer at all (has the
/// answer marker before its end). A freshly initialised tiny policy then gets a mix of verdicts (about 40%
/// correct with 8 new tokens), so every path of the trainers and evaluators — kept DAPO groups, positive
/// examples, non-zero GRPO advantages, both columns of an accuracy table — runs without a supervised warm-up.
public struct LenientAddition: ReasoningTask {
    public let name = "addition"
    public let difficulties = ColumnAddition().difficulties
    /// The longest sequence the task admits: column addition's own bound, or a fixed `tokenLimit`.
    let tokenLimit: Int?

    /// Lenient addition with column addition's length bounds, or every difficulty bounded by `tokenLimit`.
    public init(tokenLimit: Int? = nil) { self.tokenLimit = tokenLimit }

    public func draw(difficulty: Int, from stream: inout RandomStream) -> Problem? { ColumnAddition().draw(difficulty: difficulty, from: &stream) }
    public func problem(prompt: String) throws(TaskError) -> Problem { try ColumnAddition().problem(prompt: prompt) }
    public func isCorrect(answer: String, for problem: Problem) -> Bool { true }
    public func splitKey(for problem: Problem) -> String { ColumnAddition().splitKey(for: problem) }
    public func maximumTokenCount(difficulty: Int) -> Int { tokenLimit ?? ColumnAddition().maximumTokenCount(difficulty: difficulty) }
}
