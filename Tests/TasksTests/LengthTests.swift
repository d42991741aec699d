import Tasks
import Testing

@Suite("Lengths")
struct LengthTests {
    /// The trace lengths (tokens) Specs/tasks.md states for each task and difficulty.
    static func statedTraceLengths(_ task: String, _ d: Int) -> ClosedRange<Int> {
        switch task {
        case "addition": return (17 * d - 1)...(17 * d - 1)
        case "multiplication":
            let (n, m) = Multiplication.shapes[d - 1]
            return m == 1 ? (10 * n - 1)...(10 * n - 1) : (30 * n + 18)...(31 * n + 18)
        case "counting": return (8 * d - 1)...(8 * d - 1)
        default: return Countdown.bands[d - 1]
        }
    }

    @Test("trace lengths at every difficulty lie in the ranges Specs/tasks.md states, and every sequence fits in 128 tokens and in its task's stated maximum")
    func statedRanges() throws {
        for task in TaskRegistry.tasks {
            for d in task.difficulties {
                let stated = Self.statedTraceLengths(task.name, d)
                for split in Split.allCases {
                    let problems = try task.problems(split, count: 400, seed: 21, difficulties: d...d)
                    for problem in problems {
                        #expect(stated.contains(problem.traceTokenCount), "\(task.name) \(d): \(problem.prompt)")
                        #expect(problem.tokenCount <= Problem.maximumTokenCount, "\(task.name) \(d): \(problem.prompt)")
                        #expect(problem.tokenCount <= task.maximumTokenCount(difficulty: d), "\(task.name) \(d): \(problem.prompt)")
                    }
                }
            }
        }
    }

    @Test("the chain of thought grows with difficulty: under 20 tokens at the lowest, over 100 at the highest")
    func knobMovesLength() throws {
        for task in TaskRegistry.tasks {
            let lowest = try task.trainingSet(count: 300, seed: 5, difficulties: task.difficulties.lowerBound...task.difficulties.lowerBound)
            let highest = try task.trainingSet(count: 300, seed: 5, difficulties: task.difficulties.upperBound...task.difficulties.upperBound)
            #expect(lowest.allSatisfy { $0.traceTokenCount < 20 }, "\(task.name)")
            #expect(highest.allSatisfy { $0.traceTokenCount > 100 }, "\(task.name)")
            // Mean length rises with every step of the knob.
            var previous = 0.0
            for d in task.difficulties {
                let problems = try task.trainingSet(count: 100, seed: 6, difficulties: d...d)
                let mean = Double(problems.map(\.traceTokenCount).reduce(0, +)) / 100
                #expect(mean > previous, "\(task.name) \(d)")
                previous = mean
            }
        }
    }

    @Test("worst cases fit in 128 tokens: all 2×2 and 3×2 products, the longest sums and the fullest counts")
    func worstCases() throws {
        var longest = 0
        for a in 10...999 {
            for b in 10...99 {
                guard let problem = try? Multiplication().problem(prompt: "\(a)*\(b)=") else { continue }
                #expect(Self.statedTraceLengths("multiplication", problem.difficulty).contains(problem.traceTokenCount))
                longest = max(longest, problem.tokenCount)
            }
        }
        #expect(longest == 126 && longest == Multiplication().maximumTokenCount(difficulty: 7))
        let sum = try ColumnAddition().problem(prompt: "999999+999999=")
        #expect(sum.traceTokenCount == 101 && sum.tokenCount == 125 && sum.tokenCount == ColumnAddition().maximumTokenCount(difficulty: 6))
        // The stated maximum of every addition difficulty is reached: all nines plus all nines.
        for d in ColumnAddition().difficulties {
            let nines = String(repeating: "9", count: d)
            #expect(try ColumnAddition().problem(prompt: "\(nines)+\(nines)=").tokenCount == ColumnAddition().maximumTokenCount(difficulty: d))
        }
        let count = try DigitCounting().problem(prompt: "9:9999999990000=")
        #expect(count.traceTokenCount == 103 && count.tokenCount == 123 && count.tokenCount == DigitCounting().maximumTokenCount(difficulty: 13))
    }
}
