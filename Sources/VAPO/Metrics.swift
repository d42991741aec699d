// Specs/vapo.md, "Metrics".
/// One step's metrics: verl's names where verl has one (Specs/vapo.md lists every key), VAPO's own under
/// `vapo/`, `value_pretrain/` and `reward_model/`. Values are Doubles; `timing_s/*` and `perf/*` are wall-clock
/// figures, every other value is a deterministic function of the configuration and the starting models.
public typealias Metrics = [String: Double]

extension Dictionary where Key == String, Value == Double {
    /// Whether a key holds a wall-clock figure (`timing_s/…`, `perf/…`), the only values that may differ
    /// between two runs with the same seed.
    public static func isWallClock(_ key: String) -> Bool { key.hasPrefix("timing_s/") || key.hasPrefix("perf/") }

    /// These metrics without the wall-clock ones.
    public var deterministicPart: Metrics { filter { !Self.isWallClock($0.key) } }

    /// Adds `prefix/mean`, `prefix/max` and `prefix/min` of `values` (nothing for an empty list); the mean
    /// sums in order.
    mutating func addSummary(_ key: MetricKey, of values: [Double]) {
        guard let first = values.first else { return }
        self[key.mean] = values.reduce(0, +) / Double(values.count)
        self[key.max] = values.reduce(first) { Swift.max($0, $1) }
        self[key.min] = values.reduce(first) { Swift.min($0, $1) }
    }
}

/// The mean over the valid tokens of `rows` (0 with none), summed in order.
func tokenMean<S: BinaryFloatingPoint>(_ rows: [[S]], masks: [[Bool]]) -> Double {
    var sum = 0.0, count = 0
    for (row, mask) in zip(rows, masks) {
        for t in mask.indices where mask[t] {
            sum += Double(row[t])
            count += 1
        }
    }
    return count == 0 ? 0 : sum / Double(count)
}
