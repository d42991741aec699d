import Foundation
import Autograd
import PropertyBased
import PropertyTesting
import Testing

@Suite("Optimizers and schedules")
struct OptimizerTests {
    /// torch.optim.AdamW's update, written out per element in Double.
    static func referenceAdamW(
        _ p: inout [Double], _ grads: [[Double]], learningRates: [Double], beta1: Double, beta2: Double,
        epsilon: Double, weightDecay: Double
    ) {
        var m = [Double](repeating: 0, count: p.count), v = m
        for (t, (g, lr)) in zip(grads, learningRates).enumerated() {
            let step = Double(t + 1)
            for i in p.indices {
                p[i] *= 1 - lr * weightDecay
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                let mHat = m[i] / (1 - pow(beta1, step)), vHat = v[i] / (1 - pow(beta2, step))
                p[i] -= lr * mHat / (vHat.squareRoot() + epsilon)
            }
        }
    }

    @Test("AdamW matches PyTorch's AdamW formula over several steps with a changing learning rate")
    func adamWMatchesReference() async {
        await checkProperty(count: 30, input: Gen.int(in: 0...40), Gen.int(in: 0...1_000_000)) { count, seed in
            var random = TestRandom(seed: seed)
            let initial = random.tensor([count]).scalars
            let grads = (0..<5).map { _ in random.tensor([count], -1...1).scalars }
            let schedule = WarmupCosineSchedule(peak: 0.1, warmupSteps: 2, totalSteps: 5)
            let rates = (0..<5).map { schedule.learningRate(atStep: $0) }
            var expected = initial
            Self.referenceAdamW(&expected, grads, learningRates: rates, beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1)

            let parameter = Tensor<Double>(shape: [count], scalars: initial)
            let optimizer = AdamW<Double>(.init(beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1))
            for (g, lr) in zip(grads, rates) {
                optimizer.update([parameter], gradients: [Tensor(shape: [count], scalars: g)], learningRate: lr)
            }
            #expect(optimizer.stepCount == 5)
            for (got, want) in zip(parameter.scalars, expected) {
                #expect(abs(got - want) <= 1e-12 * max(1, abs(want)))
            }
        }
    }

    @Test("warm-up rises linearly to the peak; cosine then falls to the floor and stays there")
    func schedules() {
        let constant = WarmupConstantSchedule(peak: 1e-3, warmupSteps: 4)
        #expect((0..<6).map { constant.learningRate(atStep: $0) } == [2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-3, 1e-3])
        let cosine = WarmupCosineSchedule(peak: 1, warmupSteps: 2, totalSteps: 102, floor: 0.1)
        #expect(cosine.learningRate(atStep: 0) == 0.5)
        #expect(cosine.learningRate(atStep: 2) == 1)
        for step in 2...110 {
            let progress = min(1, Double(step - 2) / 100)
            let expected = 0.1 + 0.9 * (1 + cos(Double.pi * progress)) / 2
            #expect(abs(cosine.learningRate(atStep: step) - expected) <= 1e-15)
        }
        #expect(cosine.learningRate(atStep: 52) == 0.55)
        #expect(cosine.learningRate(atStep: 500) == 0.1)
    }

    @Test("clipping by global norm rescales to the bound only when the norm exceeds it")
    func clipping() {
        let a = Tensor<Double>(shape: [2], scalars: [3, 0]), b = Tensor<Double>(shape: [1, 1], scalars: [4])
        let (unclipped, norm) = clipByGlobalNorm([a, b], maxNorm: 10)
        #expect(norm == 5)
        #expect(unclipped.map(\.scalars) == [[3, 0], [4]])
        let (clipped, same) = clipByGlobalNorm([a, b], maxNorm: 1)
        #expect(same == 5)
        let factor = 1 / (5 + 1e-6)
        #expect(clipped.map(\.scalars) == [[3 * factor, 0], [4 * factor]])
        #expect(clipped[1].shape == [1, 1])
    }
}

extension OptimizerTests {
    @Test("AdamW's exported state, restored into a fresh optimizer, continues bit for bit like the optimizer that never stopped")
    func adamWStateRoundTrip() async {
        await checkProperty(count: 20, input: Gen.int(in: 0...6), Gen.int(in: 0...1_000_000)) { stopAfter, seed in
            var random = TestRandom(seed: seed)
            let shapes = [[3, 5], [1], [0], [17]]
            let initial = shapes.map { random.tensor($0).scalars }
            let grads = (0..<7).map { _ in shapes.map { random.tensor($0, -1...1) } }
            func parameters() -> [Tensor<Double>] { zip(shapes, initial).map { Tensor(shape: $0, scalars: $1) } }
            let straight = parameters(), straightAdam = AdamW<Double>()
            for (t, g) in grads.enumerated() { straightAdam.update(straight, gradients: g, learningRate: 0.01 * Double(t + 1)) }

            let resumed = parameters(), first = AdamW<Double>()
            for (t, g) in grads.prefix(stopAfter).enumerated() { first.update(resumed, gradients: g, learningRate: 0.01 * Double(t + 1)) }
            let state = first.exportState(shapedLike: resumed)
            #expect(state.stepCount == stopAfter)
            #expect(state.firstMoments.map(\.shape) == (stopAfter == 0 ? [] : shapes))
            let second = AdamW<Double>()
            #expect(throws: Never.self) { try second.restore(state) }
            for (t, g) in grads.enumerated().dropFirst(stopAfter) { second.update(resumed, gradients: g, learningRate: 0.01 * Double(t + 1)) }
            #expect(second.stepCount == straightAdam.stepCount)
            #expect(resumed.map { $0.scalars.map(\.bitPattern) } == straight.map { $0.scalars.map(\.bitPattern) })
            #expect(second.exportState(shapedLike: resumed).secondMoments.map(\.scalars) == straightAdam.exportState(shapedLike: straight).secondMoments.map(\.scalars))
        }
    }

    @Test("AdamW refuses an inconsistent state: a negative step count, moment lists of different lengths or shapes")
    func adamWRefusesBadState() {
        let adam = AdamW<Double>()
        let m = [Tensor<Double>(zeros: [2])]
        #expect(throws: AdamWStateError.self) { try adam.restore(.init(stepCount: -1, firstMoments: [], secondMoments: [])) }
        #expect(throws: AdamWStateError.self) { try adam.restore(.init(stepCount: 1, firstMoments: m, secondMoments: [])) }
        #expect(throws: AdamWStateError.self) { try adam.restore(.init(stepCount: 1, firstMoments: m, secondMoments: [Tensor(zeros: [3])])) }
        #expect(throws: AdamWStateError.self) { try adam.restore(.init(stepCount: 0, firstMoments: m, secondMoments: m)) }
        #expect(adam.stepCount == 0)
    }
}
