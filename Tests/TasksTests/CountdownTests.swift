import PropertyBased
import PropertyTesting
import Tasks
import Testing

@Suite("Countdown")
struct CountdownTests {
    /// An exact fraction in lowest terms (test reference, independent of the library's).
    struct Fraction: Equatable {
        var n: Int, d: Int
        init?(_ n: Int, _ d: Int) {
            guard d != 0 else { return nil }
            var (a, b) = (abs(n), abs(d))
            while b != 0 { (a, b) = (b, a % b) }
            let s = d < 0 ? -1 : 1
            (self.n, self.d) = (s * n / a, s * d / a)
        }
        static func apply(_ x: Fraction?, _ op: Character, _ y: Fraction?) -> Fraction? {
            guard let x, let y else { return nil }
            let (xy, yx, dd): (Int, Int, Int) = (x.n * y.d, y.n * x.d, x.d * y.d)
            switch op {
            case "+": return Fraction(xy + yx, dd)
            case "-": return Fraction(xy - yx, dd)
            case "*": return Fraction(x.n * y.n, dd)
            default: return Fraction(xy, x.d * y.n)
            }
        }
    }

    /// The documented search order, written out again: every (first step, attempt, value) in order.
    static func referenceSearch(_ numbers: [Int]) -> [(first: String, attempt: String, value: Int)] {
        func operations(_ x: Int, _ y: Int) -> [(Character, Int)] {
            var result: [(Character, Int)] = [("+", x + y)]
            if x > y { result.append(("-", x - y)) }
            result.append(("*", x * y))
            if y > 1 && x % y == 0 { result.append(("/", x / y)) }
            return result
        }
        var result: [(String, String, Int)] = []
        var pairs = Set<[Int]>()
        for (i, j, k) in [(0, 1, 2), (0, 2, 1), (1, 2, 0)] where pairs.insert([numbers[i], numbers[j]]).inserted {
            for (op, r) in operations(numbers[i], numbers[j]) {
                let (p, q) = (max(r, numbers[k]), min(r, numbers[k]))
                for (op2, s) in operations(p, q) {
                    result.append(("\(numbers[i])\(op)\(numbers[j])=\(r)", "\(p)\(op2)\(q)=\(s)", s))
                }
            }
        }
        return result
    }

    @Test("the trace is the documented depth-first search, stopping at the first attempt equal to the target")
    func searchOrder() async throws {
        await checkProperty(count: 300, input: Fixtures.difficultyNumbers, Fixtures.seeds, Fixtures.indices) { k, seed, index in
            let problem = try Fixtures.problem(3, k, seed, index)
            let numbers = Array(problem.operands.dropFirst())
            let search = Self.referenceSearch(numbers)
            let stop = try #require(search.firstIndex { $0.value == problem.operands[0] })
            var trace = ""
            for i in 0...stop {
                if i == 0 || search[i].first != search[i - 1].first {
                    trace += (i == 0 ? "" : "|") + search[i].first + ":"
                } else {
                    trace += ","
                }
                trace += search[i].attempt
            }
            #expect(problem.trace == trace)
        }
    }

    /// Every expression over the three numbers (each used once): both tree shapes, all orders and operators,
    /// as text with full parentheses, without the outer pair, and flat (precedence decides), with its value.
    static func allExpressions(_ numbers: [Int]) -> [(text: String, value: Fraction?)] {
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]].map { $0.map { numbers[$0] } }
        let ops: [Character] = ["+", "-", "*", "/"]
        var result: [(String, Fraction?)] = []
        for o in orders {
            let (x, y, z) = (Fraction(o[0], 1), Fraction(o[1], 1), Fraction(o[2], 1))
            for op1 in ops {
                for op2 in ops {
                    let left = Fraction.apply(Fraction.apply(x, op1, y), op2, z)
                    let right = Fraction.apply(x, op1, Fraction.apply(y, op2, z))
                    result.append(("((\(o[0])\(op1)\(o[1]))\(op2)\(o[2]))", left))
                    result.append(("(\(o[0])\(op1)\(o[1]))\(op2)\(o[2])", left))
                    result.append(("\(o[0])\(op1)(\(o[1])\(op2)\(o[2]))", right))
                    let tighter = "*/".contains(op2) && "+-".contains(op1)
                    result.append(("\(o[0])\(op1)\(o[1])\(op2)\(o[2])", tighter ? right : left))
                }
            }
        }
        return result
    }

    @Test("an expression verifies iff it uses each number once and its exact value is the target (all 192 trees over the numbers, spelt with full, lighter and no parentheses)")
    func verifierMatchesReference() async throws {
        await checkProperty(count: 40, input: Fixtures.difficultyNumbers, Fixtures.seeds, Fixtures.indices) { k, seed, index in
            let problem = try Fixtures.problem(3, k, seed, index)
            let task = Countdown()
            let target = Fraction(problem.operands[0], 1)
            let numbers = Array(problem.operands.dropFirst())
            var correct = 0
            for (text, value) in Self.allExpressions(numbers) {
                let expected = value != nil && value == target
                #expect(task.isCorrect(answer: text, for: problem) == expected, "\(problem.prompt) \(text)")
                if expected { correct += 1 }
            }
            #expect(correct > 0)
            // A wrong multiset of numbers never verifies, whatever the value.
            for (text, _) in Self.allExpressions([numbers[0], numbers[1], numbers[2] + 1]) {
                #expect(!task.isCorrect(answer: text, for: problem))
            }
            for (text, _) in Self.allExpressions([numbers[0], numbers[1], numbers[1]]) where numbers[1] != numbers[2] {
                #expect(!task.isCorrect(answer: text, for: problem))
            }
        }
    }

    @Test("malformed expressions are wrong, never a crash; redundant parentheses and other orders are fine")
    func malformed() async throws {
        let task = Countdown()
        let problem = try task.problem(prompt: "9,6,2>30=")
        #expect(problem.answer == "(9+6)*2")
        for good in ["(9+6)*2", "((9+6))*2", "2*(6+9)", "(((2)))*(9+6)", "(6+9)*2"] {
            #expect(task.isCorrect(answer: good, for: problem), "\(good)")
        }
        let bad = ["", "(", ")", "()", "9+6*2", "(9+6)*", "(9+6", "9+6)*2", "(9+6)*2)", "09+6*2", "(09+6)*2",
                   "(9++6)*2", "-(9+6)*-2", "(9+6)2", "2(9+6)", "(9+6)*2=30", "#(9+6)*2", "(9+6)*2#", "(9+6)*2$",
                   "(9+6)*2,", "30", "9*2+6*2", "(9+6)*2*1", "9+6+2+13", "99999+9*2", "9999*9999*9999*9999*9999*9999-9+6*2",
                   "9/(6-6)*2", "(9+6)*2/0", "(9:6)*2", "(9+6)c2", "(9+6)\u{00B2}"]
        for text in bad { #expect(!task.isCorrect(answer: text, for: problem), "\(text)") }
        // Fuzz: any string over the expression alphabet is judged without trapping.
        let alphabet = Array("0123456789+-*/()")
        await checkProperty(count: 2000, input: Gen.int(in: 0...(alphabet.count - 1)).array(of: 0...24)) { picks in
            _ = task.isCorrect(answer: String(picks.map { alphabet[$0] }), for: problem)
        }
    }
}
