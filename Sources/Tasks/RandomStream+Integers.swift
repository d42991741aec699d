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

/// Decimal digits of non-negative integers, as tasks write them.
enum Digits {
    /// 10^k.
    static func power10(_ k: Int) -> Int { (0..<k).reduce(1) { value, _ in value * 10 } }

    /// The digits of `value`, least significant first, padded with zeros to at least `width` digits.
    static func leastSignificantFirst(_ value: Int, width: Int = 1) -> [Int] {
        var digits: [Int] = []
        var rest = value
        repeat {
            digits.append(rest % 10)
            rest /= 10
        } while rest > 0
        while digits.count < width { digits.append(0) }
        return digits
    }

    /// The number whose digits, least significant first, are `digits`.
    static func value(leastSignificantFirst digits: [Int]) -> Int {
        digits.reversed().reduce(0) { $0 * 10 + $1 }
    }

    /// Digits written most significant first (leading zeros kept).
    static func text(leastSignificantFirst digits: [Int]) -> String {
        String(digits.reversed().map { Character(String($0)) })
    }
}
