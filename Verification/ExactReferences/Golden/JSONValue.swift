/// A JSON document with a fixed rendering, so that regenerated golden files compare byte for byte:
/// keys in the order given, two-space indentation, arrays of scalars on one line, "\n" at the end.
public indirect enum JSONValue: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// A rational in the golden format "p/q" or "p".
    public static func rational(_ x: Rational) -> JSONValue { .string(x.description) }
    public static func rationals(_ xs: [Rational]) -> JSONValue { .array(xs.map(rational)) }
    public static func bools(_ xs: [Bool]) -> JSONValue { .array(xs.map(JSONValue.bool)) }

    /// The rendered document, ending with a newline.
    public var text: String { rendered(indent: 0) + "\n" }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private func rendered(indent: Int) -> String {
        let inner = String(repeating: " ", count: indent + 2), outer = String(repeating: " ", count: indent)
        switch self {
        case .string(let s): return Self.quoted(s)
        case .int(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items) where items.allSatisfy(\.isScalar):
            return "[" + items.map { $0.rendered(indent: 0) }.joined(separator: ", ") + "]"
        case .array(let items):
            return "[\n" + items.map { inner + $0.rendered(indent: indent + 2) }.joined(separator: ",\n") + "\n\(outer)]"
        case .object(let fields) where fields.isEmpty:
            return "{}"
        case .object(let fields):
            let lines = fields.map { inner + Self.quoted($0.key) + ": " + $0.value.rendered(indent: indent + 2) }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(outer)}"
        }
    }

    private static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
