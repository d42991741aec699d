import PropertyBased
import PropertyTesting
import Tasks
import Testing

@Suite("Task generators")
struct GeneratorTests {
    @Test("the same seed gives the same problems, bit for bit, and different seeds give different ones")
    func determinism() async throws {
        await checkProperty(count: 40, input: Fixtures.taskNumbers, Fixtures.seeds) { t, seed in
            let task = Fixtures.tasks[t]
            for split in Split.allCases {
                let first = try task.problems(split, count: 60, seed: seed)
                let again = try task.problems(split, count: 60, seed: seed)
                #expect(first == again)
                #expect(first.map(\.tokens) == again.map(\.tokens))
                let other = try task.problems(split, count: 60, seed: seed + 1)
                #expect(first.map(\.prompt) != other.map(\.prompt))
            }
        }
    }

    @Test("problem i depends only on (seed, split, difficulty, i): sets of other sizes and offsets agree on it")
    func addressing() async throws {
        await checkProperty(count: 30, input: Fixtures.taskNumbers, Fixtures.seeds, Gen.int(in: 0...50)) { t, seed, start in
            let task = Fixtures.tasks[t]
            let whole = try task.trainingSet(count: start + 20, seed: seed)
            let tail = try task.trainingSet(count: 20, seed: seed, startIndex: start)
            #expect(Array(whole[start...]) == tail)
            for (i, problem) in tail.enumerated() {
                let index = start + i
                let single = try task.problem(.training, index: index, difficulty: problem.difficulty, seed: seed)
                #expect(single == problem)
                #expect(problem.difficulty == task.difficulties.lowerBound + index % task.difficulties.count)
            }
        }
    }

    @Test("every generated prompt parses back to the same problem, teacher trace and answer included")
    func promptRoundTrip() async throws {
        await checkProperty(count: 300, input: Fixtures.taskNumbers, Fixtures.difficultyNumbers, Fixtures.seeds, Fixtures.indices) {
            t, k, seed, index in
            let problem = try Fixtures.problem(t, k, seed, index)
            #expect(try Fixtures.tasks[t].problem(prompt: problem.prompt) == problem)
        }
    }

    @Test("the generators draw what their documentation states")
    func documentedDistributions() async throws {
        await checkProperty(count: 400, input: Fixtures.taskNumbers, Fixtures.difficultyNumbers, Fixtures.seeds, Fixtures.indices) {
            t, k, seed, index in
            let problem = try Fixtures.problem(t, k, seed, index)
            let d = problem.difficulty
            #expect(problem.task == Fixtures.tasks[t].name)
            switch problem.task {
            case "addition":
                let (a, b) = (problem.operands[0], problem.operands[1])
                let digits = [Fixtures.digits(a).count, Fixtures.digits(b).count]
                #expect(digits.max() == d && digits.min()! >= 1)
                #expect(problem.prompt == "\(a)+\(b)=" && problem.answer == String(a + b))
            case "multiplication":
                let (a, b) = (problem.operands[0], problem.operands[1])
                let shape = Multiplication.shapes[d - 1]
                #expect(Fixtures.digits(a).count == shape.a && Fixtures.digits(b).count == shape.b)
                #expect(problem.prompt == "\(a)*\(b)=" && problem.answer == String(a * b))
            case "counting":
                let (target, string) = (problem.operands[0], Array(problem.operands.dropFirst()))
                let count = string.filter { $0 == target }.count
                #expect(string.count == d && count <= 9 && string.allSatisfy((0...9).contains))
                #expect(problem.prompt == "\(target):" + string.map(String.init).joined() + "=")
                #expect(problem.answer == String(count))
            case "countdown":
                let (target, numbers) = (problem.operands[0], Array(problem.operands.dropFirst()))
                #expect(numbers.count == 3 && numbers == numbers.sorted(by: >))
                #expect(numbers.allSatisfy(Countdown.numberRange.contains) && Countdown.targetRange.contains(target))
                #expect(Countdown.bands[d - 1].contains(problem.traceTokenCount))
                #expect(problem.prompt == numbers.map(String.init).joined(separator: ",") + ">\(target)=")
            default:
                Issue.record("unexpected task \(problem.task)")
            }
        }
    }

    @Test("counting's count is uniform over 0...min(length, 9): each value appears at every length")
    func countingCounts() throws {
        for length in DigitCounting().difficulties {
            let counts = try DigitCounting().trainingSet(count: 400, seed: 3, difficulties: length...length)
                .map { Int($0.answer)! }
            #expect(Set(counts) == Set(0...min(length, 9)))
        }
    }

    @Test("the registry finds every task by name; an unknown name is an error listing the known names")
    func registry() throws {
        #expect(TaskRegistry.names == ["addition", "multiplication", "counting", "countdown"])
        for name in TaskRegistry.names { #expect(try TaskRegistry.task(named: name).name == name) }
        #expect(throws: TaskError.unknownTask(name: "sorting", known: TaskRegistry.names)) {
            try TaskRegistry.task(named: "sorting")
        }
        let message = TaskError.unknownTask(name: "sorting", known: TaskRegistry.names).description
        #expect(message.contains("\"sorting\"") && message.contains("addition, multiplication, counting, countdown"))
    }

    @Test("out-of-range difficulties and negative counts or indices are errors naming the field and range")
    func invalidRequests() throws {
        for task in Fixtures.tasks {
            let allowed = task.difficulties
            for bad in [allowed.lowerBound - 1, allowed.upperBound + 1, Int.min, Int.max] {
                let error = TaskError.difficultyOutOfRange(task: task.name, difficulty: bad, allowed: allowed)
                #expect(throws: error) { try task.problem(.training, index: 0, difficulty: bad, seed: 1) }
                let range = bad < allowed.lowerBound ? bad...allowed.upperBound : allowed.lowerBound...bad
                #expect(throws: error) { try task.evaluationSet(count: 3, seed: 1, difficulties: range) }
                #expect(error.description.contains("\(allowed.lowerBound)...\(allowed.upperBound)"))
            }
            #expect(throws: TaskError.negative(field: "count", value: -1)) { try task.trainingSet(count: -1, seed: 1) }
            #expect(throws: TaskError.negative(field: "index", value: -2)) {
                try task.problem(.evaluation, index: -2, difficulty: allowed.lowerBound, seed: 1)
            }
            #expect(throws: TaskError.negative(field: "startIndex", value: -3)) {
                try task.trainingSet(count: 1, seed: 1, startIndex: -3)
            }
            #expect(try task.trainingSet(count: 0, seed: 1).isEmpty)
        }
    }

    @Test("a malformed or out-of-range prompt is an error saying what is expected, never a crash")
    func invalidPrompts() async throws {
        let bad: [String: [String]] = [
            "addition": ["", "347+85", "347+85=1", "+85=", "0347+85=", "1234567+1=", "1+1234567=", "123456789+1=", "3+-5=", "347*85=", "3 + 5="],
            "multiplication": ["", "34*85", "1234*56=", "12*123=", "7*06=", "1234567*8=", "34+85=", "34*85==" ],
            "counting": ["", "7:=", "7:12345678901234=", "77:12=", "1:1111111111=", "x:12=", "7:12", "7:1a="],
            "countdown": ["", "7,5,3>2=", "3,5,7>8=", "31,5,3>8=", "7,5,0>12=", "7,5>12=", "7,5,3>1000=", "7,5,3,2>9=",
                          "1,1,1>5=", "7,5,3>12"],
        ]
        for task in Fixtures.tasks {
            for prompt in bad[task.name]! {
                #expect(throws: TaskError.self, "\(task.name) accepted \(prompt.debugDescription)") {
                    try task.problem(prompt: prompt)
                }
            }
        }
        // Random text over the vocabulary: an error, or a problem stating exactly that prompt.
        await checkProperty(count: 500, input: Fixtures.taskNumbers, TokenizerTests.tokenSequences) { t, tokens in
            let prompt = try Tokenizer.decode(tokens.prefix(20)) + "="
            if let problem = try? Fixtures.tasks[t].problem(prompt: prompt) { #expect(problem.prompt == prompt) }
        }
        let message = TaskError.invalidPrompt(task: "addition", prompt: "3+", expected: "a+b=").description
        #expect(message.contains("\"3+\"") && message.contains("expected a+b="))
        #expect(message.contains("is not a problem of task addition"), "no article to get wrong (\"a addition\"): \(message)")
    }
}
