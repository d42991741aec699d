import CGMP

/// The text form of a rational, which is also the golden-file format: "p/q" in lowest terms with q > 1, or
/// "p" for an integer; p carries the sign ("-3/4", "0", "-7"), digits are decimal.
extension Rational: LosslessStringConvertible {
    public var description: String {
        withPointer { q in
            // mpq_get_str writes at most digits(num) + digits(den) + 3 bytes (sign, '/', NUL).
            let capacity = __gmpz_sizeinbase(q.numeratorPointer, 10) + __gmpz_sizeinbase(q.denominatorPointer, 10) + 3
            return String(unsafeUninitializedCapacity: capacity) { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = __gmpq_get_str($0.baseAddress, 10, q) }
                return buffer.firstIndex(of: 0)!
            }
        }
    }

    /// Parses "p" or "p/q": an optional '-', decimal digits, and optionally '/' and decimal digits with a
    /// non-zero value. Fractions not in lowest terms ("6/4") are accepted and reduced. Anything else
    /// (spaces, '+', a sign on q, an empty part, other characters) gives nil.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let numerator = parts[0].hasPrefix("-") ? parts[0].dropFirst() : parts[0]
        func isDigits(_ part: Substring) -> Bool { !part.isEmpty && part.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
        guard isDigits(numerator), parts.count == 1 || isDigits(parts[1]) else { return nil }
        if parts.count == 2, parts[1].utf8.allSatisfy({ $0 == UInt8(ascii: "0") }) { return nil }
        self.init { q in
            let status = __gmpq_set_str(q, text, 10)
            precondition(status == 0, "Rational: GMP rejected validated text \(text)")
            __gmpq_canonicalize(q)
        }
    }
}
