import Autograd
import Kernels
import Transformer

/// The comparison's fixed workload (Benchmarks/README.md, "gpt-compare"); Benchmarks/torch/gpt_compare.py
/// uses the same numbers.
enum Workload: String, CaseIterable {
    /// One AdamW train step on a [64, 64] token batch.
    case train
    /// 64 new tokens for each of 64 sequences, with the KV cache.
    case sample64
    /// 64 new tokens for each of 512 sequences, with the KV cache.
    case sample512

    /// Our default architecture with a 32-token vocabulary; context 128 holds the prompt and 64 new tokens.
    static let configuration = GPTConfiguration(layers: 4, width: 128, heads: 4, context: 128, vocabulary: 32)
    static let batch = 64
    static let length = 64
    static let learningRate = 3e-4
    /// PyTorch's AdamW defaults (betas 0.9/0.999, eps 1e-8, weight decay 0.01), on every parameter.
    static let optimizer = AdamW<Float>.Configuration()
    static let newTokens = 64

    /// Sequences continued by a sampling workload (nil for training).
    var sequences: Int? {
        switch self {
        case .train: nil
        case .sample64: 64
        case .sample512: 512
        }
    }

    /// Tokens one timed run processes: batch·length trained, or sequences·newTokens generated.
    var tokensPerRun: Int {
        guard let sequences else { return Self.batch * Self.length }
        return sequences * Self.newTokens
    }
}

/// `batch` rows of `length + 1` ids in 0..<vocabulary, drawn from a named stream: row b's first `length` ids
/// are the input and its last `length` ids the next-token targets.
func trainingRows(seed: UInt64) -> [[Int]] {
    let stream = RandomStream(seed: seed, name: "gpt-compare.tokens")
    let (rows, columns, vocabulary) = (Workload.batch, Workload.length + 1, Workload.configuration.vocabulary)
    return (0..<rows).map { b in
        (0..<columns).map { t in
            let u: Double = stream.uniform(at: UInt64(b * columns + t))
            return min(Int(u * Double(vocabulary)), vocabulary - 1)
        }
    }
}

/// A model, its optimizer and one token batch: `step()` is one training step as a user writes it.
struct Trainer {
    var model: GPT<Float>
    let optimizer = AdamW<Float>(Workload.optimizer)
    let inputs: TokenBatch
    let targets: [Int]

    init(model: GPT<Float>, rows: [[Int]]) {
        self.model = model
        inputs = TokenBatch(rows.map { Array($0.dropLast()) })
        targets = rows.flatMap { $0.dropFirst() }
    }

    /// The mean next-token cross-entropy of the batch, without a tape.
    func loss() -> Float {
        model.logits(inputs).crossEntropy(targets: targets).scalar
    }

    /// Forward on a tape, backward, one AdamW update in place; returns the loss before the update.
    @discardableResult
    func step() -> Float {
        let tape = Tape<Float>()
        let variables = model.parameters.map { tape.variable($0) }
        let loss = model.logits(inputs, parameters: variables).crossEntropy(targets: targets)
        let gradients = tape.gradients(of: loss, withRespectTo: variables)
        optimizer.update(model.parameters, gradients: gradients, learningRate: Workload.learningRate)
        return loss.scalar
    }
}

/// One sampling run: `sequences` one-token prompts (token 0), `Workload.newTokens` new tokens each, temperature 1,
/// top-p 1, no end-of-sequence token; `step` makes every run draw afresh.
func sample(_ model: GPT<Float>, sequences: Int, step: Int) -> [SampledSequence] {
    let options = SamplingOptions(seed: 7, step: step, temperature: 1, topP: 1, maxNewTokens: Workload.newTokens)
    let results = try! model.sample(prompts: [[0]], samplesPerPrompt: sequences, options: options)
    precondition(results.allSatisfy { $0.length == Workload.newTokens }, "gpt-compare: a sequence stopped early")
    return results
}
