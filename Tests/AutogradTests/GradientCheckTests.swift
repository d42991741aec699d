import Autograd
import PropertyBased
import PropertyTesting
import Testing

/// Every differentiable op's gradient against central finite differences in Double, on random shapes and
/// values: norm-wise relative error ≤ 1e-6 (see `gradientError`).
@Suite("Gradients match central finite differences")
struct GradientCheckTests {
    static let tolerance = 1e-6
    static let extent = Gen.int(in: 1...5)
    static let seed = Gen.int(in: 0...1_000_000)

    @Test("matmul, in all four transpose forms")
    func matmul() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.extent, Self.seed) { m, n, k, seed in
            var random = TestRandom(seed: seed)
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = random.tensor(transposeA ? [k, m] : [m, k]), b = random.tensor(transposeB ? [n, k] : [k, n])
                let error = gradientError([a, b], seed: seed) {
                    Tensor.matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB)
                }
                #expect(error <= Self.tolerance, "transposeA \(transposeA) transposeB \(transposeB): \(error)")
            }
        }
    }

    @Test("batched matmul, and a rank-2 weight shared by a batch")
    func batchedMatmul() async {
        await checkProperty(count: 15, input: Self.extent, Self.extent, Self.extent, Self.seed) { batch, m, k, seed in
            var random = TestRandom(seed: seed)
            let n = 1 + random.index(4)
            let a = random.tensor([2, batch, m, k]), b = random.tensor([2, batch, n, k]), w = random.tensor([k, n])
            #expect(gradientError([a, b], seed: seed) { Tensor.matmul($0[0], $0[1], transposeB: true) } <= Self.tolerance)
            #expect(gradientError([a, w], seed: seed) { Tensor.matmul($0[0], $0[1]) } <= Self.tolerance)
        }
    }

    @Test("add, subtract, multiply and divide with broadcasting")
    func arithmetic() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.extent, Self.seed) { a0, a1, a2, seed in
            var random = TestRandom(seed: seed)
            let shape = [a0, a1, a2]
            // A broadcast partner: some axes collapsed to 1, sometimes fewer axes.
            var partner = shape.map { random.next() & 1 == 0 ? 1 : $0 }
            if random.next() & 1 == 0 { partner.removeFirst() }
            let x = random.tensor(shape), y = random.tensor(partner)
            let positive = random.tensor(partner, 0.5...2)
            #expect(gradientError([x, y], seed: seed) { $0[0] + $0[1] } <= Self.tolerance)
            #expect(gradientError([x, y], seed: seed) { $0[1] - $0[0] } <= Self.tolerance)
            #expect(gradientError([x, y], seed: seed) { $0[0] * $0[1] } <= Self.tolerance)
            #expect(gradientError([x, positive], seed: seed) { $0[0] / $0[1] } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { 3 * $0[0] - 1.5 } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { -$0[0] } <= Self.tolerance)
        }
    }

    @Test("exp, log, sqrt, tanh, reciprocal, GELU and ReLU")
    func unary() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.seed) { rows, cols, seed in
            var random = TestRandom(seed: seed)
            let x = random.tensor([rows, cols * 7]), positive = random.tensor([rows, cols * 7], 0.2...3)
            #expect(gradientError([x], seed: seed) { $0[0].exp() } <= Self.tolerance)
            #expect(gradientError([positive], seed: seed) { $0[0].log() } <= Self.tolerance)
            #expect(gradientError([positive], seed: seed) { $0[0].sqrt() } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].tanh() } <= Self.tolerance)
            #expect(gradientError([positive], seed: seed) { $0[0].reciprocal() } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].gelu() } <= Self.tolerance)
            #expect(gradientError([random.tensorAwayFromZero([rows, cols])], seed: seed) { $0[0].relu() } <= Self.tolerance)
        }
    }

    @Test("softmax and log-softmax along the last axis")
    func softmax() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.seed) { rows, cols, seed in
            var random = TestRandom(seed: seed)
            let x = random.tensor([rows, 1 + (cols * 7) % 19], -4...4)
            #expect(gradientError([x], seed: seed) { $0[0].softmax() } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].logSoftmax() } <= Self.tolerance)
        }
    }

    @Test("layer norm, with respect to input, scale and offset")
    func layerNorm() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.seed) { rows, cols, seed in
            var random = TestRandom(seed: seed)
            let width = 2 + cols * 5
            let x = random.tensor([rows, width]), gamma = random.tensor([width]), beta = random.tensor([width])
            #expect(gradientError([x, gamma, beta], seed: seed) { $0[0].layerNormalized(scale: $0[1], offset: $0[2]) } <= Self.tolerance)
        }
    }

    @Test("embedding lookup, with repeated indices")
    func embedding() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.seed) { vocabulary, width, seed in
            var random = TestRandom(seed: seed)
            let table = random.tensor([vocabulary, width])
            let indices = (0..<(2 * vocabulary + 1)).map { _ in random.index(vocabulary) }
            #expect(gradientError([table], seed: seed) { $0[0].embedding(indices) } <= Self.tolerance)
        }
    }

    @Test("reshape, transpose, permute, slice, expand and concatenate")
    func layout() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.extent, Self.seed) { a, b, c, seed in
            var random = TestRandom(seed: seed)
            let x = random.tensor([a, b, c]), y = random.tensor([a, 1 + random.index(3), c])
            let start = random.index(b), end = start + 1 + random.index(b - start)
            #expect(gradientError([x], seed: seed) { $0[0].reshaped([c, -1]) * $0[0].reshaped([c, -1]) } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].transposed() } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].permuted([2, 0, 1]) } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].slice(start..<end, axis: 1) } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].slice(start..<(start + 1), axis: 1).expanded(to: [2, a, 3, c]) } <= Self.tolerance)
            #expect(gradientError([x, y], seed: seed) { Tensor.concatenate([$0[0], $0[1], $0[0]], axis: 1) } <= Self.tolerance)
        }
    }

    @Test("sum and mean over axes and over everything")
    func reductions() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.extent, Self.seed) { a, b, c, seed in
            var random = TestRandom(seed: seed)
            let x = random.tensor([a, b, c * 6])
            #expect(gradientError([x], seed: seed) { $0[0].sum(alongAxis: 1) } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].sum(alongAxis: -1, keepingDimension: true) } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].sum(alongAxes: [0, 2]) } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].mean(alongAxis: 0) } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].sum() } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].mean() } <= Self.tolerance)
        }
    }

    @Test("max, min, clamp, maximum and minimum away from ties and boundaries")
    func extrema() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.seed) { a, b, seed in
            var random = TestRandom(seed: seed)
            let x = random.tensorOfDistinctValues([a, b, 3]), y = random.tensorOfDistinctValues([a, b, 3])
            let shifted = (y + 0.0025).detached()   // never equal to an entry of x
            #expect(gradientError([x], seed: seed) { $0[0].max(alongAxis: 1) } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].min(alongAxis: 2) } <= Self.tolerance)
            #expect(gradientError([x], seed: seed) { $0[0].clamped(-0.0051, 0.0049) } <= Self.tolerance)
            #expect(gradientError([x, shifted], seed: seed) { Tensor.maximum($0[0], $0[1]) } <= Self.tolerance)
            #expect(gradientError([x, shifted], seed: seed) { Tensor.minimum($0[0], $0[1]) } <= Self.tolerance)
        }
    }

    @Test("select with a broadcast mask, and causal masking before softmax")
    func selection() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.seed) { rows, cols, seed in
            var random = TestRandom(seed: seed)
            let a = random.tensor([rows, cols]), b = random.tensor([cols])
            let mask = Tensor<Double>(shape: [rows, cols], scalars: (0..<(rows * cols)).map { _ in Double(random.index(2)) })
            #expect(gradientError([a, b], seed: seed) { Tensor.select(mask, $0[0], $0[1]) } <= Self.tolerance)
            let scores = random.tensor([2, rows, rows + cols])
            #expect(gradientError([scores], seed: seed) { $0[0].causallyMasked().softmax() } <= Self.tolerance)
        }
    }

    @Test("linear layers x·W + b on batches of rows, with and without bias, and a bias added by broadcasting over leading axes")
    func linear() async {
        await checkProperty(count: 15, input: Self.extent, Self.extent, Self.extent, Self.seed) { rows, inputs, outputs, seed in
            var random = TestRandom(seed: seed)
            let x = random.tensor([2, rows, inputs]), w = random.tensor([inputs, outputs]), b = random.tensor([outputs])
            #expect(gradientError([x, w, b], seed: seed) { $0[0].linear(weight: $0[1], bias: $0[2]) } <= Self.tolerance)
            #expect(gradientError([x, w], seed: seed) { $0[0].linear(weight: $0[1]) } <= Self.tolerance)
            let rowsOfX = random.tensor([rows, inputs])
            #expect(gradientError([x, rowsOfX], seed: seed) { $0[0] + $0[1] } <= Self.tolerance)
            #expect(gradientError([x, rowsOfX], seed: seed) { $0[1] + $0[0] } <= Self.tolerance)
        }
    }

    @Test("causal self-attention of fused projections, several heads, lengths up to 18")
    func causalSelfAttention() async {
        await checkProperty(count: 15, input: Gen.int(in: 1...3), Gen.int(in: 1...18), Self.extent, Self.seed) { heads, length, headWidth, seed in
            var random = TestRandom(seed: seed)
            let qkv = random.tensor([1 + random.index(2), length, 3 * heads * headWidth])
            #expect(gradientError([qkv], seed: seed) { $0[0].causalSelfAttention(heads: heads) } <= Self.tolerance)
        }
    }

    @Test("cross-entropy with an ignore mask, and gathered log-probabilities")
    func crossEntropy() async {
        await checkProperty(count: 20, input: Self.extent, Self.extent, Self.seed) { rows, vocabulary, seed in
            var random = TestRandom(seed: seed)
            let logits = random.tensor([2, rows, vocabulary + 1], -3...3)
            let targets = (0..<(2 * rows)).map { _ in random.index(vocabulary + 1) }
            let mask = (0..<(2 * rows)).map { $0 == 0 ? 1.0 : Double(random.index(2)) }
            #expect(gradientError([logits], seed: seed) { $0[0].crossEntropy(targets: targets, mask: mask) } <= Self.tolerance)
            #expect(gradientError([logits], seed: seed) { $0[0].logSoftmax().gathering(atLastAxis: targets) } <= Self.tolerance)
        }
    }
}
