import Autograd
import Foundation
import Testing

@Suite("The tape")
struct TapeTests {
    @Test("a tensor used twice receives the sum of both gradient contributions")
    func fanOut() {
        let tape = Tape<Double>()
        let x = tape.variable(Tensor(shape: [3], scalars: [1, 2, 3]))
        let y = (x * x + x.exp()).sum()
        let g = tape.gradients(of: y, withRespectTo: [x])[0]
        let expected: [Double] = [1, 2, 3].map { 2 * $0 + Foundation.exp($0) }
        for (got, want) in zip(g.scalars, expected) { #expect(abs(got - want) <= 1e-13 * want) }
    }

    @Test("a variable the output does not depend on gets a zero gradient of its own shape")
    func unusedVariable() {
        let tape = Tape<Double>()
        let x = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        let unused = tape.variable(Tensor(zeros: [2, 3]))
        let g = tape.gradients(of: x.sum(), withRespectTo: [unused, x])
        #expect(g[0].shape == [2, 3] && g[0].scalars.allSatisfy { $0 == 0 })
        #expect(g[1].scalars == [1, 1])
    }

    @Test("ops on constants record nothing; ops with a recorded input do")
    func constantsAreNotRecorded() {
        let tape = Tape<Float>()
        let constant = Tensor<Float>(shape: [2], scalars: [1, 2])
        _ = (constant * constant).exp()
        #expect(tape.nodeCount == 0)
        let x = tape.variable(constant)
        let y = (x * constant).exp()
        #expect(y.isRecorded && !constant.isRecorded)
        #expect(tape.nodeCount == 3)
    }

    @Test("gradients stop at a detached tensor")
    func detach() {
        let tape = Tape<Double>()
        let x = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        let g = tape.gradients(of: (x * x.detached()).sum(), withRespectTo: [x])[0]
        #expect(g.scalars == [1, 2])
    }

    @Test("two tapes on two threads compute the same gradients as one thread, without interfering")
    func tapesOnThreads() async {
        func gradient(_ seed: Int) -> [Double] {
            var random = TestRandom(seed: seed)
            let tape = Tape<Double>()
            let w = tape.variable(random.tensor([8, 8]))
            var h = random.tensor([4, 8])
            for _ in 0..<50 { h = Tensor.matmul(h, w).tanh() }
            return tape.gradients(of: h.sum(), withRespectTo: [w])[0].scalars
        }
        let expected = [gradient(1), gradient(2)]
        let results = await withTaskGroup(of: (Int, [Double]).self) { group in
            for seed in 1...2 { group.addTask { (seed, gradient(seed)) } }
            var collected: [Int: [Double]] = [:]
            for await (seed, g) in group { collected[seed] = g }
            return [collected[1]!, collected[2]!]
        }
        #expect(results == expected)
    }
}

