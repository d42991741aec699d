// Specs/reliability.md, "Fuzzing": deterministic, seeded fuzz targets.
import Foundation
import TestSupport

/// A deterministic, seeded fuzzer: input number i of a target is a pure function of (seed, i), drawn from
/// `SplitMix64(seed: seed).next()` mixed with i, so any input can be regenerated from its two numbers and a
/// failure reproduces exactly (`vapo-fuzz --target T --seed S --start i --count 1`). A target's check either
/// returns (the input was handled), returns a failure message (a broken property: a silent load of changed
/// content, a teacher trace that does not verify, an error of the wrong kind), or traps — which ends the
/// process, so a crash is never silently counted.
public struct FuzzTarget: Sendable {
    /// The name on the command line and in reports.
    public let name: String
    /// Draws one input from `random` and checks it: nil when the property holds, else what broke.
    let check: @Sendable (_ random: inout SplitMix64) -> String?

    init(_ name: String, check: @escaping @Sendable (_ random: inout SplitMix64) -> String?) {
        self.name = name
        self.check = check
    }

    /// Every target, in a fixed order: the safetensors reader, the training-configuration parser, the task
    /// verifiers.
    public static let all: [FuzzTarget] = [.safetensors, .configuration, .verifiers]

    /// The target called `name`, or nil.
    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// What one run of a target did.
public struct FuzzReport: Sendable, CustomStringConvertible {
    /// The target's name.
    public let target: String
    /// The seed of the run.
    public let seed: UInt64
    /// The first input's index.
    public let start: Int
    /// How many inputs were generated and checked.
    public let inputs: Int
    /// Each broken property, as "input i: message" (at most 20 kept).
    public let failures: [String]
    /// Wall-clock seconds of the run.
    public let seconds: Double

    public var description: String {
        "\(target): \(inputs) inputs (seed \(seed), from \(start)) in \(String(format: "%.1f", seconds)) s, "
            + "\(failures.count) failures, 0 crashes" + failures.map { "\n  " + $0 }.joined()
    }
}

extension FuzzTarget {
    /// Runs inputs `start, start + 1, ...` until `count` inputs have been checked or `seconds` have passed,
    /// whichever comes first (nil: no limit of that kind).
    public func run(seed: UInt64, start: Int = 0, count: Int? = nil, seconds: Double? = nil) -> FuzzReport {
        let begin = Date()
        var failures: [String] = []
        var index = start
        while count.map({ index - start < $0 }) ?? true {
            if let seconds, Date().timeIntervalSince(begin) >= seconds { break }
            var random = Self.generator(seed: seed, index: index)
            if let failure = check(&random), failures.count < 20 { failures.append("input \(index): \(failure)") }
            index += 1
        }
        return FuzzReport(
            target: name, seed: seed, start: start, inputs: index - start, failures: failures, seconds: Date().timeIntervalSince(begin))
    }

    /// The generator of input `index`: SplitMix64 started from the seed's first output mixed with the index
    /// (golden-ratio multiple), so neighbouring inputs are unrelated.
    static func generator(seed: UInt64, index: Int) -> SplitMix64 {
        var base = SplitMix64(state: seed)
        return SplitMix64(state: base.next() ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15))
    }
}
