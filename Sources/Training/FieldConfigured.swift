// Specs/reliability.md, "Configuration validation": decoding, range checks and flags from one field table.
import Foundation
import StrictJSON

/// A configuration described by a table of `ConfigurationField`s: JSON with every field optional (a missing
/// field keeps the base's value, `null` sets an optional field to nil), unknown keys refused with the nearest
/// known name, and the range of every field checked from the table.
public protocol FieldConfigured: Codable, Equatable {
    /// Every field, in the order they are decoded, checked and listed.
    static var fields: [ConfigurationField<Self>] { get }
    /// What the configuration is called in messages ("training configuration").
    static var subject: String { get }
    /// JSON keys that are not fields (such as `"preset"`), first in `jsonKeys`.
    static var extraKeys: [String] { get }
    /// The configuration that a JSON object's fields override (it may read `extraKeys` from `container`).
    static func base(for container: KeyedDecodingContainer<FieldKey>) throws -> Self
}

/// A configuration that cannot be read or run: one line naming the field, its value and what is allowed.
public enum ConfigurationError<Configuration: FieldConfigured>: Error, Equatable, CustomStringConvertible {
    /// `field` has `value` (as the user wrote it), which is not in `allowed`.
    case outOfRange(field: String, value: String, allowed: String)
    /// The JSON has a field the configuration does not have (often a typo, or a key renamed since), and the
    /// known field it most likely meant (its new name, else `NearestName`), if any.
    case unknownField(String, suggestion: String?)
    /// The JSON field holds `found` (as written, or its kind), which is not `expected`.
    case wrongType(field: String, expected: String, found: String)
    /// The text is not JSON: where, and why.
    case malformedJSON(JSONSyntaxError)
    /// The text is JSON but not an object (`found` is its kind).
    case notAnObject(found: String)

    /// The one-line message, starting with the configuration's `subject`.
    public var description: String {
        let subject = Configuration.subject
        switch self {
        case .outOfRange(let field, let value, let allowed):
            return "\(subject): \(field) is \(value); allowed: \(allowed)"
        case .unknownField(let name, let suggestion?):
            return "\(subject): unknown field \(name.debugDescription); did you mean \(suggestion.debugDescription)?"
        case .unknownField(let name, nil):
            return "\(subject): unknown field \(name.debugDescription); allowed: " + Configuration.jsonKeys.joined(separator: ", ")
        case .wrongType(let field, let expected, let found):
            return "\(subject): \(field) must be \(expected); found \(found)"
        case .malformedJSON(let error):
            return "\(subject): not valid JSON at \(error)"
        case .notAnObject(let found):
            return "\(subject): expected a JSON object of fields; found \(found)"
        }
    }
}

extension FieldConfigured {
    /// Every key a JSON configuration may hold: `extraKeys`, then the fields' keys.
    public static var jsonKeys: [String] { extraKeys + fields.filter(\.isJSONMember).map(\.key) }

    /// The error for a key that is not in `jsonKeys`: a former key suggests its field's key, any other the
    /// nearest known name.
    static func unknownField(_ key: String) -> ConfigurationError<Self> {
        let renamed = fields.first { $0.formerKeys.contains(key) }?.key
        return .unknownField(key, suggestion: renamed ?? NearestName.suggestion(for: key, among: jsonKeys))
    }

    /// Decodes the fields of `decoder`'s object over `base(for:)`: what `init(from:)` of a conforming type
    /// does. Errors are `ConfigurationError<Self>`; an unknown key is reported first (in key order).
    public static func decodeFields(from decoder: any Decoder) throws -> Self {
        let container = try decoder.container(keyedBy: FieldKey.self)
        let known = Set(jsonKeys)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw unknownField(unknown)
        }
        var configuration = try base(for: container)
        for field in fields { try field.decode(container, &configuration) }
        return configuration
    }

    /// Encodes every field (nil as null): what `encode(to:)` of a conforming type does.
    public func encodeFields(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FieldKey.self)
        for field in Self.fields { try field.encode(&container, self) }
    }

    /// The configuration decoded from JSON `data`. The text is first read by the strict parser
    /// (`JSONValue.parse`), which reports malformed JSON by line and column and refuses duplicate keys;
    /// unknown fields are reported in file order, with their new name or the nearest known one; a value of
    /// the wrong type names the field and quotes the value.
    public static func decode(json data: Data) throws(ConfigurationError<Self>) -> Self {
        let root: JSONValue
        do { root = try JSONValue.parse(Array(data)) } catch { throw .malformedJSON(error) }
        guard let members = root.members else { throw .notAnObject(found: root.kindName) }
        let known = Set(jsonKeys)
        if let unknown = members.first(where: { !known.contains($0.key) }) { throw unknownField(unknown.key) }
        do {
            return try JSONDecoder().decode(Self.self, from: data)
        } catch let error as ConfigurationError<Self> {
            guard case .wrongType(let field, let expected, _) = error, let value = members.first(where: { $0.key == field })?.value else {
                throw error
            }
            throw .wrongType(field: field, expected: expected, found: value.summary)
        } catch {
            preconditionFailure("JSON the strict parser accepted as an object failed to decode: \(error)")
        }
    }

    /// A configuration as an earlier revision stored it (a checkpoint's metadata, which the user did not type):
    /// keys renamed since (`formerKeys`) are read under their current names, then as `decode(json:)`. Stored
    /// text is this package's own encoding, where a quoted key name never appears as a value.
    public static func decode(stored text: String) throws(ConfigurationError<Self>) -> Self {
        var current = text
        for field in fields where !current.contains("\"\(field.key)\"") {
            for former in field.formerKeys { current = current.replacingOccurrences(of: "\"\(former)\"", with: "\"\(field.key)\"") }
        }
        return try decode(json: Data(current.utf8))
    }

    /// The first field, in table order, whose value is outside its range: its key, its value and what is
    /// allowed; nil when every field is in range.
    public func fieldOutOfRange() -> (field: String, value: String, allowed: String)? {
        for field in Self.fields {
            if let allowed = field.violation(self) { return (field.key, field.text(self), allowed) }
        }
        return nil
    }

    /// The field of `key` (a JSON key, or a nested member's path), if any.
    public static func field(key: String) -> ConfigurationField<Self>? { fields.first { $0.key == key } }

    /// The field `flag` sets, if any.
    public static func field(flag: String) -> ConfigurationField<Self>? { fields.first { $0.flag == flag } }

    /// `self` with the values of the flags given (by flag, as parsed) set in their fields, and those fields in
    /// table order. A value of another type than its field's is a programming error.
    public func applying(flags given: [String: Any]) -> (configuration: Self, set: [ConfigurationField<Self>]) {
        var configuration = self
        var set: [ConfigurationField<Self>] = []
        for field in Self.fields {
            guard let flag = field.flag, let value = given[flag] else { continue }
            precondition(field.set(value, &configuration), "\(flag) gives \(type(of: value)), not the type of \(field.key)")
            set.append(field)
        }
        return (configuration, set)
    }
}
