// Specs/experiments.md, "Reading a run folder": metrics.jsonl read with the strict JSON parser.
import Foundation
import StrictJSON

/// Input a report cannot use: one line naming the file and what is wrong with it.
public struct ExperimentError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One line of a run's `metrics.jsonl`: its step and its finite numeric values (null, the writer's non-finite,
/// is left out).
public struct MetricsRecord: Sendable, Equatable {
    public let step: Int
    public let values: [String: Double]

    public init(step: Int, values: [String: Double]) {
        self.step = step
        self.values = values
    }
}

/// The metrics of one run, in file order.
public enum MetricsFile {
    /// Parses the text of a `metrics.jsonl` (named `name` in errors). A line is a JSON object with a
    /// non-negative integer `step` and its metrics either in an object `data` (as `MetricsWriter` writes them) or
    /// as the other members; numbers are read, null is skipped, other values are errors. Empty lines are skipped.
    /// `lenient`: lines that cannot be read are skipped instead (an unfinished run's last line may be half written).
    public static func parse(_ bytes: [UInt8], name: String, lenient: Bool = false) throws(ExperimentError) -> [MetricsRecord] {
        var records: [MetricsRecord] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                records.append(try record(Array(line)))
            } catch {
                if lenient { continue }
                throw ExperimentError("\(name): line \(lineNumber): \(error.description)")
            }
        }
        return records
    }

    /// Reads `url`'s metrics; errors name `name` (default: the file's path).
    public static func read(_ url: URL, name: String? = nil, lenient: Bool = false) throws(ExperimentError) -> [MetricsRecord] {
        let name = name ?? url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ExperimentError("\(name): cannot be read (\(error.localizedDescription))") }
        return try parse(Array(data), name: name, lenient: lenient)
    }

    private static func record(_ line: [UInt8]) throws(ExperimentError) -> MetricsRecord {
        let value: JSONValue
        do { value = try JSONValue.parse(line) } catch { throw ExperimentError("column \(error.column): \(error.reason)") }
        guard let members = value.members else { throw ExperimentError("\(value.kindName), not an object") }
        guard let stepValue = members.first(where: { $0.key == "step" })?.value else { throw ExperimentError("no \"step\"") }
        guard let step = stepValue.nonNegativeInteger else { throw ExperimentError("\"step\" is \(stepValue.summary); allowed: an integer ≥ 0") }
        var fields = members.filter { $0.key != "step" }
        if let data = members.first(where: { $0.key == "data" })?.value {
            guard let inner = data.members else { throw ExperimentError("\"data\" is \(data.kindName); allowed: an object") }
            fields = inner
        }
        var values: [String: Double] = [:]
        for (key, field) in fields {
            switch field {
            case .null: continue
            case .number(let text):
                guard let number = Double(text), number.isFinite else { throw ExperimentError("\(key.debugDescription) is \(text), out of range") }
                values[key] = number
            default: throw ExperimentError("\(key.debugDescription) is \(field.kindName); allowed: a number or null")
            }
        }
        return MetricsRecord(step: step, values: values)
    }
}

extension Array where Element == MetricsRecord {
    /// The (step, value) pairs of `key` in file order, the later line winning when a step repeats.
    public func series(_ key: String) -> [(step: Int, value: Double)] {
        var byStep: [Int: Double] = [:], order: [Int] = []
        for record in self {
            guard let value = record.values[key] else { continue }
            if byStep[record.step] == nil { order.append(record.step) }
            byStep[record.step] = value
        }
        return order.sorted().map { ($0, byStep[$0]!) }
    }

    /// The value of `key` at the latest step that has it.
    public func last(_ key: String) -> (step: Int, value: Double)? { series(key).last }
}
