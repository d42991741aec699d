// Specs/tasks.md, "Multiplication".
import Kernels

/// Long multiplication by partial products, digit by digit, then a column addition of the partial products.
///
/// One row per digit of the multiplier b, units digit first. Row j multiplies a by digit b_j, units digit of
/// a first: `x*y=pp` for the first step and `x*y+k=pp` (k the carry, the tens digit of the previous pp) for
/// the others, always two digits of pp, steps separated by `,`. The row ends with `>` and its partial
/// product: the final carry and the units digits (n+1 digits for an n-digit a, a leading 0 kept), followed
/// by j zeros for the shift. Rows are separated by `|`. With a two-digit multiplier, a `|` and the column
/// addition of the two partial products follow in a compact carry format (`sumTrace`). The answer is the
/// product without leading zeros.
///
/// `34*85=` → `4*5=20,3*5+2=17>170|4*8=32,3*8+3=27>2720|0+0=0c0|7+2+0=9c0|1+7+0=8c0|0+2+0=2c0#2890`
///
/// Difficulty → (digits of a, digits of b): 1: 1×1, 2: 2×1, 3: 3×1, 4: 4×1, 5: 6×1, 6: 2×2, 7: 3×2.
/// A one-digit operand is 0...9, others have no leading zero. Operands: `[a, b]`.
public struct Multiplication: ReasoningTask {
    public let name = "multiplication"
    public let difficulties = 1...7

    /// (digits of a, digits of b) at each difficulty, in order.
    public static let shapes: [(a: Int, b: Int)] = [(1, 1), (2, 1), (3, 1), (4, 1), (6, 1), (2, 2), (3, 2)]

    public init() {}

    public func draw(difficulty: Int, from stream: inout RandomStream) -> Problem? {
        let shape = Self.shapes[difficulty - 1]
        let a = stream.nextNumber(digits: shape.a)
        let b = stream.nextNumber(digits: shape.b)
        return problem(a, b, difficulty: difficulty)
    }

    /// `a*b=` whose digit counts are one of `shapes`, which sets the difficulty.
    public func problem(prompt: String) throws(TaskError) -> Problem {
        var scanner = PromptScanner(prompt)
        if let a = scanner.number(maxDigits: 6), scanner.expect("*"), let b = scanner.number(maxDigits: 2),
            scanner.expect("="), scanner.isAtEnd,
            let index = Self.shapes.firstIndex(where: { $0.a == a.digits && $0.b == b.digits })
        {
            return problem(a.value, b.value, difficulty: index + 1)
        }
        let shapes = Self.shapes.map { "\($0.a)x\($0.b)" }.joined(separator: ", ")
        throw .invalidPrompt(
            task: name, prompt: prompt, expected: "a*b= with digit counts (a x b) one of \(shapes), no leading zeros")
    }

    private func problem(_ a: Int, _ b: Int, difficulty: Int) -> Problem {
        Problem(
            task: name, difficulty: difficulty, operands: [a, b], prompt: "\(a)*\(b)=",
            trace: Self.trace(a, b), answer: String(a * b))
    }

    /// BOS, n + m + 2 prompt characters, the longest trace (10n − 1 for m = 1, 31n + 18 for m = 2), `#`, an
    /// (n + m)-digit answer, EOS.
    public func maximumTokenCount(difficulty: Int) -> Int {
        let (n, m) = Self.shapes[difficulty - 1]
        return 2 * (n + m) + 5 + (m == 1 ? 10 * n - 1 : 31 * n + 18)
    }

    public func isCorrect(answer: String, for problem: Problem) -> Bool {
        answer == problem.answer
    }

    /// `min*max`: the two orders of one product are one question.
    public func splitKey(for problem: Problem) -> String {
        "\(problem.operands.min()!)*\(problem.operands.max()!)"
    }

    /// The teacher trace of `a * b` for a multiplier b of one or two digits.
    static func trace(_ a: Int, _ b: Int) -> String {
        let x = Digits.leastSignificantFirst(a)
        var rows: [String] = []
        var partials: [[Int]] = []
        for (shift, multiplier) in Digits.leastSignificantFirst(b).enumerated() {
            var steps: [String] = []
            var digits = [Int](repeating: 0, count: shift)
            var carry = 0
            for (i, digit) in x.enumerated() {
                let product = digit * multiplier + carry
                let addend = i == 0 ? "" : "+\(carry)"
                steps.append("\(digit)*\(multiplier)\(addend)=\(product / 10)\(product % 10)")
                digits.append(product % 10)
                carry = product / 10
            }
            digits.append(carry)
            partials.append(digits)
            rows.append(steps.joined(separator: ",") + ">" + Digits.text(leastSignificantFirst: digits))
        }
        if partials.count == 2 {
            rows.append(Self.sumTrace(partials[0], partials[1]))
        }
        return rows.joined(separator: "|")
    }

    /// The compact carry trace of `x + y`, digits least significant first (the shorter padded with zeros):
    /// `x+y=s` for the units column, `x+y+k=s` (k the carry in, written even when 0) for the others, each
    /// followed by `c` and its carry out, columns separated by `|`. Compact (not addition's sixteen-character
    /// steps) so that a 3×2 product still fits in 128 tokens.
    static func sumTrace(_ x: [Int], _ y: [Int]) -> String {
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
