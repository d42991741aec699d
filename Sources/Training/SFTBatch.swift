// Specs/training.md, "What SFT optimises": the batch, its inputs, targets and mask.
import Autograd
import Kernels
import Tasks
import Transformer

/// A batch for supervised fine-tuning: every problem's whole sequence (`BOS prompt trace # answer EOS`)
/// padded with PAD to one length L, fed as L − 1 inputs that predict the next token.
///
/// Position t of row b reads tokens 0…t and predicts token t + 1. The prediction counts in the loss only
/// when token t + 1 is a response token (trace, marker, answer or EOS): predictions of prompt tokens and of
/// padding are masked out, so the model learns to answer, not to ask.
public struct SFTBatch: Sendable, Hashable {
    /// Inputs [batch, L − 1]: tokens 0 ..< L − 1 of each padded sequence.
    public let inputs: TokenBatch
    /// Targets, row-major [batch, L − 1]: target (b, t) is token t + 1 of sequence b.
    public let targets: [Int]
    /// Row-major [batch, L − 1]: true where the target is a response token.
    public let responseMask: [Bool]

    /// Pads each problem's tokens to `length` (which must hold the longest) and masks all but the response.
    public init(problems: [Problem], length: Int) {
        precondition(length >= 2, "SFTBatch: length \(length) leaves no prediction")
        var inputs: [Int] = [], targets: [Int] = [], mask: [Bool] = []
        for problem in problems {
            let tokens = problem.tokens
            precondition(tokens.count <= length, "SFTBatch: a \(tokens.count)-token problem (\(problem.prompt)) does not fit length \(length)")
            let padded = tokens + [Int](repeating: Tokenizer.pad, count: length - tokens.count)
            let responseStart = problem.promptTokens.count
            inputs += padded[0..<(length - 1)]
            targets += padded[1..<length]
            mask += (1..<length).map { $0 >= responseStart && $0 < tokens.count }
        }
        self.init(inputs: TokenBatch(ids: inputs, batch: problems.count, length: length - 1), targets: targets, responseMask: mask)
    }

    /// A batch from its parts (for tests that change a target or the mask); the counts must agree.
    public init(inputs: TokenBatch, targets: [Int], responseMask: [Bool]) {
        precondition(targets.count == inputs.ids.count && responseMask.count == inputs.ids.count,
            "SFTBatch: \(targets.count) targets and \(responseMask.count) mask entries for inputs [\(inputs.batch), \(inputs.length)]")
        self.inputs = inputs
        self.targets = targets
        self.responseMask = responseMask
    }

    /// Number of predictions that count: the response tokens of the whole batch.
    public var responseTokenCount: Int { responseMask.lazy.filter { $0 }.count }
}

extension GPT {
    /// The supervised loss: next-token cross-entropy averaged over the response tokens of the whole batch,
    /// −(1/N) Σ_{(b,t) masked in} log softmax(logits[b, t])[target(b, t)], with N = `responseTokenCount`
    /// (each response token weighs the same, whatever its sequence's length). Masked-out positions
    /// contribute exactly nothing, neither to the value nor to any gradient. Recorded on the tape when
    /// `parameters` are tape variables.
    public func supervisedLoss(_ batch: SFTBatch, parameters list: [Tensor<Scalar>]? = nil) -> Tensor<Scalar> {
        logits(batch.inputs, parameters: list).crossEntropy(targets: batch.targets, mask: batch.responseMask.map { $0 ? 1 : 0 })
    }
}
