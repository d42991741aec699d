import Autograd
import Kernels
import Testing
import Transformer

@Suite("GPT train step")
struct TrainStepTests {
    /// The parameters' bits after three AdamW steps on next-token cross-entropy, with the current thread count.
    static func trainedBits() -> [[UInt32]] {
        // 185 rows: two row blocks of every gemm, GELU inputs of several elementwise chunks, 5 attention chunks.
        let configuration = GPTConfiguration(layers: 2, width: 32, heads: 2, context: 40, vocabulary: 11)
        let model = try! GPT<Float>(configuration: configuration, head: .languageModel, stream: RandomStream(seed: 3, name: "step"))
        let rows = Fixtures.tokens(batch: 5, length: 38, vocabulary: 11, seed: 4)
        let inputs = TokenBatch(rows.map { Array($0.dropLast()) })
        let targets = rows.flatMap { $0.dropFirst() }
        let optimizer = AdamW<Float>()
        for _ in 0..<3 {
            let tape = Tape<Float>()
            let variables = model.parameters.map { tape.variable($0) }
            let loss = model.logits(inputs, parameters: variables).crossEntropy(targets: targets)
            optimizer.update(model.parameters, gradients: tape.gradients(of: loss, withRespectTo: variables), learningRate: 1e-2)
        }
        return model.parameters.map { $0.scalars.map(\.bitPattern) }
    }

    @Test("a GPT train step (forward, cross-entropy, gradients, AdamW) gives the same bits with 1 and 2 threads (a pool worker running chunks of the 2-thread runs) and on every run")
    func sameBitsAcrossThreadCounts() {
        let reference = Parallel.withThreadCount(1) { Self.trainedBits() }
        let start = try! GPT<Float>(
            configuration: GPTConfiguration(layers: 2, width: 32, heads: 2, context: 40, vocabulary: 11),
            head: .languageModel, stream: RandomStream(seed: 3, name: "step"))
        #expect(reference != start.parameters.map { $0.scalars.map(\.bitPattern) }, "training changes the parameters")
        for threads in [2, 1, 2] {
            let (bits, chunksOffCaller) = Parallel.observingWorkers(threadCount: threads) { Self.trainedBits() }
            #expect(bits == reference, "\(threads) thread(s)")
            #expect((chunksOffCaller > 0) == (threads == 2), "\(chunksOffCaller) chunks off the caller with \(threads) thread(s)")
        }
    }
}
