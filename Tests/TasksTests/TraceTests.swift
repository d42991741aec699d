import PropertyBased
import PropertyTesting
import Tasks
import Testing

@Suite("Teacher traces")
struct TraceTests {
    @Test("the examples of Specs/tasks.md are generated exactly", arguments: [
        ("addition", "5+7=", 1, "1:5+7+c0=12>2,c1", "12"),
        ("addition", "347+85=", 3, "1:7+5+c0=12>2,c1|2:4+8+c1=13>3,c1|3:3+0+c1=04>4,c0", "432"),
        ("addition", "608067+776815=", 6,
         "1:7+5+c0=12>2,c1|2:6+1+c1=08>8,c0|3:0+8+c0=08>8,c0|4:8+6+c0=14>4,c1|5:0+7+c1=08>8,c0|6:6+7+c0=13>3,c1",
         "1384882"),
        ("multiplication", "7*8=", 1, "7*8=56>56", "56"),
        ("multiplication", "34*85=", 6, "4*5=20,3*5+2=17>170|4*8=32,3*8+3=27>2720|0+0=0c0|7+2+0=9c0|1+7+0=8c0|0+2+0=2c0", "2890"),
        ("multiplication", "347*85=", 7,
         "7*5=35,4*5+3=23,3*5+2=17>1735|7*8=56,4*8+5=37,3*8+3=27>27760|5+0=5c0|3+6+0=9c0|7+7+0=14c1|1+7+1=9c0|0+2+0=2c0",
         "29495"),
        ("counting", "5:5=", 1, "5:0+1=1", "1"),
        ("counting", "7:37=", 2, "3:0+0=0|7:0+1=1", "1"),
        ("counting", "2:5815886422182=", 13,
         "5:0+0=0|8:0+0=0|1:0+0=0|5:0+0=0|8:0+0=0|8:0+0=0|6:0+0=0|4:0+0=0|2:0+1=1|2:1+1=2|1:2+0=2|8:2+0=2|2:2+1=3", "3"),
        ("countdown", "17,15,3>35=", 1, "17+15=32:32+3=35", "17+15+3"),
        ("countdown", "9,6,2>30=", 2, "9+6=15:15+2=17,15-2=13,15*2=30", "(9+6)*2"),
        ("countdown", "19,18,15>16=", 3, "19+18=37:37+15=52,37-15=22,37*15=555|19-18=1:15+1=16", "15+19-18"),
        ("countdown", "27,17,16>443=", 6,
         "27+17=44:44+16=60,44-16=28,44*16=704|27-17=10:16+10=26,16-10=6,16*10=160|27*17=459:459+16=475,459-16=443",
         "27*17-16"),
    ])
    func examples(task: String, prompt: String, difficulty: Int, trace: String, answer: String) throws {
        let problem = try TaskRegistry.task(named: task).problem(prompt: prompt)
        #expect(problem.difficulty == difficulty)
        #expect(problem.trace == trace)
        #expect(problem.answer == answer)
    }

    /// The value of an integer expression with `+ - * /` (exact division) and the usual precedence.
    static func evaluate(_ text: Substring) -> Int? {
        if let plus = text.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            guard let a = evaluate(text[..<plus]), let b = evaluate(text[text.index(after: plus)...]) else { return nil }
            return text[plus] == "+" ? a + b : a - b
        }
        if let times = text.lastIndex(where: { $0 == "*" || $0 == "/" }) {
            guard let a = evaluate(text[..<times]), let b = evaluate(text[text.index(after: times)...]) else { return nil }
            if text[times] == "*" { return a * b }
            return b != 0 && a % b == 0 ? a / b : nil
        }
        return Int(text)
    }

    @Test("every equation in every trace is true, and every carry c is the tens digit of its sum")
    func arithmetic() async throws {
        await checkProperty(count: 400, input: Fixtures.taskNumbers, Fixtures.difficultyNumbers, Fixtures.seeds, Fixtures.indices) {
            t, k, seed, index in
            let problem = try Fixtures.problem(t, k, seed, index)
            var equations = 0
            for piece in problem.trace.split(whereSeparator: { "|,:>".contains($0) }) where piece.contains("=") {
                let sides = piece.split(separator: "=")
                let result = sides[1].split(separator: "c")
                // Addition writes its carry in as an addend `ck`: its value is k.
                let (left, right) = (Self.evaluate(sides[0].filter { $0 != "c" }[...]), Int(result[0]))
                #expect(left != nil && left == right, "\(problem.prompt): \(piece)")
                if result.count == 2 { #expect(Int(result[1]) == (right ?? 0) / 10, "\(problem.prompt): \(piece)") }
                equations += 1
            }
            #expect(equations > 0)
        }
    }

    @Test("addition and multiplication steps read the right digits and pass each carry on; rows are a times one digit of b")
    func columns() async throws {
        await checkProperty(count: 300, input: Gen.int(in: 0...1), Fixtures.difficultyNumbers, Fixtures.seeds, Fixtures.indices) {
            t, k, seed, index in
            let problem = try Fixtures.problem(t, k, seed, index)
            let (a, b) = (problem.operands[0], problem.operands[1])
            let x = Fixtures.digits(a)
            var blocks = problem.trace.split(separator: "|").map(String.init)
            if problem.task == "multiplication" {
                for (j, y) in Fixtures.digits(b).enumerated() {
                    let row = blocks.removeFirst().split(separator: ">")
                    let steps = row[0].split(separator: ",").map(String.init)
                    var carry = 0
                    for (i, step) in steps.enumerated() {
                        let product = x[i] * y + carry
                        #expect(step == "\(x[i])*\(y)" + (i == 0 ? "" : "+\(carry)") + "=\(product / 10)\(product % 10)")
                        carry = product / 10
                    }
                    #expect(steps.count == x.count)
                    #expect(Int(row[1]) == a * y * [1, 10][j] && row[1].count == x.count + 1 + j)
                }
                if blocks.isEmpty { return }
            }
            // Column addition: of a and b (numbered sixteen-character steps), or of the two partial products
            // (multiplication's compact steps).
            let sum = Int(problem.answer)!
            let terms = problem.task == "addition" ? [a, b] : [a * (b % 10), a * (b / 10) * 10]
            let width = problem.task == "addition" ? max(x.count, Fixtures.digits(b).count) : x.count + 2
            #expect(blocks.count == width)
            var carry = 0
            for (i, step) in blocks.enumerated() {
                let (dx, dy) = (Fixtures.digit(terms[0], i), Fixtures.digit(terms[1], i))
                let total = dx + dy + carry
                if problem.task == "addition" {
                    #expect(step == "\(i + 1):\(dx)+\(dy)+c\(carry)=\(total / 10)\(total % 10)>\(total % 10),c\(total / 10)")
                    #expect(step.utf8.count == 16)
                } else {
                    #expect(step == "\(dx)+\(dy)" + (i == 0 ? "" : "+\(carry)") + "=\(total)c\(total / 10)")
                }
                #expect(Fixtures.digit(sum, i) == total % 10)
                carry = total / 10
            }
            #expect(Fixtures.digit(sum, width) == carry && sum < 10 * Fixtures.power10(width))
        }
    }

    @Test("counting reads character i at step i, adds 1 exactly when it is the target, and carries the running count")
    func counting() async throws {
        await checkProperty(count: 300, input: Fixtures.difficultyNumbers, Fixtures.seeds, Fixtures.indices) { k, seed, index in
            let problem = try Fixtures.problem(2, k, seed, index)
            let (target, string) = (problem.operands[0], problem.operands.dropFirst())
            var running = 0
            let expected = string.map { c -> String in
                let match = c == target ? 1 : 0
                defer { running += match }
                return "\(c):\(running)+\(match)=\(running + match)"
            }
            #expect(problem.trace == expected.joined(separator: "|"))
        }
    }
}
