import Kernels

/// Column addition of two numbers with a carry trace, units column first.
///
/// `347+85=` → `7+5=12c1|4+8+1=13c1|3+0+1=4c0#432`: one step per column of the longer operand, `x+y=s`
/// for the units column and `x+y+k=s` (k the carry in, written even when 0) for the others, each followed
/// by `c` and its carry out; a missing digit of the shorter operand is 0. The answer is the sum without
/// leading zeros. Difficulty d (1...8): the longer operand has exactly d digits, the other 1...d (uniform),
/// in random order; a one-digit operand is 0...9. Operands: `[a, b]`.
public struct ColumnAddition: ReasoningTask {
    public let name = "addition"
    public let difficulties = 1...8

    public init() {}

    public func draw(difficulty: Int, from stream: inout RandomStream) -> Problem? {
        let longer = stream.nextNumber(digits: difficulty)
        let shorter = stream.nextNumber(digits: stream.nextInt(in: 1...difficulty))
        let (a, b) = stream.nextInt(in: 0...1) == 0 ? (longer, shorter) : (shorter, longer)
        return problem(a, b, difficulty: difficulty)
    }

    /// `a+b=` with a and b of at most 8 digits; the difficulty is the longer one's digit count.
    public func problem(prompt: String) throws(TaskError) -> Problem {
        var scanner = PromptScanner(prompt)
        guard let a = scanner.number(maxDigits: 8), scanner.expect("+"), let b = scanner.number(maxDigits: 8),
            scanner.expect("="), scanner.isAtEnd
        else {
            throw .invalidPrompt(task: name, prompt: prompt, expected: "a+b= with a, b of 1 to 8 digits, no leading zeros")
        }
        return problem(a.value, b.value, difficulty: max(a.digits, b.digits))
    }

    private func problem(_ a: Int, _ b: Int, difficulty: Int) -> Problem {
        Problem(
            task: name, difficulty: difficulty, operands: [a, b], prompt: "\(a)+\(b)=",
            trace: Self.columnTrace(Digits.leastSignificantFirst(a), Digits.leastSignificantFirst(b)),
            answer: String(a + b))
    }

    public func isCorrect(answer: String, for problem: Problem) -> Bool {
        answer == problem.answer
    }

    /// `min+max`: the two orders of one sum are one question.
    public func splitKey(for problem: Problem) -> String {
        "\(problem.operands.min()!)+\(problem.operands.max()!)"
    }

    /// The carry trace of `x + y`, digits least significant first (the shorter is padded with zeros).
    /// Shared with `Multiplication`, which adds its partial products this way.
    static func columnTrace(_ x: [Int], _ y: [Int]) -> String {
        var steps: [String] = []
        var carry = 0
        for column in 0..<max(x.count, y.count) {
            let (dx, dy) = (column < x.count ? x[column] : 0, column < y.count ? y[column] : 0)
            let total = dx + dy + carry
            let addends = column == 0 ? "\(dx)+\(dy)" : "\(dx)+\(dy)+\(carry)"
            carry = total / 10
            steps.append("\(addends)=\(total)c\(carry)")
        }
        return steps.joined(separator: "|")
    }
}
