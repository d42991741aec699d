// Specs/tasks.md, "Addition".
import Kernels

/// Column addition of two numbers with an explicit per-column trace, units column first.
///
/// `347+85=` → `1:7+5+c0=12>2,c1|2:4+8+c1=13>3,c1|3:3+0+c1=04>4,c0#432`: one step per column of the longer
/// operand, `i:x+y+ck=ss>d,ck'` — the column number i (1 = units), its two digits x and y (a missing digit
/// of the shorter operand is 0), the carry in k, their sum ss in two digits, the digit d it writes (the units
/// digit of ss) and the carry out k' (the tens digit); steps are separated by `|`. Every step has the same
/// sixteen characters, so the trace has 17d − 1 tokens. The answer is the sum without leading zeros.
/// Difficulty d (1...6): the longer operand has exactly d digits, the other 1...d (uniform), in random order;
/// a one-digit operand is 0...9. Operands: `[a, b]`.
public struct ColumnAddition: ReasoningTask {
    public let name = "addition"
    /// Up to 6 columns: 17·6 − 1 = 101 trace tokens, and the longest sequence (`999999+999999=`) has 125.
    public let difficulties = 1...6

    public init() {}

    public func draw(difficulty: Int, from stream: inout RandomStream) -> Problem? {
        let longer = stream.nextNumber(digits: difficulty)
        let shorter = stream.nextNumber(digits: stream.nextInt(in: 1...difficulty))
        let (a, b) = stream.nextInt(in: 0...1) == 0 ? (longer, shorter) : (shorter, longer)
        return problem(a, b, difficulty: difficulty)
    }

    /// `a+b=` with a and b of at most 6 digits; the difficulty is the longer one's digit count.
    public func problem(prompt: String) throws(TaskError) -> Problem {
        let maxDigits = difficulties.upperBound
        var scanner = PromptScanner(prompt)
        guard let a = scanner.number(maxDigits: maxDigits), scanner.expect("+"),
            let b = scanner.number(maxDigits: maxDigits), scanner.expect("="), scanner.isAtEnd
        else {
            throw .invalidPrompt(
                task: name, prompt: prompt, expected: "a+b= with a, b of 1 to \(maxDigits) digits, no leading zeros")
        }
        return problem(a.value, b.value, difficulty: max(a.digits, b.digits))
    }

    private func problem(_ a: Int, _ b: Int, difficulty: Int) -> Problem {
        Problem(
            task: name, difficulty: difficulty, operands: [a, b], prompt: "\(a)+\(b)=",
            trace: Self.trace(Digits.leastSignificantFirst(a), Digits.leastSignificantFirst(b)),
            answer: String(a + b))
    }

    /// 20d + 5: BOS, d + d + 2 prompt characters, 17d − 1 of trace, `#`, a (d + 1)-digit answer, EOS.
    public func maximumTokenCount(difficulty: Int) -> Int { 20 * difficulty + 5 }

    public func isCorrect(answer: String, for problem: Problem) -> Bool {
        answer == problem.answer
    }

    /// `min+max`: the two orders of one sum are one question.
    public func splitKey(for problem: Problem) -> String {
        "\(problem.operands.min()!)+\(problem.operands.max()!)"
    }

    /// The trace of `x + y`, digits least significant first (the shorter is padded with zeros): every column
    /// in the same shape, so that each step is a local, fixed-width copy-add-split a small model learns.
    static func trace(_ x: [Int], _ y: [Int]) -> String {
        var steps: [String] = []
        var carry = 0
        for column in 0..<max(x.count, y.count) {
            let (dx, dy) = (column < x.count ? x[column] : 0, column < y.count ? y[column] : 0)
            let total = dx + dy + carry
            steps.append("\(column + 1):\(dx)+\(dy)+c\(carry)=\(total / 10)\(total % 10)>\(total % 10),c\(total / 10)")
            carry = total / 10
        }
        return steps.joined(separator: "|")
    }
}
