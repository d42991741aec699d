// Specs/reliability.md, "Configuration validation": malformed JSON reported by line and column.

/// Where JSON text stops being JSON, as a person finds it in an editor: 1-based line and column, the
/// column counted in Unicode characters (scalars) from the start of the line, lines ended by `\n`.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line of the first byte that cannot be read.
    public let line: Int
    /// The 1-based column of that byte on its line.
    public let column: Int
    /// What the parser expected or found there.
    public let reason: String

    public var description: String { "line \(line), column \(column): \(reason)" }

    /// The position of byte `offset` of `bytes` as line and column. Bytes before it are valid UTF-8 (the
    /// caller checked), so counting scalar starts (every byte but a continuation byte 10xxxxxx) counts
    /// characters.
    init(bytes: [UInt8], offset: Int, reason: String) {
        var line = 1, column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        self.line = line
        self.column = column
        self.reason = reason
    }
}

extension JSONValue {
    /// Parses user-written JSON text (a configuration file) with the strict RFC 8259 parser that reads
    /// safetensors headers: duplicate keys, leading zeros, trailing text and nesting deeper than 64 levels
    /// are errors. Never traps on any bytes.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        if let offset = firstInvalidUTF8Offset(bytes) {
            throw JSONSyntaxError(bytes: bytes, offset: offset, reason: "not valid UTF-8")
        }
        do { return try JSONParser.parse(bytes) } catch {
            throw JSONSyntaxError(bytes: bytes, offset: error.offset, reason: error.reason)
        }
    }

    /// The value as a user wrote it, short enough for a one-line message: numbers and literals as written,
    /// strings quoted (cut at 40 characters), objects and arrays by kind.
    public var summary: String {
        switch self {
        case .number(let text): text
        case .string(let text): (text.count > 40 ? String(text.prefix(40)) + "…" : text).debugDescription
        case .bool(let value): "\(value)"
        case .null: "null"
        case .object, .array: kindName
        }
    }

    /// The members of an object in file order; nil for any other value.
    public var members: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }
}

/// The offset of the first byte that does not belong to a valid UTF-8 sequence, or nil when all do.
private func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let scalar): offset += scalar.count
        case .emptyInput: return nil
        case .error: return offset
        }
    }
}
