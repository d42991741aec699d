// Specs/checkpoints.md, "Ordering and determinism": the deterministic JSON text of headers, metrics and dumps.

/// Writes JSON text deterministically: no whitespace, and only `"`, `\` and control characters escaped
/// (short forms where JSON has them, otherwise `\u00xx`), everything else as raw UTF-8. The one JSON string
/// writer of the package: checkpoint headers, metrics and rollout dumps all quote through it.
public enum JSONWriter {
    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
