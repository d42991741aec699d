import Autograd
import Foundation
import Kernels
import Testing
import Transformer

/// Small models and prompts for the sampling tests.
enum SamplingFixtures {
    static let configuration = GPTConfiguration(layers: 2, width: 16, heads: 2, context: 12, vocabulary: 11)

    /// A GPT-2-initialised Float policy (near-uniform next-token distributions, so samples vary).
    static func freshModel() -> GPT<Float> {
        try! GPT(configuration: configuration, head: .languageModel, stream: RandomStream(seed: 7, name: "model"))
    }

    /// A policy with O(1) random parameters (peaked, far-from-uniform attention), in either scalar type.
    static func randomModel<Scalar: KernelScalar>(_: Scalar.Type, seed: Int, configuration: GPTConfiguration = configuration) -> GPT<Scalar> {
        let values = Fixtures.randomParameters(configuration, head: .languageModel, seed: seed)
        let shapes = Dictionary(uniqueKeysWithValues: configuration.parameterSpecifications(head: .languageModel).map { ($0.name, $0.shape) })
        let tensors = Dictionary(uniqueKeysWithValues: values.map { name, scalars in
            (name, Tensor<Scalar>(shape: shapes[name]!, scalars: scalars.map { Scalar($0) }))
        })
        return try! GPT(configuration: configuration, head: .languageModel, parameters: tensors)
    }

    /// Prompts of lengths 1 ... count.
    static func prompts(count: Int, seed: Int) -> [[Int]] {
        var random = TestRandom(seed: seed)
        return (1...count).map { length in (0..<length).map { _ in random.index(configuration.vocabulary) } }
    }
}

@Suite("Sampling with a KV cache")
struct SamplingTests {
    @Test("the tokens of sample j of prompt i depend only on (seed, step, i, j): alone, in batches of other sizes and orders, with 1 and 2 threads (a pool worker running chunks of the 2-thread batches), bit for bit")
    func determinismRule() throws {
        let model = SamplingFixtures.freshModel()
        let prompts = SamplingFixtures.prompts(count: 5, seed: 1)
        let options = SamplingOptions(seed: 42, step: 3, temperature: 1, topP: 0.9, maxNewTokens: 8, endOfSequence: 2)
        let requests = prompts.enumerated().flatMap { i, prompt in
            (0..<3).map { SamplingRequest(prompt: prompt, promptIndex: i, sampleIndex: $0) }
        }
        let alone = try requests.map { try model.sample([$0], options: options)[0] }
        #expect(Set(alone.map(\.tokens)).count > requests.count / 2, "samples should differ")
        #expect(try model.sample(prompts: prompts, samplesPerPrompt: 3, options: options) == alone)
        let odd = requests.indices.filter { $0 % 2 == 1 }
        for threads in [1, 2] {
            let ((all, reversed, subset, doubled), chunksOffCaller) = try Parallel.observingWorkers(threadCount: threads) {
                (try model.sample(requests, options: options), try model.sample(requests.reversed(), options: options),
                 try model.sample(odd.map { requests[$0] }, options: options), try model.sample(requests + requests, options: options))
            }
            #expect((chunksOffCaller > 0) == (threads == 2), "\(chunksOffCaller) chunks off the caller with \(threads) thread(s)")
            #expect(all == alone, "\(threads) threads")
            #expect(reversed == alone.reversed(), "\(threads) threads")
            #expect(subset == odd.map { alone[$0] }, "\(threads) threads")
            #expect(doubled == alone + alone, "\(threads) threads")
        }
        var other = options
        other.step = 4
        #expect(try model.sample(requests, options: other) != alone, "another step draws afresh")
    }

    @Test("cached logits at every position equal the full forward's logits bit for bit (Float and Double, contexts 12 and 40, head widths 8 and 32, prefills of 1, half and all positions)")
    func cachedLogitsMatchFullForward() {
        for (context, length, width) in [(12, 12, 16), (40, 37, 16), (40, 33, 64)] {
            let configuration = GPTConfiguration(layers: 2, width: width, heads: 2, context: context, vocabulary: 11)
            let tokens = TokenBatch(Fixtures.tokens(batch: 3, length: length, vocabulary: 11, seed: context))
            let float = SamplingFixtures.randomModel(Float.self, seed: 11, configuration: configuration)
            let double = SamplingFixtures.randomModel(Double.self, seed: 11, configuration: configuration)
            let (floatFull, doubleFull) = (float.logits(tokens).scalars, double.logits(tokens).scalars)
            for prefill in [1, length / 2, length] {
                let label = "context \(context), width \(width), prefill \(prefill)"
                #expect(float.incrementalLogits(tokens, prefill: prefill).scalars == floatFull, "Float, \(label)")
                #expect(double.incrementalLogits(tokens, prefill: prefill).scalars == doubleFull, "Double, \(label)")
            }
        }
    }

    @Test("long prompts, prefilled in several blocks of rows within a batch, give the tokens each request gets alone")
    func longPrompts() throws {
        let configuration = GPTConfiguration(layers: 2, width: 16, heads: 2, context: 48, vocabulary: 11)
        let model = SamplingFixtures.randomModel(Float.self, seed: 5, configuration: configuration)
        var random = TestRandom(seed: 8)
        // 40 requests make 3 groups of 13 or 14, each with over 256 prompt rows (more than one prefill block);
        // alone, a request has at most 39.
        let requests = (0..<40).map { i in
            SamplingRequest(prompt: (0..<(20 + i % 20)).map { _ in random.index(11) }, promptIndex: i, sampleIndex: 0)
        }
        let options = SamplingOptions(seed: 6, temperature: 1, topP: 1, maxNewTokens: 6)
        let alone = try requests.map { try model.sample([$0], options: options)[0] }
        #expect(Set(alone.map(\.tokens)).count > 30, "samples should differ")
        #expect(try model.sample(requests, options: options) == alone)
    }

    @Test("greedy decoding with the cache equals greedy decoding by repeated full forwards, token for token")
    func greedyMatchesFullForward() throws {
        for seed in [21, 22] {
            let model = SamplingFixtures.randomModel(Double.self, seed: seed)
            let prompts = SamplingFixtures.prompts(count: 4, seed: seed)
            let options = SamplingOptions(seed: 0, temperature: 0, maxNewTokens: 9, endOfSequence: 4)
            let sampled = try model.sample(prompts: prompts, options: options)
            for (prompt, result) in zip(prompts, sampled) {
                var sequence = prompt, expected: [Int] = []
                while expected.count < 9 && sequence.count < 12 && expected.last != 4 {
                    let logits = model.logits(TokenBatch([sequence])).scalars.suffix(11)
                    let best = logits.indices.first { logits[$0] == logits.max()! }! - logits.startIndex
                    expected.append(best)
                    sequence.append(best)
                }
                #expect(result.tokens == expected, "prompt \(prompt)")
            }
        }
    }

    @Test("top-p never draws outside the nucleus (probability descending, then id ascending) and draws inside it in proportion")
    func nucleus() {
        let probabilities: [Double] = [0.1, 0.3, 0.05, 0.4, 0.15]   // nucleus at 0.6: tokens 3 (0.4) and 1 (0.3)
        let logits = probabilities.map { Float(log($0)) }
        let stream = RandomStream(seed: 9, name: "nucleus")
        var counts = [Int](repeating: 0, count: 5)
        let draws = 20_000
        for t in 0..<draws {
            counts[TokenChoice.choose(logits: logits, temperature: 1, topP: 0.6, uniform: stream.uniform(Float.self, at: UInt64(t)))] += 1
        }
        #expect(counts[0] == 0 && counts[2] == 0 && counts[4] == 0, "\(counts)")
        let chi = chiSquare(counts: [counts[1], counts[3]], expected: [0.3 / 0.7, 0.4 / 0.7])
        #expect(chi < 10.83, "chi-square \(chi), 1 degree of freedom, p = 0.001")   // and not trivially 0:
        #expect(counts[1] > 0)
        // Equal probabilities: the nucleus takes the smallest ids first.
        var tied = Set<Int>()
        for t in 0..<2_000 {
            tied.insert(TokenChoice.choose(logits: [Float](repeating: 0, count: 4), temperature: 1, topP: 0.5, uniform: stream.uniform(Float.self, at: UInt64(t))))
        }
        #expect(tied == [0, 1])
    }

    @Test("temperature T draws with the frequencies of softmax(logits / T); temperature 0 is the argmax, smallest id on ties")
    func temperatureFrequencies() {
        let logits: [Float] = [1.0, -0.5, 0.3, 2.0, 0.0]
        let stream = RandomStream(seed: 10, name: "temperature")
        for temperature in [0.5, 1.0, 2.5] {
            let weights = logits.map { exp(Double($0) / temperature) }
            let total = weights.reduce(0, +)
            var counts = [Int](repeating: 0, count: 5)
            for t in 0..<20_000 {
                counts[TokenChoice.choose(logits: logits, temperature: temperature, topP: 1, uniform: stream.uniform(Float.self, at: UInt64(t)))] += 1
            }
            let chi = chiSquare(counts: counts, expected: weights.map { $0 / total })
            #expect(chi < 18.47, "T = \(temperature): chi-square \(chi), 4 degrees of freedom, p = 0.001")
        }
        #expect(TokenChoice.choose(logits: logits, temperature: 0, topP: 1, uniform: Float(0.99)) == 3)
        #expect(TokenChoice.choose(logits: [Float](arrayLiteral: 0, 2, 1, 2), temperature: 0, topP: 0.1, uniform: Float(0.5)) == 1)
    }

    @Test("a sequence stops at EOS (its last token) and no longer changes; none exceeds max new tokens or the context")
    func endOfSequenceAndLengths() throws {
        let model = SamplingFixtures.freshModel()
        var prompts = SamplingFixtures.prompts(count: 6, seed: 3)
        prompts.append(Array(repeating: 1, count: 10))   // 2 tokens of room in a context of 12
        prompts.append(Array(repeating: 1, count: 12))   // no room
        let options = SamplingOptions(seed: 5, maxNewTokens: 7, endOfSequence: 0)
        let results = try model.sample(prompts: prompts, samplesPerPrompt: 4, options: options)
        for (k, result) in results.enumerated() {
            let prompt = prompts[k / 4]
            #expect(result.length == result.tokens.count && result.length <= 7 && prompt.count + result.length <= 12)
            #expect(!result.tokens.dropLast().contains(0), "nothing after EOS")
            switch result.stop {
            case .endOfSequence: #expect(result.tokens.last == 0)
            case .maxNewTokens: #expect(result.length == 7 && !result.tokens.contains(0))
            case .context: #expect(prompt.count + result.length == 12 && !result.tokens.contains(0))
            }
        }
        let stops = Set(results.map(\.stop))
        #expect(stops == [.endOfSequence, .maxNewTokens, .context], "\(stops)")
        #expect(results.suffix(4).allSatisfy { $0.tokens.isEmpty && $0.stop == .context })
        // Without EOS, every sequence with room (prompts of 1 ... 5 tokens) runs to max new tokens.
        var noStop = options
        noStop.endOfSequence = nil
        #expect(try model.sample(prompts: Array(prompts.prefix(5)), options: noStop).allSatisfy { $0.length == 7 })
        noStop.maxNewTokens = 0
        #expect(try model.sample(prompts: prompts, options: noStop).allSatisfy { $0.tokens.isEmpty })
        // A huge maxNewTokens: every sequence runs to the context.
        noStop.maxNewTokens = .max
        #expect(try model.sample(prompts: prompts, options: noStop).allSatisfy { $0.stop == .context })
    }

    @Test("invalid options or prompts (temperature < 0 or not finite, top-p outside (0, 1], empty or too long prompt, ids outside the vocabulary) are errors naming the field")
    func invalidInput() {
        let model = SamplingFixtures.freshModel()
        func field(_ prompts: [[Int]], _ options: SamplingOptions, samples: Int = 1) -> String? {
            do {
                _ = try model.sample(prompts: prompts, samplesPerPrompt: samples, options: options)
                return nil
            } catch {
                guard case .outOfRange(let field, _, _) = error else { return nil }
                return field
            }
        }
        let good = SamplingOptions(seed: 1, maxNewTokens: 3)
        func with(_ change: (inout SamplingOptions) -> Void) -> SamplingOptions { var o = good; change(&o); return o }
        #expect(field([[1]], good) == nil)
        #expect(field([[1]], with { $0.temperature = -0.1 }) == "temperature")
        #expect(field([[1]], with { $0.temperature = .nan }) == "temperature")
        #expect(field([[1]], with { $0.temperature = .infinity }) == "temperature")
        #expect(field([[1]], with { $0.topP = 0 }) == "topP")
        #expect(field([[1]], with { $0.topP = 1.01 }) == "topP")
        #expect(field([[1]], with { $0.maxNewTokens = -1 }) == "maxNewTokens")
        #expect(field([[1]], with { $0.endOfSequence = 11 }) == "endOfSequence")
        #expect(field([[1], []], good) == "requests[1].prompt length")
        #expect(field([Array(repeating: 1, count: 13)], good) == "requests[0].prompt length")
        #expect(field([[1, 11]], good) == "requests[0].prompt token")
        #expect(field([[1]], good, samples: 0) == "samplesPerPrompt")
        #expect(SamplingError.outOfRange(field: "topP", value: "0.0", allowed: "(0, 1]").description == "sampling: topP is 0.0; allowed: (0, 1]")
    }
}

/// Pearson's chi-square statistic of observed counts against expected probabilities.
func chiSquare(counts: [Int], expected: [Double]) -> Double {
    let n = Double(counts.reduce(0, +))
    return zip(counts, expected).reduce(0) { $0 + pow(Double($1.0) - n * $1.1, 2) / (n * $1.1) }
}
