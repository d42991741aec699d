// Specs/reliability.md, "Configuration validation": one descriptor per configuration field.

/// One field of a configuration (`SFTConfiguration`, `TrainingConfiguration`), described once: its JSON key
/// (and the keys it had before), how it is read and written, the values it allows (named by validation
/// messages), its command-line flag and help, and whether `--resume` refuses to change it. Its default is the
/// configuration's own (the stored property's initial value), read through the field's key path.
///
/// A configuration lists its fields in one table (`FieldConfigured.fields`), which drives JSON decoding and
/// encoding, the range checks of `validated()`, the flags' application, their names in errors, and the resume
/// check; fields that must agree with each other are checked by `validated()` itself.
public struct ConfigurationField<Configuration: FieldConfigured> {
    /// The JSON key; for a member of a nested object (a flag-only entry), its path, as `model.layers`.
    public let key: String
    /// Earlier names of the key: a JSON file holding one is refused with the new name as the suggestion.
    public let formerKeys: [String]
    /// The command-line flag that sets the field (`--mini-batch`), or nil.
    public let flag: String?
    /// The flag's help, without the default (each command says it in its own words).
    public let help: String
    /// Whether `--resume` refuses the flag: a resumed run is the run in the folder.
    public let fixedOnResume: Bool
    /// Whether the key is a member of the JSON object (false for a nested member's flag-only entry).
    public let isJSONMember: Bool
    /// The field's value as messages and help show it ("16", "0.5", "addition"; for nil, what it means).
    public let text: (Configuration) -> String
    let decode: (KeyedDecodingContainer<FieldKey>, inout Configuration) throws -> Void
    let encode: (inout KeyedEncodingContainer<FieldKey>, Configuration) throws -> Void
    /// What is allowed when the field's value is out of its range, else nil.
    let violation: (Configuration) -> String?
    /// Sets a flag's parsed value (of the field's type; a choice by its name); whether it was of that type.
    let set: (Any, inout Configuration) -> Bool

    /// A field that always has a value: present in JSON → overrides; `allowed` is its range, if it has one.
    public init<T: Codable>(
        _ key: String, _ path: WritableKeyPath<Configuration, T>, _ allowed: Allowed<T>? = nil, flag: String? = nil, help: String = "",
        fixedOnResume: Bool = true, formerly formerKeys: [String] = []
    ) {
        (self.key, self.formerKeys, self.flag, self.help, self.fixedOnResume, isJSONMember) = (key, formerKeys, flag, help, fixedOnResume, true)
        text = { "\($0[keyPath: path])" }
        decode = { container, configuration in
            if let value = try Self.value(T.self, FieldKey(key), in: container) { configuration[keyPath: path] = value }
        }
        encode = { container, configuration in try container.encode(configuration[keyPath: path], forKey: FieldKey(key)) }
        violation = { configuration in allowed.flatMap { $0.test(configuration[keyPath: path]) ? nil : $0.description } }
        set = Self.assigning(path)
    }

    /// An optional field: present → overrides, `null` → nil; `allowed` checks a value that is not nil. `whenNil`
    /// says what nil means, where messages and help show the value.
    public init<T: Codable>(
        _ key: String, _ path: WritableKeyPath<Configuration, T?>, _ allowed: Allowed<T>? = nil, flag: String? = nil, help: String = "",
        whenNil: String = "none", fixedOnResume: Bool = true, formerly formerKeys: [String] = []
    ) {
        (self.key, self.formerKeys, self.flag, self.help, self.fixedOnResume, isJSONMember) = (key, formerKeys, flag, help, fixedOnResume, true)
        text = { $0[keyPath: path].map { "\($0)" } ?? whenNil }
        decode = { container, configuration in
            let jsonKey = FieldKey(key)
            guard container.contains(jsonKey) else { return }
            configuration[keyPath: path] = try container.decodeNil(forKey: jsonKey) ? nil : Self.value(T.self, jsonKey, in: container)
        }
        encode = { container, configuration in
            if let value = configuration[keyPath: path] {
                try container.encode(value, forKey: FieldKey(key))
            } else {
                try container.encodeNil(forKey: FieldKey(key))
            }
        }
        violation = { configuration in
            guard let value = configuration[keyPath: path], let allowed else { return nil }
            return allowed.test(value) ? nil : allowed.description
        }
        set = Self.assigning(path)
    }

    /// A field holding one of a fixed set of names; an unknown name in JSON lists the allowed ones, and its
    /// flag takes the name.
    public init<E: RawRepresentable & CaseIterable>(
        _ key: String, choice path: WritableKeyPath<Configuration, E>, flag: String? = nil, help: String = "", fixedOnResume: Bool = true
    ) where E.RawValue == String {
        (self.key, formerKeys, self.flag, self.help, self.fixedOnResume, isJSONMember) = (key, [], flag, help, fixedOnResume, true)
        text = { $0[keyPath: path].rawValue }
        decode = { container, configuration in
            guard let raw = try Self.value(String.self, FieldKey(key), in: container) else { return }
            guard let value = E(rawValue: raw) else {
                throw ConfigurationError<Configuration>.outOfRange(
                    field: key, value: raw.debugDescription, allowed: E.allCases.map(\.rawValue).joined(separator: ", "))
            }
            configuration[keyPath: path] = value
        }
        encode = { container, configuration in try container.encode(configuration[keyPath: path].rawValue, forKey: FieldKey(key)) }
        violation = { _ in nil }
        set = { value, configuration in
            guard let value = (value as? String).flatMap(E.init(rawValue:)) else { return false }
            configuration[keyPath: path] = value
            return true
        }
    }

    /// A member of a nested object that has a flag of its own (`model.layers`, `--layers`): read and written
    /// with its object's field, checked by `validated()`.
    public static func member<T>(_ path: String, _ keyPath: WritableKeyPath<Configuration, T>, flag: String, help: String) -> Self {
        Self(member: path, keyPath, flag: flag, help: help)
    }

    private init<T>(member path: String, _ keyPath: WritableKeyPath<Configuration, T>, flag: String, help: String) {
        (key, formerKeys, self.flag, self.help, fixedOnResume, isJSONMember) = (path, [], flag, help, true, false)
        text = { "\($0[keyPath: keyPath])" }
        decode = { _, _ in }
        encode = { _, _ in }
        violation = { _ in nil }
        set = Self.assigning(keyPath)
    }

    /// Sets a value of type `T` at `path`; whether `value` was one.
    private static func assigning<T>(_ path: WritableKeyPath<Configuration, T>) -> (Any, inout Configuration) -> Bool {
        { value, configuration in
            guard let value = value as? T else { return false }
            configuration[keyPath: path] = value
            return true
        }
    }

    /// The value at `key`, nil when absent; a value of another type, `null` included, is an error naming
    /// the field (optional fields read `null` themselves before calling this).
    public static func value<T: Decodable>(_: T.Type, _ key: FieldKey, in container: KeyedDecodingContainer<FieldKey>) throws -> T? {
        guard container.contains(key) else { return nil }
        do { return try container.decode(T.self, forKey: key) } catch {
            // `decode(json:)` replaces "another type" with the value as written.
            throw ConfigurationError<Configuration>.wrongType(field: key.stringValue, expected: typeName(T.self), found: "another type")
        }
    }

    private static func typeName<T>(_ type: T.Type) -> String {
        switch type {
        case is Bool.Type: return "true or false"
        case is Int.Type: return "an integer"
        case is UInt64.Type: return "an integer in 0...\(UInt64.max)"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        default: return "an object"
        }
    }
}

/// The values a field allows: a test, and its description for messages ("1...65536", "a positive finite number").
public struct Allowed<Value> {
    /// What is allowed, as a validation message says it.
    public let description: String
    /// Whether `value` is allowed.
    public let test: (Value) -> Bool

    /// Values passing `test`, described as `description`.
    public init(_ description: String, _ test: @escaping (Value) -> Bool) {
        self.description = description
        self.test = test
    }
}

extension Allowed where Value == Int {
    /// `range.lowerBound...range.upperBound`.
    public static func within(_ range: ClosedRange<Int>) -> Self { Self("\(range.lowerBound)...\(range.upperBound)") { range.contains($0) } }
    /// `minimum` or more.
    public static func atLeast(_ minimum: Int) -> Self { Self("\(minimum) or more") { $0 >= minimum } }
}

extension Allowed where Value == Double {
    /// A positive finite number.
    public static var positive: Self { Self("a positive finite number") { $0 > 0 && $0.isFinite } }
    /// 0 or a positive finite number.
    public static var nonNegative: Self { Self("0 or more") { $0 >= 0 && $0.isFinite } }
    /// [0, 1].
    public static var unitInterval: Self { Self("[0, 1]") { $0 >= 0 && $0 <= 1 } }
    /// [0, 1): a fraction below 1.
    public static var belowOne: Self { Self("[0, 1)") { $0 >= 0 && $0 < 1 } }
    /// (0, 1]: a positive fraction up to 1.
    public static var positiveFraction: Self { Self("(0, 1]") { $0 > 0 && $0 <= 1 } }
}

/// A JSON key of a configuration.
public struct FieldKey: CodingKey {
    /// The key.
    public var stringValue: String
    /// JSON objects have no integer keys.
    public var intValue: Int? { nil }
    /// The key `name`.
    public init(_ name: String) { stringValue = name }
    /// The key `stringValue`.
    public init(stringValue: String) { self.stringValue = stringValue }
    /// Nil: JSON objects have no integer keys.
    public init?(intValue: Int) { nil }
}
