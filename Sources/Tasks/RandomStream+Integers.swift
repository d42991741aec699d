// Specs/tasks.md, "Seeds and generation": integers drawn from one block.
import Kernels

extension RandomStream {
    /// A uniform integer in `range` from the next block: `lower + ⌊w · n / 2⁶⁴⌋` with n the range's size and
    /// w the 64-bit word `(w1 << 32) | w0` of the block. Integer-only, so the same on every machine; the bias
    /// (at most n/2⁶⁴ per value) is far below anything a task can show.
    mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        defer { counter &+= 1 }
        let words = block(at: counter)
        let w = UInt64(words.y) << 32 | UInt64(words.x)
        let n = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(n.multipliedFullWidth(by: w).high)
    }

    /// A uniform integer with exactly `digits` decimal digits (0–9 for one digit; no leading zero otherwise).
    mutating func nextNumber(digits: Int) -> Int {
        if digits == 1 { return nextInt(in: 0...9) }
        let low = Digits.power10(digits - 1)
        return nextInt(in: low...(10 * low - 1))
    }
}
