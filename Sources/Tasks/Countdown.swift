// Specs/tasks.md, "Countdown".
import Kernels

/// A small Countdown: reach the target from three numbers, each used exactly once, with `+ - * /`, by a
/// depth-first search whose trace records every attempt, failures included.
///
/// `9,6,2>30=` → `9+6=15:15+2=17,15-2=13,15*2=30#(9+6)*2` is found in the first branch; a longer search
/// backtracks: `19,18,15>16=` → `19+18=37:37+15=52,37-15=22,37*15=555|19-18=1:15+1=16#15+19-18`.
///
/// The search, in a fixed order: the numbers from largest to smallest; pairs (x, y) by position (1,2),
/// (1,3), (2,3), skipping a pair whose values repeat an earlier pair's; operations `+ - * /` on the larger
/// value x and the smaller y, skipping `-` when x = y (0 is useless) and `/` unless y > 1 divides x. A first
/// step `x op y=r` opens a branch (`:` follows it, `|` separates branches); in it the same operations
/// combine r with the remaining number (larger first), attempts separated by `,`. The search stops at the
/// first attempt equal to the target. The answer is that path as an expression, with parentheses only where
/// needed; any expression that uses each number exactly once and equals the target is correct.
///
/// Generation: three numbers uniform in 1...30, sorted; the target uniform among the values 1...999 whose
/// search trace (stopping at their first appearance) has a length in the difficulty's band and whose whole
/// sequence fits the context; numbers with no such value are redrawn. The difficulty is thus the length of
/// the search: `bands[d-1]` tokens of trace (1: under 20, ..., 6: over 100). Operands: `[target, n₁, n₂, n₃]`,
/// n₁ ≥ n₂ ≥ n₃.
public struct Countdown: ReasoningTask {
    public let name = "countdown"
    public let difficulties = 1...6

    /// The trace lengths (tokens) accepted at each difficulty.
    public static let bands: [ClosedRange<Int>] = [1...19, 20...39, 40...59, 60...79, 80...100, 101...Problem.maximumTokenCount]
    /// The range of the three numbers.
    public static let numberRange = 1...30
    /// The range of the target.
    public static let targetRange = 1...999

    public init() {}

    public func draw(difficulty: Int, from stream: inout RandomStream) -> Problem? {
        var numbers = (0..<3).map { _ in stream.nextInt(in: Self.numberRange) }
        numbers.sort(by: >)
        let search = Self.search(numbers)
        var seen = Set<Int>()
        var candidates: [Problem] = []
        for (k, attempt) in search.attempts.enumerated() where seen.insert(attempt.value).inserted {
            if let problem = problem(numbers, search: search, attempt: k), problem.difficulty == difficulty {
                candidates.append(problem)
            }
        }
        guard !candidates.isEmpty else { return nil }
        return candidates[stream.nextInt(in: 0...(candidates.count - 1))]
    }

    /// `n₁,n₂,n₃>t=` with n₁ ≥ n₂ ≥ n₃ in `numberRange`, t in `targetRange`, reachable, the whole sequence
    /// within the context; the difficulty is the band of the search's length.
    public func problem(prompt: String) throws(TaskError) -> Problem {
        var scanner = PromptScanner(prompt)
        var numbers: [Int] = []
        for separator: Character in [",", ",", ">"] {
            guard let number = scanner.number(maxDigits: 2), scanner.expect(separator) else { break }
            numbers.append(number.value)
        }
        if numbers.count == 3, let target = scanner.number(maxDigits: 3), scanner.expect("="), scanner.isAtEnd,
            numbers.allSatisfy(Self.numberRange.contains), numbers == numbers.sorted(by: >)
        {
            let search = Self.search(numbers)
            if let k = search.attempts.firstIndex(where: { $0.value == target.value }),
                let problem = problem(numbers, search: search, attempt: k)
            {
                return problem
            }
        }
        throw .invalidPrompt(
            task: name, prompt: prompt,
            expected: "a,b,c>t= with \(Self.numberRange.lowerBound) ≤ c ≤ b ≤ a ≤ \(Self.numberRange.upperBound), "
                + "t in \(Self.targetRange.lowerBound)...\(Self.targetRange.upperBound) reachable, "
                + "and the search within \(Problem.maximumTokenCount) tokens")
    }

    /// The problem whose target is the value of attempt `k`, which must be that value's first appearance; nil
    /// when the target is out of range or the sequence does not fit the context.
    private func problem(_ numbers: [Int], search: Search, attempt k: Int) -> Problem? {
        let target = search.attempts[k].value
        let trace = search.trace(through: k)
        guard Self.targetRange.contains(target),
            let difficulty = Self.bands.firstIndex(where: { $0.contains(trace.utf8.count) }).map({ $0 + 1 })
        else { return nil }
        let problem = Problem(
            task: name, difficulty: difficulty, operands: [target] + numbers,
            prompt: numbers.map(String.init).joined(separator: ",") + ">\(target)=", trace: trace,
            answer: search.attempts[k].answer)
        return problem.tokenCount <= Problem.maximumTokenCount ? problem : nil
    }

    /// Correct iff `answer` parses as an expression (`CountdownExpression`) whose numbers are the problem's
    /// numbers, each used once, and whose exact value is the target.
    /// The band's longest trace plus the longest rest: BOS, a 13-character prompt (`30,30,30>999=`), `#`, a
    /// 10-character answer (two-digit literals, two operators, one pair of parentheses), EOS; at most 128,
    /// which the generator enforces.
    public func maximumTokenCount(difficulty: Int) -> Int {
        min(Problem.maximumTokenCount, Self.bands[difficulty - 1].upperBound + 26)
    }

    public func isCorrect(answer: String, for problem: Problem) -> Bool {
        guard let expression = CountdownExpression(answer) else { return false }
        return expression.value == Rational(problem.operands[0])
            && expression.numbers.sorted() == problem.operands.dropFirst().sorted()
    }

    /// The prompt, already canonical (numbers sorted).
    public func splitKey(for problem: Problem) -> String { problem.prompt }

    /// One attempt of the search: the second step of a branch.
    struct Attempt {
        /// Index of its branch in `Search.branches`.
        let branch: Int
        /// `p op q=s`.
        let text: String
        let value: Int
        /// The path to it as an expression.
        let answer: String
    }

    /// The whole search tree of three numbers, in search order.
    struct Search {
        /// The first steps, `x op y=r`.
        var branches: [String] = []
        var attempts: [Attempt] = []

        /// The trace of a search that stops at attempt `k`.
        func trace(through k: Int) -> String {
            var text = ""
            for (index, attempt) in attempts[...k].enumerated() {
                if index == 0 || attempt.branch != attempts[index - 1].branch {
                    text += (index == 0 ? "" : "|") + branches[attempt.branch] + ":"
                } else {
                    text += ","
                }
                text += attempt.text
            }
            return text
        }
    }

    /// Every attempt of the search over `numbers` (sorted, largest first), none skipped.
    static func search(_ numbers: [Int]) -> Search {
        var search = Search()
        var triedPairs: [[Int]] = []
        for (i, j) in [(0, 1), (0, 2), (1, 2)] where !triedPairs.contains([numbers[i], numbers[j]]) {
            triedPairs.append([numbers[i], numbers[j]])
            let rest = numbers[3 - i - j]
            for (op, r) in operations(numbers[i], numbers[j]) {
                let first = "\(numbers[i])\(op)\(numbers[j])"
                search.branches.append("\(first)=\(r)")
                let firstIsLarger = r >= rest
                let (p, q) = firstIsLarger ? (r, rest) : (rest, r)
                for (op2, s) in operations(p, q) {
                    let inner = needsParentheses(inner: op, outer: op2, innerOnRight: !firstIsLarger) ? "(\(first))" : first
                    search.attempts.append(Attempt(
                        branch: search.branches.count - 1, text: "\(p)\(op2)\(q)=\(s)", value: s,
                        answer: firstIsLarger ? "\(inner)\(op2)\(rest)" : "\(rest)\(op2)\(inner)"))
                }
            }
        }
        return search
    }

    /// The operations tried on x ≥ y, in order, with their results.
    static func operations(_ x: Int, _ y: Int) -> [(Character, Int)] {
        var result: [(Character, Int)] = [("+", x + y)]
        if x > y { result.append(("-", x - y)) }
        result.append(("*", x * y))
        if y > 1, x % y == 0 { result.append(("/", x / y)) }
        return result
    }

    /// Whether `(a inner b)` needs parentheses as an operand of `outer`: when it binds more loosely, or when
    /// it is the right operand of `-` or `/` at equal precedence. (Exact rationals make `+` and `*`
    /// associative, so `z*(x/y)` may be written `z*x/y`.)
    static func needsParentheses(inner: Character, outer: Character, innerOnRight: Bool) -> Bool {
        let loose: Set<Character> = ["+", "-"]
        if loose.contains(inner) && !loose.contains(outer) { return true }
        return innerOnRight && loose.contains(inner) == loose.contains(outer) && (outer == "-" || outer == "/")
    }
}
