// Specs/scaling-out.md, "The exported configuration": a run's settings as another engine's commented YAML.
import Foundation

/// A value of an engine's configuration, written as YAML (and as OmegaConf, which both engines use, reads it).
enum EngineValue: Equatable, Sendable {
    case number(Double)
    case integer(Int)
    case flag(Bool)
    case text(String)
    /// A list of strings, written in flow style.
    case list([String])
    /// YAML's `null`: the engine's "not set".
    case none

    /// The value as YAML: floats always with a dot (PyYAML reads `1e-05` as a string, `1.0e-05` as a float),
    /// ±∞ as `.inf`, strings double-quoted.
    var yaml: String {
        switch self {
        case .number(let x):
            if x.isInfinite { return x > 0 ? ".inf" : "-.inf" }
            var text = "\(x)"
            if let e = text.firstIndex(of: "e"), !text[..<e].contains(".") { text.insert(contentsOf: ".0", at: e) }
            if let e = text.firstIndex(of: "e"), text[text.index(after: e)] != "-", text[text.index(after: e)] != "+" {
                text.insert("+", at: text.index(after: e))
            }
            return text
        case .integer(let n): return "\(n)"
        case .flag(let b): return b ? "true" : "false"
        case .text(let s): return Self.quoted(s)
        case .list(let items): return "[" + items.map(Self.quoted).joined(separator: ", ") + "]"
        case .none: return "null"
        }
    }

    private static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// The keys of one engine's configuration, each its dotted path (`algorithm.adv_estimator`).
protocol EngineKey: RawRepresentable<String>, Hashable, CaseIterable, Sendable {
    /// The engine's name as its users write it.
    static var engine: String { get }
    /// What the section at the dotted `path` holds: the comment on the section's own line.
    static func sectionComment(_ path: String) -> String
}

/// A training configuration said in an engine's terms: each setting with the reason for its value, and, in
/// plain words, what of the run the engine cannot express (so the user knows what will differ).
struct EngineConfiguration<Key: EngineKey>: Sendable {
    struct Setting: Sendable {
        let key: Key
        let value: EngineValue
        let comment: String
    }

    private(set) var settings: [Setting] = []
    private(set) var inexpressible: [String] = []

    /// Sets `key` (once: a second setting of the same key is a programming error) with why it has that value.
    mutating func set(_ key: Key, _ value: EngineValue, _ comment: String) {
        precondition(self[key] == nil, "\(Key.engine): \(key.rawValue) set twice")
        settings.append(Setting(key: key, value: value, comment: comment))
    }

    /// Records a part of the run the engine cannot express, in a sentence.
    mutating func cannotExpress(_ what: String) { inexpressible.append(what) }

    /// The value set at `key`, or nil.
    subscript(key: Key) -> EngineValue? { settings.first { $0.key == key }?.value }

    /// The YAML file: `header` and the list of what the engine cannot express as comments, then the settings
    /// nested by their dotted paths (each section where its first key was set, its keys in the order they were
    /// set), every line with a comment.
    func yaml(header: [String]) -> String {
        var lines = header.map { "# " + $0 }
        lines.append("# What \(Key.engine) cannot express of this run (it will differ there):")
        lines += inexpressible.isEmpty ? ["#   nothing"] : inexpressible.map { "#   - " + $0 }
        let paths = settings.map { $0.key.rawValue.split(separator: ".").map(String.init) }
        func write(prefix: [String]) {
            let indent = String(repeating: "  ", count: prefix.count)
            var seen: Set<String> = []
            for (setting, path) in zip(settings, paths) where path.count > prefix.count && Array(path.prefix(prefix.count)) == prefix {
                let name = path[prefix.count]
                guard seen.insert(name).inserted else { continue }
                if path.count == prefix.count + 1 {
                    lines.append("\(indent)\(name): \(setting.value.yaml)  # \(setting.comment)")
                } else {
                    lines.append("\(indent)\(name):  # \(Key.sectionComment((prefix + [name]).joined(separator: ".")))")
                    write(prefix: prefix + [name])
                }
            }
        }
        write(prefix: [])
        return lines.joined(separator: "\n") + "\n"
    }
}
