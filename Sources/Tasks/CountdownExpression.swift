// Specs/tasks.md, "Countdown": the expressions an answer may write, evaluated exactly.
/// An exact fraction of machine integers, always in lowest terms with a positive denominator, so that
/// equal values compare equal. Arithmetic returns nil on overflow or division by zero.
struct Rational: Equatable {
    let numerator: Int
    let denominator: Int

    init(_ integer: Int) { (numerator, denominator) = (integer, 1) }

    /// n/d in lowest terms; nil when d = 0 or a value overflows.
    init?(_ n: Int, _ d: Int) {
        guard d != 0, n != .min, d != .min else { return nil }
        var (a, b) = (abs(n), abs(d))
        while b != 0 { (a, b) = (b, a % b) }
        let sign = (n < 0) != (d < 0) ? -1 : 1
        (numerator, denominator) = (sign * abs(n) / a, abs(d) / a)
    }

    /// Cross-multiplication with overflow checks: a/b op c/d.
    static func combine(_ x: Rational, _ op: Character, _ y: Rational) -> Rational? {
        func times(_ a: Int, _ b: Int) -> Int? {
            let (value, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow ? nil : value
        }
        func plus(_ a: Int, _ b: Int, _ op: Character) -> Int? {
            let (value, overflow) = op == "+" ? a.addingReportingOverflow(b) : a.subtractingReportingOverflow(b)
            return overflow ? nil : value
        }
        switch op {
        case "+", "-":
            guard let ad = times(x.numerator, y.denominator), let cb = times(y.numerator, x.denominator),
                let bd = times(x.denominator, y.denominator), let n = plus(ad, cb, op)
            else { return nil }
            return Rational(n, bd)
        case "*":
            guard let n = times(x.numerator, y.numerator), let d = times(x.denominator, y.denominator) else { return nil }
            return Rational(n, d)
        case "/":
            guard let n = times(x.numerator, y.denominator), let d = times(x.denominator, y.numerator) else { return nil }
            return Rational(n, d)
        default:
            return nil
        }
    }
}

/// A Countdown answer: an arithmetic expression over decimal numbers with `+ - * /` and parentheses, in the
/// usual precedence (`*` and `/` before `+` and `-`, left to right), evaluated exactly.
///
/// Grammar: expression = term {(`+`|`-`) term}; term = factor {(`*`|`/`) factor};
/// factor = number | `(` expression `)`; number = `0` or a digit 1–9 followed by at most 3 digits.
/// Anything else (an empty string, a stray character, a leading zero, unary minus, division by zero, an
/// overflow) is not an expression: `init` returns nil, it never traps.
struct CountdownExpression {
    /// The exact value.
    let value: Rational
    /// The numbers written, in order.
    let numbers: [Int]

    init?(_ text: String) {
        var parser = Parser(characters: Array(text.utf8))
        guard let value = parser.expression(), parser.position == parser.characters.count else { return nil }
        (self.value, self.numbers) = (value, parser.numbers)
    }

    private struct Parser {
        let characters: [UInt8]
        var position = 0
        var numbers: [Int] = []

        init(characters: [UInt8]) { self.characters = characters }

        var next: Character? { position < characters.count ? Character(Unicode.Scalar(characters[position])) : nil }

        mutating func expression() -> Rational? {
            guard var value = term() else { return nil }
            while let op = next, op == "+" || op == "-" {
                position += 1
                guard let rhs = term(), let combined = Rational.combine(value, op, rhs) else { return nil }
                value = combined
            }
            return value
        }

        mutating func term() -> Rational? {
            guard var value = factor() else { return nil }
            while let op = next, op == "*" || op == "/" {
                position += 1
                guard let rhs = factor(), let combined = Rational.combine(value, op, rhs) else { return nil }
                value = combined
            }
            return value
        }

        mutating func factor() -> Rational? {
            if next == "(" {
                position += 1
                guard let value = expression(), next == ")" else { return nil }
                position += 1
                return value
            }
            let start = position
            while position < characters.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(characters[position]) {
                position += 1
            }
            let digits = characters[start..<position]
            guard (1...4).contains(digits.count), digits.count == 1 || digits.first != UInt8(ascii: "0") else { return nil }
            let number = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            numbers.append(number)
            return Rational(number)
        }
    }
}
