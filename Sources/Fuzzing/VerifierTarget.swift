// Specs/reliability.md, "Fuzzing": the `verifiers` target.
import Tasks
import TestSupport

extension FuzzTarget {
    /// Every task's verifier and prompt reader on a random problem of a random task, seed and difficulty:
    /// random token strings (ids inside and outside the vocabulary), mutated teacher responses (tokens
    /// replaced, inserted, deleted, truncated, the answer marker or EOS moved), random text, and mutated
    /// prompts. Property: nothing traps; the teacher response always verifies; a prompt the task reads back
    /// gives the same problem.
    public static let verifiers = FuzzTarget("verifiers") { random in
        let task = random.pick(TaskRegistry.tasks)
        let difficulty = random.integer(task.difficulties.lowerBound...task.difficulties.upperBound)
        let split = random.coin() ? Split.training : .evaluation
        let problem: Problem
        do { problem = try task.problem(split, index: random.integer(0...1_000_000), difficulty: difficulty, seed: random.next()) } catch {
            return "\(task.name) could not draw a problem at difficulty \(difficulty): \(error)"
        }
        guard task.verify(response: problem.responseTokens, for: problem), task.verify(response: problem.response, for: problem) else {
            return "\(task.name): the teacher response of \(problem.prompt) does not verify"
        }
        let teacher = problem.responseTokens
        var tokens: [Int]
        switch random.integer(0...3) {
        case 0: tokens = (0..<random.integer(0...140)).map { _ in random.integer(-3...(Tokenizer.vocabularySize + 2)) }
        case 1: tokens = (0..<random.integer(0...140)).map { _ in random.integer(0...(Tokenizer.vocabularySize - 1)) }
        default:
            tokens = teacher
            for _ in 0..<random.integer(1...4) {
                let i = random.index(tokens.count + 1)
                let token = random.integer(0...3) == 0 ? random.pick([Tokenizer.eos, Tokenizer.pad, Tokenizer.answerMarker, -1, 26]) : random.integer(0...25)
                switch random.integer(0...3) {
                case 0 where i < tokens.count: tokens[i] = token
                case 1: tokens.insert(token, at: i)
                case 2 where i < tokens.count: tokens.remove(at: i)
                default: tokens = Array(tokens[..<i])
                }
            }
        }
        _ = task.verify(response: tokens, for: problem)
        let text = String((0..<random.integer(0...40)).map { _ in random.pick(Array("0123456789+-*/=(),|:>c#$_^ x\u{0}é")) })
        _ = task.verify(response: text, for: problem)
        _ = task.isCorrect(answer: text, for: problem)
        var prompt = Array(problem.prompt)
        if random.coin(), !prompt.isEmpty { prompt[random.index(prompt.count)] = random.pick(Array("0123456789+-*/=(),|:>c# ")) }
        if let read = try? task.problem(prompt: String(prompt)), String(prompt) == problem.prompt, read != problem {
            return "\(task.name): prompt \(problem.prompt) reads back as another problem"
        }
        return nil
    }
}
