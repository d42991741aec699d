// Specs/vapo.md, "Configuration": JSON decoding and encoding.
import Foundation
import Training

/// JSON with every field optional (`FieldConfigured`, the fields in `fields`). `"preset"` (a name from
/// `TrainingConfiguration.presetNames`) chooses the starting values; without it the preset named by
/// `"algorithm"`, else `vapo`. Every other field present overrides that preset's value; `null` sets an optional
/// field to nil. An unknown field, a value of the wrong type, or an unknown preset, algorithm or value
/// initialisation is a `TrainingConfigurationError` naming it. Encoding writes every field (the resolved
/// configuration; nil as null), never `"preset"`.
extension TrainingConfiguration: Codable {
    /// "training configuration", as messages name it.
    public static var subject: String { "training configuration" }

    /// `"preset"`, the one key that is not a field.
    public static var extraKeys: [String] { ["preset"] }

    /// The names of every JSON field, in declaration order.
    public static var fieldNames: [String] { fields.map(\.key) }

    /// The preset the fields override: `"preset"`, else the preset of `"algorithm"`, else `vapo`.
    public static func base(for container: KeyedDecodingContainer<FieldKey>) throws -> TrainingConfiguration {
        if let name = try ConfigurationField<Self>.value(String.self, FieldKey("preset"), in: container) {
            return try preset(named: name)
        }
        if let name = try ConfigurationField<Self>.value(String.self, FieldKey("algorithm"), in: container), let algorithm = Algorithm(rawValue: name) {
            return try preset(named: algorithm.rawValue)
        }
        return TrainingConfiguration()  // an unknown algorithm is reported by its field
    }

    /// Decodes the fields present over the base preset (`decodeFields(from:)`); does not validate.
    public init(from decoder: any Decoder) throws { self = try Self.decodeFields(from: decoder) }

    /// Encodes every field (nil as null), never `"preset"`.
    public func encode(to encoder: any Encoder) throws { try encodeFields(to: encoder) }

    /// The resolved configuration as JSON with sorted keys: deterministic bytes, readable back by `decode`.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do { return try encoder.encode(self) } catch { preconditionFailure("encoding a configuration cannot fail: \(error)") }
    }
}
