import Foundation
import StrictJSON

/// JSON with every field optional. `"preset"` (a name from `TrainingConfiguration.presetNames`) chooses the
/// starting values; without it the preset named by `"algorithm"`, else `vapo`. Every other field present
/// overrides that preset's value; `null` sets an optional field to nil. An unknown field, a value of the wrong
/// type, or an unknown preset, algorithm or value initialisation is a `TrainingConfigurationError` naming it.
/// Encoding writes every field (the resolved configuration; nil as null), never `"preset"`.
extension TrainingConfiguration: Codable {
    /// The JSON fields, named as the properties, in the order the type declares them.
    static var fields: [ConfigurationField] {
        [
            .init("algorithm", choice: \.algorithm),
            .init("valuePretraining", \.valuePretraining), .init("decoupledGAE", \.decoupledGAE),
            .init("lengthAdaptiveGAE", \.lengthAdaptiveGAE), .init("tokenLevelLoss", \.tokenLevelLoss),
            .init("clipHigher", \.clipHigher), .init("positiveExampleLoss", \.positiveExampleLoss),
            .init("groupSampling", \.groupSampling),
            .init("promptsPerStep", \.promptsPerStep), .init("samplesPerPrompt", \.samplesPerPrompt),
            .init("miniBatchSize", \.miniBatchSize), .init("microBatchSize", \.microBatchSize),
            .init("ppoEpochs", \.ppoEpochs),
            .init("actorLearningRate", \.actorLearningRate), .init("criticLearningRate", \.criticLearningRate),
            .init("warmupSteps", \.warmupSteps), .init("gradientClip", \.gradientClip),
            .init("skipNonFiniteBatches", \.skipNonFiniteBatches),
            .init("gamma", \.gamma), .init("lambdaCritic", \.lambdaCritic), .init("lambdaPolicy", \.lambdaPolicy),
            .init("alpha", \.alpha), .init("lambdaMin", \.lambdaMin), .init("whitenAdvantages", \.whitenAdvantages),
            .init("epsilonLow", \.epsilonLow), .init("epsilonHigh", \.epsilonHigh), .init("dualClip", \.dualClip),
            .init("mu", \.mu),
            .init("valueInitialization", choice: \.valueInitialization), .init("criticReadsSurprise", \.criticReadsSurprise),
            .init("valueClipRange", \.valueClipRange),
            .init("valuePretrainingSteps", \.valuePretrainingSteps), .init("valuePretrainingPrompts", \.valuePretrainingPrompts),
            .init("valuePretrainingExplainedVariance", \.valuePretrainingExplainedVariance),
            .init("rewardModelSteps", \.rewardModelSteps), .init("rewardModelLearningRate", \.rewardModelLearningRate),
            .init("grpoBeta", \.grpoBeta), .init("dynamicSampling", \.dynamicSampling),
            .init("dynamicSamplingMaxRetries", \.dynamicSamplingMaxRetries),
            .init("overlongMaxLength", \.overlongMaxLength), .init("overlongCacheLength", \.overlongCacheLength),
            .init("rewardCorrect", \.rewardCorrect), .init("rewardIncorrect", \.rewardIncorrect),
            .init("temperature", \.temperature), .init("topP", \.topP), .init("maxNewTokens", \.maxNewTokens),
            .init("seed", \.seed), .init("task", \.task),
            .init("minDifficulty", \.minDifficulty), .init("maxDifficulty", \.maxDifficulty),
            .init("evalEvery", \.evalEvery), .init("evalProblems", \.evalProblems), .init("evalSamples", \.evalSamples),
            .init("evalTemperature", \.evalTemperature), .init("evalTopP", \.evalTopP), .init("evalSeed", \.evalSeed),
        ]
    }

    /// The names of every JSON field, in declaration order.
    public static var fieldNames: [String] { fields.map(\.name) }

    /// Every key a JSON configuration may hold: `"preset"` and the field names.
    public static var jsonKeys: [String] { ["preset"] + fieldNames }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldKey.self)
        let fields = Self.fields
        let known = Set(Self.jsonKeys)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw TrainingConfigurationError.unknownField(unknown, suggestion: NearestName.suggestion(for: unknown, among: Self.jsonKeys))
        }
        if let preset = try ConfigurationField.value(String.self, FieldKey("preset"), in: container) {
            self = try Self.preset(named: preset)
        } else if let name = try ConfigurationField.value(String.self, FieldKey("algorithm"), in: container),
            let algorithm = Algorithm(rawValue: name)
        {
            self = try Self.preset(named: algorithm.rawValue)
        } else {
            self = TrainingConfiguration()  // an unknown algorithm is reported by its field below
        }
        for field in fields { try field.decode(container, &self) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FieldKey.self)
        for field in Self.fields { try field.encode(&container, self) }
    }

    /// The configuration decoded from JSON `data` (see the type's decoding rules); every error is a
    /// `TrainingConfigurationError`. The text is first read by the strict parser of `StrictJSON`
    /// (`JSONValue.parse`), which reports malformed JSON by line and column and refuses duplicate keys;
    /// unknown fields are reported in file order, with the nearest known name; a value of the wrong type
    /// names the field and quotes the value.
    public static func decode(json data: Data) throws(TrainingConfigurationError) -> TrainingConfiguration {
        let root: JSONValue
        do { root = try JSONValue.parse(Array(data)) } catch { throw .malformedJSON(error) }
        guard let members = root.members else { throw .notAnObject(found: root.kindName) }
        let known = Set(jsonKeys)
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw .unknownField(unknown.key, suggestion: NearestName.suggestion(for: unknown.key, among: jsonKeys))
        }
        do {
            return try JSONDecoder().decode(TrainingConfiguration.self, from: data)
        } catch let error as TrainingConfigurationError {
            guard case .wrongType(let field, let expected, _) = error, let value = members.first(where: { $0.key == field })?.value else {
                throw error
            }
            throw .wrongType(field: field, expected: expected, found: value.summary)
        } catch {
            preconditionFailure("JSON the strict parser accepted as an object failed to decode: \(error)")
        }
    }

    /// The resolved configuration as JSON with sorted keys: deterministic bytes, readable back by `decode`.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do { return try encoder.encode(self) } catch { preconditionFailure("encoding a configuration cannot fail: \(error)") }
    }
}

/// A JSON field name.
struct FieldKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One field of the JSON form: how it is read over the preset's value, and written.
struct ConfigurationField {
    typealias Container = KeyedDecodingContainer<FieldKey>
    let name: String
    let decode: (Container, inout TrainingConfiguration) throws -> Void
    let encode: (inout KeyedEncodingContainer<FieldKey>, TrainingConfiguration) throws -> Void

    /// A plain field: present → overrides.
    init<T: Codable>(_ name: String, _ path: WritableKeyPath<TrainingConfiguration, T>) {
        self.name = name
        decode = { container, configuration in
            if let value = try Self.value(T.self, FieldKey(name), in: container) { configuration[keyPath: path] = value }
        }
        encode = { container, configuration in try container.encode(configuration[keyPath: path], forKey: FieldKey(name)) }
    }

    /// An optional field: present → overrides, `null` → nil.
    init<T: Codable>(_ name: String, _ path: WritableKeyPath<TrainingConfiguration, T?>) {
        self.name = name
        decode = { container, configuration in
            let key = FieldKey(name)
            guard container.contains(key) else { return }
            configuration[keyPath: path] = try container.decodeNil(forKey: key) ? nil : Self.value(T.self, key, in: container)
        }
        encode = { container, configuration in
            if let value = configuration[keyPath: path] {
                try container.encode(value, forKey: FieldKey(name))
            } else {
                try container.encodeNil(forKey: FieldKey(name))
            }
        }
    }

    /// A field holding one of a fixed set of names; an unknown name lists the allowed ones.
    init<E: RawRepresentable & CaseIterable>(_ name: String, choice path: WritableKeyPath<TrainingConfiguration, E>)
    where E.RawValue == String {
        self.name = name
        decode = { container, configuration in
            guard let raw = try Self.value(String.self, FieldKey(name), in: container) else { return }
            guard let value = E(rawValue: raw) else {
                throw TrainingConfigurationError.outOfRange(
                    field: name, value: raw.debugDescription, allowed: E.allCases.map(\.rawValue).joined(separator: ", "))
            }
            configuration[keyPath: path] = value
        }
        encode = { container, configuration in try container.encode(configuration[keyPath: path].rawValue, forKey: FieldKey(name)) }
    }

    /// The value at `key`, nil when absent; a value of another type, `null` included, is an error naming
    /// the field (optional fields read `null` themselves before calling this).
    static func value<T: Decodable>(_: T.Type, _ key: FieldKey, in container: Container) throws -> T? {
        guard container.contains(key) else { return nil }
        do { return try container.decode(T.self, forKey: key) } catch {
            // `decode(json:)` replaces "another type" with the value as written.
            throw TrainingConfigurationError.wrongType(field: key.stringValue, expected: typeName(T.self), found: "another type")
        }
    }

    private static func typeName<T>(_ type: T.Type) -> String {
        switch type {
        case is Bool.Type: return "true or false"
        case is Int.Type: return "an integer"
        case is UInt64.Type: return "an integer in 0...\(UInt64.max)"
        case is Double.Type: return "a number"
        default: return "a string"
        }
    }
}

