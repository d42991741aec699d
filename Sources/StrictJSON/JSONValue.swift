// Specs/checkpoints.md, "Errors on read", and Specs/reliability.md, "Configuration validation": the values the strict parser reads.

/// A JSON value as the safetensors header and configuration files need it: objects keep their keys in file
/// order (the order is part of what a header says), numbers keep their literal text (offsets are 64-bit
/// integers that a `Double` would round).
public enum JSONValue: Sendable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// What a value is, for error messages.
    public var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// The value as a non-negative integer, or nil when it is not a plain integer literal or does not fit an Int.
    public var nonNegativeInteger: Int? {
        guard case .number(let text) = self, !text.hasPrefix("-"), text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(text)
    }
}

