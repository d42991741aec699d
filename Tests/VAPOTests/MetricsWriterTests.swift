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
