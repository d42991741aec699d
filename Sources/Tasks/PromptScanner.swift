// Specs/tasks.md, "Seeds and generation": reading a user's prompt back into a problem.
/// Reads a task prompt typed by a user: canonical decimal numbers and literal characters, left to right.
struct PromptScanner {
    private var rest: Substring

    init(_ prompt: String) { rest = prompt[...] }

    /// True when the whole prompt has been read.
    var isAtEnd: Bool { rest.isEmpty }

    /// A number written without leading zeros in 1...`maxDigits` digits, with its digit count; nil (nothing
    /// read) otherwise.
    mutating func number(maxDigits: Int) -> (value: Int, digits: Int)? {
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard (1...maxDigits).contains(digits.count), digits.count == 1 || digits.first != "0" else { return nil }
        rest = rest.dropFirst(digits.count)
        return (Int(digits)!, digits.count)
    }

    /// Reads `character` if it comes next.
    mutating func expect(_ character: Character) -> Bool {
        guard rest.first == character else { return false }
        rest = rest.dropFirst()
        return true
    }

    /// The next character if it is a decimal digit.
    mutating func digit() -> Int? {
        guard let c = rest.first, c.isASCII, let value = c.wholeNumberValue else { return nil }
        rest = rest.dropFirst()
        return value
    }
}
