// Specs/tasks.md, "Counting".
import Kernels

/// Counting the occurrences of a digit in a digit string, with a running count (the character-count task of
/// verl's SFT-then-RL recipe, on digits).
///
/// `7:3747=` → `3:0+0=0|7:0+1=1|4:1+0=1|7:1+1=2#2`: one step per character, `c:r+m=r'` with c the character,
/// r the count so far, m = 1 when c is the target digit (else 0) and r' = r + m; steps separated by `|`. The
/// answer is the count. Difficulty d (1...13) is the string's length. The target digit is uniform; the
/// count is uniform in 0...min(d, 9) (so it stays one digit), on uniformly chosen positions, and the other
/// characters are uniform over the nine other digits. Operands: `[target, c₁, ..., c_d]`.
public struct DigitCounting: ReasoningTask {
    public let name = "counting"
    public let difficulties = 1...13

    public init() {}

    public func draw(difficulty length: Int, from stream: inout RandomStream) -> Problem? {
        let target = stream.nextInt(in: 0...9)
        let count = stream.nextInt(in: 0...min(length, 9))
        // The first `count` positions of a partial Fisher–Yates shuffle hold the target.
        var positions = Array(0..<length)
        for i in 0..<count { positions.swapAt(i, stream.nextInt(in: i...(length - 1))) }
        var string = [Int](repeating: 0, count: length)
        for i in 0..<length {
            let other = stream.nextInt(in: 0...8)
            string[positions[i]] = i < count ? target : (other < target ? other : other + 1)
        }
        return problem(target: target, string: string)
    }

    /// `t:s=` with t a digit and s a string of 1 to 13 digits holding t at most 9 times; the difficulty is
    /// the string's length.
    public func problem(prompt: String) throws(TaskError) -> Problem {
        var scanner = PromptScanner(prompt)
        if let target = scanner.digit(), scanner.expect(":") {
            var string: [Int] = []
            while let digit = scanner.digit() { string.append(digit) }
            if scanner.expect("="), scanner.isAtEnd, difficulties.contains(string.count),
                string.filter({ $0 == target }).count <= 9
            {
                return problem(target: target, string: string)
            }
        }
        throw .invalidPrompt(
            task: name, prompt: prompt, expected: "t:s= with t a digit and s 1 to 13 digits containing t at most 9 times")
    }

    private func problem(target: Int, string: [Int]) -> Problem {
        var steps: [String] = []
        var running = 0
        for character in string {
            let match = character == target ? 1 : 0
            steps.append("\(character):\(running)+\(match)=\(running + match)")
            running += match
        }
        return Problem(
            task: name, difficulty: string.count, operands: [target] + string,
            prompt: "\(target):" + string.map(String.init).joined() + "=",
            trace: steps.joined(separator: "|"), answer: String(running))
    }

    /// 9d + 6: BOS, d + 3 prompt characters, 8d − 1 of trace, `#`, one digit, EOS.
    public func maximumTokenCount(difficulty: Int) -> Int { 9 * difficulty + 6 }

    public func isCorrect(answer: String, for problem: Problem) -> Bool {
        answer == problem.answer
    }

    public func splitKey(for problem: Problem) -> String { problem.prompt }
}
