import Kernels
import PropertyBased
import PropertyTesting
import Tasks
import Testing

@Suite("Train/evaluation split")
struct SplitTests {
    @Test("the evaluation set is fixed by its seed, and every problem in it is in the evaluation split")
    func evaluationFixedBySeed() async throws {
        await checkProperty(count: 20, input: Fixtures.taskNumbers, Fixtures.seeds) { t, seed in
            let task = Fixtures.tasks[t]
            let set = try task.evaluationSet(count: 48, seed: seed)
            #expect(try task.evaluationSet(count: 48, seed: seed) == set)
            #expect(set.allSatisfy { task.split(of: $0) == .evaluation })
            #expect(try task.evaluationSet(count: 48, seed: seed &+ 1) != set)
        }
    }

    @Test("the evaluation set holds no split key twice: one-digit addition gives each of its held-out problems once and two digits fill the set")
    func evaluationSetIsASet() throws {
        let addition = ColumnAddition()
        var heldOutOneDigit = Set<String>()
        for a in 0...9 {
            for b in 0...9 {
                let problem = try addition.problem(prompt: "\(a)+\(b)=")
                if addition.split(of: problem) == .evaluation { heldOutOneDigit.insert(addition.splitKey(for: problem)) }
            }
        }
        let set = try addition.evaluationSet(count: 120, seed: 5, difficulties: 1...2)
        let keys = set.map { addition.splitKey(for: $0) }
        #expect(set.count == 120)
        #expect(Set(keys).count == keys.count, "a split key twice")
        #expect(Set(set.filter { $0.difficulty == 1 }.map { addition.splitKey(for: $0) }) == heldOutOneDigit)
        #expect(set.filter { $0.difficulty == 2 }.count == 120 - heldOutOneDigit.count)
        // The turns: one-digit and two-digit problems alternate until the one-digit ones run out.
        #expect(set.prefix(8).map(\.difficulty) == [1, 2, 1, 2, 1, 2, 1, 2])
        #expect(try addition.evaluationSet(count: 5, seed: 5, difficulties: 1...1).count == 5)
        #expect(try addition.evaluationSet(count: 40, seed: 5, difficulties: 1...1).count == heldOutOneDigit.count, "every one-digit problem, once")
    }

    @Test("no training problem of any seed shares a split key with an evaluation problem of any seed")
    func disjoint() throws {
        for task in Fixtures.tasks {
            var evaluationKeys = Set<String>()
            for seed: UInt64 in [1, 2] {
                for problem in try task.evaluationSet(count: 600, seed: seed) {
                    evaluationKeys.insert(task.splitKey(for: problem))
                }
            }
            for seed: UInt64 in [1, 2, 3] {
                let training = try task.trainingSet(count: 3000, seed: seed)
                #expect(training.allSatisfy { task.split(of: $0) == .training })
                let leaked = training.filter { evaluationKeys.contains(task.splitKey(for: $0)) }.map(\.prompt)
                #expect(leaked.count == 0, "\(task.name): e.g. \(leaked.prefix(3))")
            }
        }
    }

    @Test("every difficulty of every task has problems in both splits")
    func bothSplitsEverywhere() throws {
        for task in Fixtures.tasks {
            for d in task.difficulties {
                for split in Split.allCases {
                    #expect(try task.problems(split, count: 3, seed: 9, difficulties: d...d).count == 3)
                }
            }
        }
    }

    @Test("the split is a fixed hash of the split key: about one problem in eight is held out, and known keys stay put")
    func hashRule() throws {
        let addition = ColumnAddition()
        var held = 0
        var total = 0
        for a in 0..<100 {
            for b in 0..<100 where a <= b {
                total += 1
                if addition.split(of: try addition.problem(prompt: "\(a)+\(b)=")) == .evaluation { held += 1 }
            }
        }
        let fraction = Double(held) / Double(total)
        #expect(fraction > 0.10 && fraction < 0.15, "held-out fraction \(fraction)")
        // The rule itself, spelled out: top 3 bits of SplitMix64's finaliser of FNV-1a of the key are zero.
        for (a, b) in [(347, 85), (5, 7), (1234, 5678), (0, 0), (99, 1)] {
            let problem = try addition.problem(prompt: "\(a)+\(b)=")
            var h = RandomStream.fnv1a64("\(min(a, b))+\(max(a, b))")
            h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
            h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
            h ^= h >> 31
            #expect(addition.split(of: problem) == (h >> 61 == 0 ? .evaluation : .training))
        }
    }

    @Test("both orders of a sum or a product are one question: they land in the same split")
    func commutedOperands() async throws {
        await checkProperty(count: 300, input: Gen.int(in: 0...99_999_999), Gen.int(in: 0...99_999_999)) { a, b in
            let addition = ColumnAddition()
            let (sum, commuted) = (try addition.problem(prompt: "\(a)+\(b)="), try addition.problem(prompt: "\(b)+\(a)="))
            #expect(addition.split(of: sum) == addition.split(of: commuted))
            let multiplication = Multiplication()
            let (x, y) = (a % 1000, b % 100)
            if let p = try? multiplication.problem(prompt: "\(x)*\(y)="), let q = try? multiplication.problem(prompt: "\(y)*\(x)=") {
                #expect(multiplication.split(of: p) == multiplication.split(of: q))
            }
        }
    }
}
