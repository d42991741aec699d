import Foundation
import Testing
import VAPO

@Suite("Metrics lines")
struct MetricsWriterTests {
    @Test("a step is one line {\"step\": N, \"data\": {...}} with sorted keys, shortest round-trip numbers, null for NaN and infinities")
    func line() throws {
        let metrics: Metrics = ["critic/vf_loss": 0.25, "actor/pg_loss": -1e-05, "a\"b": 3, "critic/score/mean": .nan, "perf/throughput": .infinity]
        let line = MetricsWriter.line(step: 7, metrics)
        #expect(line == #"{"step": 7, "data": {"a\"b": 3.0, "actor/pg_loss": -1e-05, "critic/score/mean": null, "critic/vf_loss": 0.25, "perf/throughput": null}}"#)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        #expect(object["step"] as? Int == 7)
        #expect(MetricsWriter.line(step: 7, metrics) == line, "same metrics, same bytes")
    }

    @Test("the writer appends lines to a new file, refuses an existing one unless appending, and only the wall-clock keys are excluded from comparisons")
    func file() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vapo-metrics-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            let writer = try MetricsWriter(url: url)
            try writer.write(step: 1, ["x": 1])
            try writer.write(step: 2, ["x": 2])
        }
        #expect(throws: (any Error).self) { try MetricsWriter(url: url) }
        try MetricsWriter(url: url, appending: true).write(step: 3, ["x": 3])
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines == [#"{"step": 1, "data": {"x": 1.0}}"#, #"{"step": 2, "data": {"x": 2.0}}"#, #"{"step": 3, "data": {"x": 3.0}}"#])
        let metrics: Metrics = ["timing_s/gen": 1, "perf/throughput": 2, "critic/score/mean": 3]
        #expect(metrics.deterministicPart == ["critic/score/mean": 3])
    }
}

@Suite("Rollout dumps")
struct RolloutDumpTests {
    @Test("a rollout dump line gives the prompt, the response text, the verdict and score, and per-response-token advantages, values and returns")
    func lines() throws {
        let rollout = AdvantageTests.rollout()
        let estimate = AdvantageEstimator.estimate(rollout, configuration: TrainingConfiguration())
        let lines = RolloutDump.lines(step: 3, rollout: rollout, estimate: estimate)
        #expect(lines.count == 4)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["step"] as? Int == 3 && first["group"] as? Int == 0)
        #expect(first["prompt"] as? String == "3+5=" && first["response"] as? String == "12$")
        #expect(first["correct"] as? Bool == true && first["truncated"] as? Bool == false && first["score"] as? Double == 1)
        #expect((first["returns"] as? [Double]) == [1, 1, 1])
        let prompt = rollout.responses[0].promptTokens.count
        // Compared as text: Foundation's JSON parser does not always round to the nearest Double.
        func text(_ values: ArraySlice<Double>) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
        #expect(lines[0].contains("\"advantages\": " + text(estimate.advantages[0][prompt...])))
        #expect(lines[0].contains("\"values\": " + text(rollout.values![0][prompt...])))
        let third = try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as! [String: Any]
        #expect(third["truncated"] as? Bool == true && (third["advantages"] as? [Double])?.count == 45)
        let withoutCritic = RolloutDump.lines(step: 0, rollout: Rollout<Double>(responses: rollout.responses, samplesPerGroup: 2, overlongFiltering: false), estimate: nil)
        #expect(!withoutCritic[0].contains("values") && !withoutCritic[0].contains("advantages"))
    }
}
