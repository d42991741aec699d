// Specs/checkpoints.md, "Errors on read": the strict RFC 8259 parser of headers and configuration files.

/// A strict JSON parser (RFC 8259) over UTF-8 bytes. Strict because a header is data we must not guess
/// about: duplicate keys, leading zeros, lone surrogates and trailing text other than whitespace are
/// errors. Nesting is limited so that a hostile header cannot exhaust the stack.
public struct JSONParser {
    /// Why parsing stopped, and the byte offset in the header where it did.
    public struct Failure: Error {
        /// The byte offset where the text stops being JSON.
        public let offset: Int
        /// What the parser expected or found there.
        public let reason: String
    }

    /// The deepest nesting of objects and arrays accepted.
    public static let maximumDepth = 64

    private let bytes: [UInt8]
    private var position = 0

    /// Parses `bytes` as exactly one JSON value surrounded by optional whitespace.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func failure(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        guard current == byte else { throw failure("expected \(what)") }
        position += 1
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard depth < Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        switch current {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case let byte? where byte == UInt8(ascii: "-") || (byte >= 48 && byte <= 57): return .number(try number())
        case nil: throw failure("unexpected end of the text")
        default: throw failure("unexpected character")
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        for byte in word.utf8 { try expect(byte, "'\(word)'") }
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        position += 1
        var members: [(key: String, value: JSONValue)] = []
        var keys: Set<String> = []
        skipWhitespace()
        if current == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            skipWhitespace()
            let start = position
            guard current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let key = try string()
            guard keys.insert(key).inserted else { throw Failure(offset: start, reason: "duplicate key \"\(key)\"") }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':'")
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            if current == UInt8(ascii: "}") { position += 1; return .object(members) }
            try expect(UInt8(ascii: ","), "',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { position += 1; return .array(elements) }
        while true {
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            if current == UInt8(ascii: "]") { position += 1; return .array(elements) }
            try expect(UInt8(ascii: ","), "',' or ']'")
        }
    }

    private mutating func digits() -> Int {
        let start = position
        while let byte = current, byte >= 48 && byte <= 57 { position += 1 }
        return position - start
    }

    private mutating func number() throws(Failure) -> String {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        let count = digits()
        guard count > 0 else { throw failure("expected a digit") }
        if count > 1 && bytes[integerStart] == 48 { throw Failure(offset: integerStart, reason: "number with a leading zero") }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw failure("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw failure("expected a digit in the exponent") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = hexDigit(byte) else { throw failure("expected 4 hexadecimal digits after \\u") }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 48...57: UInt32(byte - 48)
        case 65...70: UInt32(byte - 55)
        case 97...102: UInt32(byte - 87)
        default: nil
        }
    }

    /// A string whose bytes are already known to be valid UTF-8 (the header is validated as a whole first).
    private mutating func string() throws(Failure) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var run = position  // start of the current run of unescaped bytes
        func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars) }
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            if byte == UInt8(ascii: "\"") { flush(position); position += 1; return String(scalars) }
            if byte < 0x20 { throw failure("control character in a string") }
            if byte != UInt8(ascii: "\\") { position += 1; continue }
            flush(position)
            position += 1
            guard let escape = current else { throw failure("unterminated string") }
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escape))
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard current == UInt8(ascii: "\\") else { throw failure("lone high surrogate") }
                    position += 1
                    guard current == UInt8(ascii: "u") else { throw failure("lone high surrogate") }
                    position += 1
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw failure("high surrogate not followed by a low one") }
                    code = 0x10000 + (code - 0xD800) << 10 + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw failure("lone low surrogate") }
                scalars.append(scalar)
            default: throw failure("invalid escape")
            }
            run = position
        }
    }
}
