// Specs/vapo.md, "The loop, step by step": responses of different lengths in one forward pass.
import Kernels
import Tasks
import Transformer

/// Sequences of different lengths laid out as one [batch, length] token batch for a forward pass: each row
/// is a sequence followed by PAD up to the longest one. Padding sits after every real token, so under the
/// causal mask it never changes a real position's output; the per-token arrays the losses take are padded
/// with masked positions, which they never read.
public struct PaddedBatch<Scalar: KernelScalar>: Sendable {
    /// The padded token ids.
    public let tokens: TokenBatch
    /// [batch · length], 1 at response tokens (the input of `GPT.tokenLogProbabilities`).
    public let responseMask: [Scalar]
    /// Each row's own length, before padding.
    public let lengths: [Int]

    /// The batch of `sequences` (prompt and response tokens) whose response tokens are `responseMasks`.
    public init(sequences: [[Int]], responseMasks: [[Bool]]) {
        precondition(sequences.count == responseMasks.count, "PaddedBatch: \(sequences.count) sequences, \(responseMasks.count) masks")
        let length = sequences.map(\.count).max() ?? 0
        lengths = sequences.map(\.count)
        tokens = TokenBatch(sequences.map { $0 + Array(repeating: Tokenizer.pad, count: length - $0.count) })
        responseMask = zip(sequences, responseMasks).flatMap { sequence, mask in
            precondition(mask.count == sequence.count, "PaddedBatch: a mask of \(mask.count) for a sequence of \(sequence.count)")
            return mask.map { $0 ? Scalar(1) : 0 } + Array(repeating: 0, count: length - sequence.count)
        }
    }

    /// `rows` (one per sequence, each as long as its sequence) extended to the batch's length with `filler`.
    public func padded<T>(_ rows: [[T]], with filler: T) -> [[T]] {
        rows.map { $0 + Array(repeating: filler, count: tokens.length - $0.count) }
    }

    /// Each padded row cut back to its sequence's length.
    public func unpadded<T>(_ rows: [[T]]) -> [[T]] {
        zip(rows, lengths).map { Array($0.prefix($1)) }
    }
}
