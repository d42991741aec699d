import PropertyBased
import Tasks

/// Shared inputs: a problem is named by (task number, difficulty number, seed, index).
enum Fixtures {
    static let tasks = TaskRegistry.tasks
    static let taskNumbers = Gen.int(in: 0...(TaskRegistry.tasks.count - 1))
    static let difficultyNumbers = Gen.int(in: 0...1000)
    static let seeds = Gen.uint64(in: 0...1_000_000_000)
    static let indices = Gen.int(in: 0...1_000_000)

    /// Difficulty number `k` of `task`, wrapping around its range.
    static func difficulty(_ task: any ReasoningTask, _ k: Int) -> Int {
        task.difficulties.lowerBound + k % task.difficulties.count
    }

    /// Problem `index` of `split` for `seed` at difficulty number `k` of task number `t`.
    static func problem(_ t: Int, _ k: Int, _ seed: UInt64, _ index: Int, _ split: Split = .training) throws -> Problem {
        let task = tasks[t]
        return try task.problem(split, index: index, difficulty: difficulty(task, k), seed: seed)
    }

    /// The digits of `value`, least significant first.
    static func digits(_ value: Int) -> [Int] {
        var digits: [Int] = []
        var rest = value
        repeat {
            digits.append(rest % 10)
            rest /= 10
        } while rest > 0
        return digits
    }

    /// 10^k.
    static func power10(_ k: Int) -> Int { (0..<k).reduce(1) { value, _ in value * 10 } }

    /// Decimal digit `i` of `value` (0 beyond its length).
    static func digit(_ value: Int, _ i: Int) -> Int { value / power10(i) % 10 }
}
