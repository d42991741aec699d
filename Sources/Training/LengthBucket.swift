// Specs/training.md, "Evaluation": the trace-length buckets.
/// A range of teacher chain-of-thought lengths (`Problem.traceTokenCount`), by which evaluation results are
/// broken down: where the reasoning is short, accuracy says little about the long chains RL must improve.
public struct LengthBucket: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The shortest trace in the bucket.
    public let lowerBound: Int
    /// The longest trace in the bucket; nil: no limit.
    public let upperBound: Int?

    /// The four buckets every report uses: under 20, 20–49, 50–99 and 100 or more trace tokens.
    public static let all = [LengthBucket(0, 19), LengthBucket(20, 49), LengthBucket(50, 99), LengthBucket(100, nil)]

    init(_ lowerBound: Int, _ upperBound: Int?) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// The bucket of a trace of `traceLength` tokens.
    public static func of(traceLength: Int) -> LengthBucket {
        all.last { $0.lowerBound <= traceLength }!
    }

    /// `<20`, `20-49`, `50-99`, `>=100`.
    public var description: String {
        guard let upperBound else { return ">=\(lowerBound)" }
        return lowerBound == 0 ? "<\(upperBound + 1)" : "\(lowerBound)-\(upperBound)"
    }

    public static func < (a: LengthBucket, b: LengthBucket) -> Bool { a.lowerBound < b.lowerBound }
}
