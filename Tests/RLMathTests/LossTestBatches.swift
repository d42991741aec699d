import Autograd
import RLMath
import TestSupport

/// The loss tests' data from the shared SplitMix64, so a failing case is reproducible from the seed the
/// property test prints.
typealias LossRandom = SplitMix64

extension SplitMix64 {
    /// k/denominator with k uniform in `numerators`: dyadic for a power-of-two denominator, so Double holds
    /// it exactly and small products and sums of such values are exact too.
    mutating func fraction(_ numerators: ClosedRange<Int>, over denominator: Int) -> Double {
        Double(integer(numerators)) / Double(denominator)
    }

    /// Masks of `sequences` sequences of `length` tokens (a padded batch), each valid with probability ~3/4,
    /// and now and then a sequence with no valid token.
    mutating func masks(sequences: Int, length: Int) -> [[Bool]] {
        (0..<sequences).map { _ in
            let empty = index(6) == 0
            return (0..<length).map { _ in !empty && index(4) != 0 }
        }
    }

    /// Ragged masks: 0...6 sequences of 0...9 tokens.
    mutating func raggedMasks() -> [[Bool]] {
        (0..<integer(0...6)).map { _ in masks(sequences: 1, length: integer(0...9))[0] }
    }

    /// One value per token laid out as `masks`; masked positions get `padding`.
    mutating func values(like masks: [[Bool]], padding: Double = .nan, _ draw: (inout LossRandom) -> Double) -> [[Double]] {
        masks.map { $0.map { valid in valid ? draw(&self) : padding } }
    }
}

/// A batch part of `masks` in sequence order: the sequences at `range`.
func part<T>(_ rows: [[T]], _ range: Range<Int>) -> [[T]] { Array(rows[range]) }

/// Random cut points splitting 0..<count into consecutive, possibly empty, ranges.
func randomSplit(_ count: Int, _ random: inout LossRandom) -> [Range<Int>] {
    var cuts = (0..<random.integer(0...3)).map { _ in random.integer(0...count) }
    cuts = [0] + cuts.sorted() + [count]
    return zip(cuts, cuts.dropFirst()).map { $0..<$1 }
}

/// `rows` as a [sequences, tokens] Double tensor (rows of equal length).
func tensor(_ rows: [[Double]]) -> Tensor<Double> {
    Tensor(shape: [rows.count, rows.first?.count ?? 0], scalars: rows.flatMap { $0 })
}

/// The 0/1 mask tensor of `masks`.
func maskTensor(_ masks: [[Bool]]) -> Tensor<Double> { tensor(masks.map { $0.map { $0 ? 1 : 0 } }) }
