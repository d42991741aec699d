/// Decimal digits of non-negative integers, as tasks write them.
enum Digits {
    /// 10^k.
    static func power10(_ k: Int) -> Int { (0..<k).reduce(1) { value, _ in value * 10 } }

    /// The digits of `value`, least significant first.
    static func leastSignificantFirst(_ value: Int) -> [Int] {
        var digits: [Int] = []
        var rest = value
        repeat {
            digits.append(rest % 10)
            rest /= 10
        } while rest > 0
        return digits
    }

    /// Digits written most significant first (leading zeros kept).
    static func text(leastSignificantFirst digits: [Int]) -> String {
        String(digits.reversed().map { Character(String($0)) })
    }
}
