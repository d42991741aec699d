import Fuzzing
import Testing

/// The deterministic fuzzers, a few seconds each (count-bounded so the inputs are the same on every
/// machine); `vapo-fuzz --seconds N` runs them longer (README, "Reliability").
@Suite("Fuzzing")
struct FuzzTests {
    static func run(_ target: FuzzTarget, count: Int) {
        let report = target.run(seed: 20261125, count: count)
        print(report)
        #expect(report.inputs == count)
        #expect(report.failures.isEmpty, "\(report)")
    }

    @Test("the safetensors reader, on mutated, spliced, truncated and random files, throws a CheckpointError or loads exactly an input file, never crashes")
    func safetensors() { Self.run(.safetensors, count: 20_000) }

    @Test("the configuration parser, on mutated presets and random JSON, throws a one-line configuration error or decodes a configuration that round-trips, never crashes")
    func configuration() { Self.run(.configuration, count: 5_000) }

    @Test("every task's verifier, on random token strings, random text and mutated teacher traces, never crashes, and every teacher trace verifies")
    func verifiers() { Self.run(.verifiers, count: 5_000) }
}
