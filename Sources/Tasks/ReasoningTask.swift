// Specs/tasks.md, "Seeds and generation", "Verifier rule" and "Split rule": what every task shares.
import Kernels

/// A family of toy reasoning problems: a seeded generator with a difficulty knob, a teacher chain of thought
/// for supervised fine-tuning (`Problem.trace`), and a verifier that reads the final answer alone.
///
/// A task implements `draw` (one candidate problem), `problem(prompt:)`, `isCorrect(answer:for:)` and
/// `splitKey(for:)`; seeding, the train/evaluation split and response parsing are shared (the extension).
public protocol ReasoningTask: Sendable {
    /// The registry name, as the command line spells it.
    var name: String { get }
    /// The values the difficulty knob takes; the chain of thought grows with it.
    var difficulties: ClosedRange<Int> { get }

    /// One candidate problem at `difficulty` (within `difficulties`), drawn from `stream`, which it advances;
    /// nil when the candidate is rejected (a task whose problems are selected, e.g. by search length).
    /// A pure function of the stream's key and counter.
    func draw(difficulty: Int, from stream: inout RandomStream) -> Problem?

    /// The problem a user's `prompt` states (e.g. `347+85=`), with its teacher trace, answer and difficulty.
    /// Throws `TaskError.invalidPrompt`, saying what is expected, unless the prompt is one the generator can
    /// produce: the format, the ranges and the length limit are checked; it never traps.
    func problem(prompt: String) throws(TaskError) -> Problem

    /// Whether `answer`, the text of a response after its answer marker, is a correct final answer. Never
    /// traps: malformed text is simply wrong.
    func isCorrect(answer: String, for problem: Problem) -> Bool

    /// The longest sequence (`Problem.tokenCount`, BOS to EOS) of any problem at `difficulty` (within
    /// `difficulties`): what a batch must be padded to so that every problem of the difficulty fits. Never
    /// above `Problem.maximumTokenCount`.
    func maximumTokenCount(difficulty: Int) -> Int

    /// The text the split hash reads: the prompt, or a canonical form of it shared by problems that are the
    /// same question written differently (`85+347=` and `347+85=`), so that both land in one split.
    func splitKey(for problem: Problem) -> String

    /// Whether a problem's teacher response (`Problem.responseTokens`) is a reference a response can be
    /// compared with token by token (the critic probe's first error, Specs/vapo.md). True unless the task says
    /// otherwise (the default implementation).
    var hasTeacherTrace: Bool { get }
}

extension ReasoningTask {
    /// Every task of the registry has a teacher trace.
    public var hasTeacherTrace: Bool { true }
}

extension ReasoningTask {
    /// Repeats in a row after which `evaluationSet` takes a difficulty's held-out problems as exhausted. A
    /// problem left that is drawn with probability q is missed 64 times in a row with probability (1 − q)^64
    /// (0.6% at q = 1/13); either way the draws, and so the set, are a fixed function of the seed.
    public static var exhaustingRepeats: Int { 64 }
}

/// The two disjoint parts of a task's problems.
public enum Split: String, Sendable, CaseIterable {
    /// Problems for supervised fine-tuning and RL.
    case training
    /// Held-out problems (one in 8, by a hash of the split key) for measuring accuracy.
    case evaluation
}

/// A request a task cannot serve: the message names the field and the allowed values.
public enum TaskError: Error, Equatable, CustomStringConvertible {
    /// A difficulty outside the task's range.
    case difficultyOutOfRange(task: String, difficulty: Int, allowed: ClosedRange<Int>)
    /// A count or an index below zero.
    case negative(field: String, value: Int)
    /// A name the registry does not know, with the names it does.
    case unknownTask(name: String, known: [String])
    /// A prompt the task's generator could not produce, with what it expects.
    case invalidPrompt(task: String, prompt: String, expected: String)

    public var description: String {
        switch self {
        case .difficultyOutOfRange(let task, let difficulty, let allowed):
            return "difficulty \(difficulty) is out of range for task \(task): allowed \(allowed.lowerBound)...\(allowed.upperBound)"
        case .negative(let field, let value):
            return "\(field) must be non-negative, got \(value)"
        case .unknownTask(let name, let known):
            return "unknown task \(name.debugDescription); known tasks: \(known.joined(separator: ", "))"
        case .invalidPrompt(let task, let prompt, let expected):
            return "prompt \(prompt.debugDescription) is not a problem of task \(task): expected \(expected)"
        }
    }
}

extension ReasoningTask {
    /// The split `problem` belongs to: evaluation iff the top 3 bits of `mix(fnv1a64(splitKey))` are zero
    /// (one problem in 8), where fnv1a64 is `RandomStream.fnv1a64` and mix is SplitMix64's finaliser.
    /// A fixed function of the problem: no seed, no state.
    public func split(of problem: Problem) -> Split {
        var h = RandomStream.fnv1a64(splitKey(for: problem))
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return h >> 61 == 0 ? .evaluation : .training
    }

    /// Problem number `index` of `split` at `difficulty` for `seed`: the first candidate drawn from the stream
    /// `RandomStream(seed: seed, name: "tasks/<name>/<split>").child(difficulty).child(index)` that is not
    /// rejected and belongs to `split`. Depends only on (seed, split, difficulty, index).
    public func problem(_ split: Split, index: Int, difficulty: Int, seed: UInt64) throws(TaskError) -> Problem {
        guard difficulties.contains(difficulty) else {
            throw .difficultyOutOfRange(task: name, difficulty: difficulty, allowed: difficulties)
        }
        guard index >= 0 else { throw .negative(field: "index", value: index) }
        var stream = RandomStream(seed: seed, name: "tasks/\(name)/\(split.rawValue)").child(difficulty).child(index)
        // Every difficulty has problems in both splits (tested), so this ends; the bound only turns a task
        // bug into a message instead of a hang.
        for _ in 0..<10_000_000 {
            if let candidate = draw(difficulty: difficulty, from: &stream), self.split(of: candidate) == split {
                return candidate
            }
        }
        preconditionFailure("task \(name) found no \(split) problem at difficulty \(difficulty)")
    }

    /// `count` problems of `split`: item i is `problem(split, index: j, difficulty: lower + j mod size, seed:)`
    /// with j = startIndex + i, and lower and size those of `difficulties` (the task's whole range by
    /// default), so consecutive items cycle through the difficulties and a run can resume at any index.
    /// Problems are drawn independently, so small difficulties (few distinct problems) repeat.
    public func problems(
        _ split: Split, count: Int, seed: UInt64, difficulties: ClosedRange<Int>? = nil, startIndex: Int = 0
    ) throws(TaskError) -> [Problem] {
        guard startIndex >= 0 else { throw .negative(field: "startIndex", value: startIndex) }
        let range = try checkedRange(count: count, difficulties: difficulties)
        var result: [Problem] = []
        for i in 0..<count {
            let index = startIndex + i
            let difficulty = range.lowerBound + index % range.count
            result.append(try problem(split, index: index, difficulty: difficulty, seed: seed))
        }
        return result
    }

    /// `difficulties` (the task's whole range when nil) after checking it and `count`: a negative count or a
    /// difficulty outside the task's range is an error.
    private func checkedRange(count: Int, difficulties: ClosedRange<Int>?) throws(TaskError) -> ClosedRange<Int> {
        guard count >= 0 else { throw .negative(field: "count", value: count) }
        let range = difficulties ?? self.difficulties
        for d in [range.lowerBound, range.upperBound] where !self.difficulties.contains(d) {
            throw .difficultyOutOfRange(task: name, difficulty: d, allowed: self.difficulties)
        }
        return range
    }

    /// The held-out evaluation set: `count` distinct problems of the evaluation split (no split key twice), so
    /// that every problem weighs once in an accuracy. Fixed by `seed`; never shares a split key with any
    /// training problem of any seed.
    ///
    /// The difficulties take turns, lowest first; difficulty d draws the candidates of `problems(.evaluation,
    /// ...)` whose difficulty is d, in their order, and skips a repeat. A small difficulty has few distinct
    /// held-out problems (one-digit addition: 8 questions, 13 prompts with both orders), so drawn independently
    /// it would fill its share with copies of them and a quarter of an accuracy would rest on 8 questions.
    /// Once `exhaustingRepeats` draws in a row are repeats, the difficulty is taken as exhausted and drops out
    /// of the turns; the others fill the set. The set is smaller than `count` only when every difficulty is
    /// exhausted.
    public func evaluationSet(count: Int, seed: UInt64, difficulties: ClosedRange<Int>? = nil) throws(TaskError) -> [Problem] {
        let range = try checkedRange(count: count, difficulties: difficulties)
        var keys = Set<String>()
        var result: [Problem] = []
        var draws = Array(repeating: 0, count: range.count)  // candidates drawn so far, per difficulty
        var active = Array(0..<range.count)  // offsets of the difficulties still taking turns
        while result.count < count && !active.isEmpty {
            var stillActive: [Int] = []
            for offset in active where result.count < count {
                var repeats = 0
                while repeats < Self.exhaustingRepeats {
                    let index = offset + draws[offset] * range.count  // the index `problems` gives this candidate
                    draws[offset] += 1
                    let candidate = try problem(.evaluation, index: index, difficulty: range.lowerBound + offset, seed: seed)
                    if keys.insert(splitKey(for: candidate)).inserted {
                        result.append(candidate)
                        break
                    }
                    repeats += 1
                }
                if repeats < Self.exhaustingRepeats { stillActive.append(offset) }
            }
            active = stillActive
        }
        return result
    }

    /// Training problems: `problems(.training, ...)`, never in the evaluation split.
    public func trainingSet(
        count: Int, seed: UInt64, difficulties: ClosedRange<Int>? = nil, startIndex: Int = 0
    ) throws(TaskError) -> [Problem] {
        try problems(.training, count: count, seed: seed, difficulties: difficulties, startIndex: startIndex)
    }

    /// The binary reward of a generated response (the tokens after the prompt): true iff its final answer
    /// (see `Response.finalAnswer`) is correct. Never traps: malformed output is simply wrong.
    public func verify(response: [Int], for problem: Problem) -> Bool {
        guard let answer = Response.finalAnswer(of: response) else { return false }
        return isCorrect(answer: answer, for: problem)
    }

    /// As `verify(response: [Int], for:)`, for text (`$` is EOS); text outside the vocabulary is wrong.
    public func verify(response: String, for problem: Problem) -> Bool {
        guard let tokens = try? Tokenizer.encode(response) else { return false }
        return verify(response: tokens, for: problem)
    }
}

/// Reading a generated response.
public enum Response {
    /// The final answer of `response`: the text of the tokens after its first answer marker, up to its first
    /// EOS or PAD or its end. The response itself ends at its first EOS or PAD, so what follows is ignored.
    /// Nil (a wrong answer) when there is no marker, or when a token id before the end is outside the
    /// vocabulary.
    public static func finalAnswer(of response: [Int]) -> String? {
        let end = response.firstIndex { $0 == Tokenizer.eos || $0 == Tokenizer.pad } ?? response.endIndex
        guard let marker = response[..<end].firstIndex(of: Tokenizer.answerMarker),
            response[..<end].allSatisfy({ (0..<Tokenizer.vocabularySize).contains($0) })
        else { return nil }
        return try? Tokenizer.decode(response[(marker + 1)..<end])
    }
}
