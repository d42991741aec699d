// Specs/vapo.md, "The loop, step by step": the mini-batches of a PPO epoch (step 5).
import Kernels

/// The mini-batches of one PPO epoch: a permutation of the responses `0..<count` drawn from `stream`, cut
/// into consecutive runs of `size` (the last may be shorter).
///
/// The permutation is Fisher–Yates from the last position down: position i swaps with j = ⌊w·(i + 1)/2⁶⁴⌋,
/// w the 64-bit word (w1 << 32 | w0) of block `count − 1 − i` of the stream. Integer-only, so the same on
/// every machine.
public func miniBatches(count: Int, size: Int, stream: RandomStream) -> [[Int]] {
    precondition(count >= 0 && size >= 1, "miniBatches: count \(count), size \(size)")
    var order = Array(0..<count)
    for i in stride(from: count - 1, to: 0, by: -1) {
        let words = stream.block(at: UInt64(count - 1 - i))
        let w = UInt64(words.y) << 32 | UInt64(words.x)
        order.swapAt(i, Int(UInt64(i + 1).multipliedFullWidth(by: w).high))
    }
    return stride(from: 0, to: count, by: size).map { Array(order[$0..<min($0 + size, count)]) }
}

/// The mini-batches of every epoch of a step: epoch e is shuffled by `stream.child(e)`.
func epochMiniBatches(count: Int, size: Int, epochs: Int, stream: RandomStream) -> [[[Int]]] {
    (0..<epochs).map { miniBatches(count: count, size: size, stream: stream.child($0)) }
}

/// `0..<count` in consecutive ranges of `size` (the last may be shorter): the micro-batches of a mini-batch,
/// and the chunks a rollout is scored in.
func chunks(_ count: Int, size: Int) -> [Range<Int>] {
    stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
}
