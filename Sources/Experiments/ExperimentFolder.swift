// Specs/experiments.md, "Reading a run folder": experiment.json, and each run's metrics and finished.json.
import Foundation
import StrictJSON

/// `RUN_DIR/experiment.json`: what the runner ran, and where.
public struct ExperimentDescription: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case ablation, valueBias = "value-bias" }

    public var kind: Kind
    public var command: String
    public var revision: String
    public var cpu: String
    public var quick: Bool
    public var steps: Int
    public var seeds: [Int]
    public var configurations: [String]
    public var task: String
    /// The shared settings as written: each field's name and its JSON text (`JSONValue.summary`).
    public var settings: [Setting]

    public struct Setting: Sendable, Equatable {
        public let name: String
        public let value: String
    }

    /// Reads the text of an experiment.json, named `name` in errors. Required fields: kind, command, revision,
    /// cpu, quick, steps, seeds, configurations, task; optional: settings (an object). Other fields are ignored.
    public static func parse(_ bytes: [UInt8], name: String) throws(ExperimentError) -> ExperimentDescription {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch { throw ExperimentError("\(name): not valid JSON: \(error.description)") }
        guard let members = value.members else { throw ExperimentError("\(name): \(value.kindName); allowed: a JSON object") }
        func field(_ key: String) throws(ExperimentError) -> JSONValue {
            guard let found = members.first(where: { $0.key == key })?.value else { throw ExperimentError("\(name): no field \"\(key)\"") }
            return found
        }
        func string(_ key: String) throws(ExperimentError) -> String {
            let value = try field(key)
            guard case .string(let text) = value else { throw ExperimentError("\(name): field \"\(key)\" is \(value.summary); allowed: a string") }
            return text
        }
        func integer(_ value: JSONValue, _ key: String) throws(ExperimentError) -> Int {
            guard let number = value.nonNegativeInteger else { throw ExperimentError("\(name): field \"\(key)\" holds \(value.summary); allowed: integers ≥ 0") }
            return number
        }
        let kindText = try string("kind")
        guard let kind = Kind(rawValue: kindText) else {
            throw ExperimentError("\(name): field \"kind\" is \(kindText.debugDescription); allowed: ablation, value-bias")
        }
        let quickValue = try field("quick")
        guard case .bool(let quick) = quickValue else { throw ExperimentError("\(name): field \"quick\" is \(quickValue.summary); allowed: true or false") }
        let steps = try integer(try field("steps"), "steps")
        guard case .array(let seedValues) = try field("seeds"), !seedValues.isEmpty else {
            throw ExperimentError("\(name): field \"seeds\" is \((try field("seeds")).summary); allowed: a non-empty array of integers ≥ 0")
        }
        var seeds: [Int] = []
        for seed in seedValues { seeds.append(try integer(seed, "seeds")) }
        guard Set(seeds).count == seeds.count else { throw ExperimentError("\(name): field \"seeds\" names a seed twice") }
        guard case .array(let configurationValues) = try field("configurations"), !configurationValues.isEmpty else {
            throw ExperimentError("\(name): field \"configurations\" is \((try field("configurations")).summary); allowed: a non-empty array of preset names")
        }
        var configurations: [String] = []
        for value in configurationValues {
            guard case .string(let text) = value, !text.isEmpty, !text.contains("/"), text != ".", text != ".." else {
                throw ExperimentError("\(name): field \"configurations\" holds \(value.summary); allowed: preset names (strings without \"/\")")
            }
            configurations.append(text)
        }
        guard Set(configurations).count == configurations.count else { throw ExperimentError("\(name): field \"configurations\" names a configuration twice") }
        var settings: [Setting] = []
        if let given = members.first(where: { $0.key == "settings" })?.value {
            guard let fields = given.members else { throw ExperimentError("\(name): field \"settings\" is \(given.kindName); allowed: an object") }
            settings = fields.map { Setting(name: $0.key, value: $0.value.summary) }
        }
        return ExperimentDescription(
            kind: kind, command: try string("command"), revision: try string("revision"), cpu: try string("cpu"), quick: quick, steps: steps,
            seeds: seeds, configurations: configurations, task: try string("task"), settings: settings)
    }
}

/// One run of an experiment: `runs/<configuration>/seed-<seed>/`.
public struct RunRecord: Sendable {
    public let configuration: String
    public let seed: Int
    /// Its metrics (possibly partial when unfinished; empty when the folder or file is missing).
    public let metrics: [MetricsRecord]
    /// finished.json's wall seconds and steps; nil while the run is unfinished.
    public let seconds: Double?
    public let finishedSteps: Int?
    /// Whether its log (`runs/<configuration>/seed-<seed>.log`, which the runner appends to) shows that the run was
    /// stopped and carried on with `vapo train --resume`: its `seconds` then time only the last segment.
    public let resumed: Bool
    /// Where the run stands when it is not finished: "not started" or "unfinished".
    public var isFinished: Bool { seconds != nil }
    /// The folder relative to RUN_DIR.
    public var path: String { "runs/\(configuration)/seed-\(seed)" }
}

/// A whole experiment folder, read and checked before anything is written.
public struct ExperimentFolder: Sendable {
    public let description: ExperimentDescription
    /// Every (configuration, seed) of the description, configurations in order, seeds in order.
    public let runs: [RunRecord]

    public init(description: ExperimentDescription, runs: [RunRecord]) {
        self.description = description
        self.runs = runs
    }

    /// Reads `url`: its experiment.json (required) and each run's folder. A finished run (one with finished.json)
    /// must have a readable metrics.jsonl and finished.json; an unfinished run's metrics are read leniently.
    public static func load(_ url: URL) throws(ExperimentError) -> ExperimentFolder {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ExperimentError("\(url.path): no such folder; allowed: a folder written by vapo experiment")
        }
        guard isFolder.boolValue else { throw ExperimentError("\(url.path): a file, not a folder; allowed: a folder written by vapo experiment") }
        let descriptionURL = url.appendingPathComponent("experiment.json")
        guard manager.fileExists(atPath: descriptionURL.path) else {
            throw ExperimentError("\(descriptionURL.path): missing; a folder written by vapo experiment holds one")
        }
        let bytes: Data
        do { bytes = try Data(contentsOf: descriptionURL) } catch {
            throw ExperimentError("\(descriptionURL.path): cannot be read (\(error.localizedDescription))")
        }
        let description = try ExperimentDescription.parse(Array(bytes), name: descriptionURL.path)
        var runs: [RunRecord] = []
        for configuration in description.configurations {
            for seed in description.seeds {
                let folder = url.appendingPathComponent("runs").appendingPathComponent(configuration).appendingPathComponent("seed-\(seed)")
                let metricsURL = folder.appendingPathComponent("metrics.jsonl"), finishedURL = folder.appendingPathComponent("finished.json")
                guard manager.fileExists(atPath: finishedURL.path) else {
                    let metrics = (try? MetricsFile.read(metricsURL, lenient: true)) ?? []
                    runs.append(RunRecord(configuration: configuration, seed: seed, metrics: metrics, seconds: nil, finishedSteps: nil, resumed: false))
                    continue
                }
                let (seconds, steps) = try finished(finishedURL)
                guard manager.fileExists(atPath: metricsURL.path) else {
                    throw ExperimentError("\(metricsURL.path): missing, though \(finishedURL.lastPathComponent) says the run finished")
                }
                let metrics = try MetricsFile.read(metricsURL)
                let log = folder.deletingLastPathComponent().appendingPathComponent("seed-\(seed).log")
                runs.append(RunRecord(configuration: configuration, seed: seed, metrics: metrics, seconds: seconds, finishedSteps: steps, resumed: wasResumed(log)))
            }
        }
        return ExperimentFolder(description: description, runs: runs)
    }

    /// Whether a run's log holds the line `vapo train --resume` prints first ("resuming <folder> from <checkpoint>");
    /// a missing log (a hand-made folder) means not resumed.
    static func wasResumed(_ log: URL) -> Bool {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { $0.hasPrefix("resuming ") }
    }

    /// finished.json's {"seconds": number ≥ 0, "steps": integer ≥ 0}.
    static func finished(_ url: URL) throws(ExperimentError) -> (Double, Int) {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch { throw ExperimentError("\(url.path): cannot be read (\(error.localizedDescription))") }
        let value: JSONValue
        do { value = try JSONValue.parse(Array(bytes)) } catch { throw ExperimentError("\(url.path): not valid JSON: \(error.description)") }
        guard let members = value.members,
            case .number(let secondsText)? = members.first(where: { $0.key == "seconds" })?.value,
            let seconds = Double(secondsText), seconds.isFinite, seconds >= 0,
            let steps = members.first(where: { $0.key == "steps" })?.value.nonNegativeInteger
        else { throw ExperimentError("\(url.path): allowed: {\"seconds\": a number ≥ 0, \"steps\": an integer ≥ 0}") }
        return (seconds, steps)
    }

    /// The finished runs of `configuration`, seeds in order.
    public func finishedRuns(_ configuration: String) -> [RunRecord] {
        runs.filter { $0.configuration == configuration && $0.isFinished }
    }
}
