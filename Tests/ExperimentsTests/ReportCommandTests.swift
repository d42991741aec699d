// Specs/experiments.md, "vapo report": the report of a hand-made experiment folder, and bad input refused.
import ArgumentParser
import Foundation
import TestSupport
import Testing

@testable import Experiments
@testable import VapoCLI

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("vapo report", .serialized)
struct ReportCommandTests {
    /// A copy of the hand-made fixture folder `name` (Tests/ExperimentsTests/Fixtures) in a new scratch folder.
    static func fixture(_ name: String = "ablation") throws -> URL {
        let source = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent(name)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let copy = scratch.appendingPathComponent(name)
        try FileManager.default.copyItem(at: source, to: copy)
        return copy
    }

    static func remove(_ folder: URL) { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }

    /// Runs `vapo report folder` through the command's parser, as `vapo` does.
    static func report(_ folder: URL) throws -> [String] {
        let command = try Vapo.parseAsRoot(["report", folder.path])
        return try ReportCommand.write(URL(fileURLWithPath: try #require(command as? ReportCommand).folder))
    }

    static func text(_ folder: URL, _ path: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every file under `folder` (relative path → bytes).
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return files }
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            files[String(url.path.dropFirst(folder.path.count))] = try Data(contentsOf: url)
        }
        return files
    }

    @Test("vapo report writes Table 1 from the runs alone: each configuration's final accuracy mean ± sd and per seed, its AUC and the paper's number; an unfinished run is listed and left out")
    func table() throws {
        let folder = try Self.fixture()
        defer { Self.remove(folder) }
        let lines = try Self.report(folder)
        #expect(lines == ["vapo report: 6 of 9 runs finished; wrote \(folder.path)/report.md and \(try Self.snapshot(folder.appendingPathComponent("plots")).count) plots in \(folder.path)/plots"])
        let report = try Self.text(folder, "report.md")
        // vapo: finals 0.75 and 0.625 (seed 2, unfinished at 1.0, left out); AUCs 0.5 and 0.46875.
        #expect(report.contains("| `vapo` | 60.4 | 68.8 ± 8.8 | 0: 75.0, 1: 62.5 | 48.4 ± 2.2 | 2 of 3 |"))
        // dapo: finals 0.25, 0.375, 0.25; AUCs 0.25, 0.28125, 0.3125.
        #expect(report.contains("| `dapo` | 50 | 29.2 ± 7.2 | 0: 25.0, 1: 37.5, 2: 25.0 | 28.1 ± 3.1 | 3 of 3 |"))
        #expect(report.contains("| `vapo-no-clip-higher` | 46 | 50.0 (1 seed) | 0: 50.0 | 43.8 (1 seed) | 1 of 3 |"))
        #expect(report.contains("| `runs/vapo/seed-2` | unfinished (left out) | 2 of 4 | – |"))
        #expect(report.contains("| `runs/vapo-no-clip-higher/seed-1` | not started (left out) | – | – |"))
        #expect(report.contains("- Command: `vapo experiment ablation --quick --only vapo,dapo,vapo-no-clip-higher --seeds 0,1,2`"))
        #expect(report.contains("- Revision: git abc1234, built from a clean tree"))
        #expect(report.contains("- CPU: Test CPU (family 0, model 0)"))
        #expect(report.contains("- Wall time: 58 s (0:00:58) summed over the finished runs; the longest, `runs/vapo/seed-1`, 12 s (0:00:12)"))
        #expect(report.contains("`steps` 4, `samplesPerPrompt` 4, `evalEvery` 2"))
    }

    @Test("A run whose log shows a resume (\"resuming … from …\") is marked resumed: its finished.json times only the last segment, so the wall time sums the runs that ran without a stop and names the resumed ones apart")
    func resumedRunsAreTimedApart() throws {
        let folder = try Self.fixture()
        defer { Self.remove(folder) }
        // dapo seed 1 (9 s in finished.json) was stopped and carried on, as the runner's log of it shows.
        let log = "vapo train: dapo on addition\nvapo train stopped by a signal\nresuming \(folder.path)/runs/dapo/seed-1 from checkpoint-step-2.safetensors\n"
        try log.write(to: folder.appendingPathComponent("runs/dapo/seed-1.log"), atomically: true, encoding: .utf8)
        // A log without the line changes nothing.
        try "vapo train: dapo on addition\n".write(to: folder.appendingPathComponent("runs/dapo/seed-0.log"), atomically: true, encoding: .utf8)
        _ = try Self.report(folder)
        let report = try Self.text(folder, "report.md")
        #expect(report.contains("- Wall time: 49 s (0:00:49) summed over the 5 finished runs that ran without a stop; the longest, `runs/vapo/seed-1`, 12 s (0:00:12)"))
        #expect(report.contains("- Resumed runs: 1, stopped and carried on with `vapo train --resume`; only their last segments are timed (9 s (0:00:09) summed), so the wall time above leaves them out"))
        #expect(report.contains("| `runs/dapo/seed-1` | finished (resumed) | 4 | last segment 9 s (0:00:09) |"))
        #expect(report.contains("| `runs/dapo/seed-0` | finished | 4 | 8 s (0:00:08) |"))
    }

    @Test("The claims carry the verdicts the rule gives on the fixture's numbers: VAPO beats DAPO on final accuracy (reproduced), on late entropy the paper's direction is contradicted, and one finished seed of an ablation leaves its claim inconclusive")
    func verdicts() throws {
        let folder = try Self.fixture()
        defer { Self.remove(folder) }
        _ = try Self.report(folder)
        let report = try Self.text(folder, "report.md")
        let rows = report.split(separator: "\n").map(String.init)
        func row(_ claim: String) -> String? { rows.first { $0.hasPrefix("| \(claim) |") } }
        // d = 0.6875 − 0.291667 = 39.6 points; SE = √((1·0.0078125 + 2·0.00520833)/3 · (1/2 + 1/3)) = 0.0712: 2·SE = 14.2.
        #expect(row("VAPO beats DAPO on final held-out accuracy")?.hasSuffix("| +39.6 | 14.2 | **reproduced** |") == true)
        #expect(row("VAPO beats VAPO w/o Clip-Higher on final held-out accuracy")?.hasSuffix("| **inconclusive (fewer than 2 finished seeds measured)** |") == true)
        // Late entropy (step 4 of 4): vapo 1.0, 1.125; dapo 0.5, 0.5, 0.625.
        #expect(row("VAPO's entropy is lower than DAPO's late in training")?.hasSuffix("| +0.521 | 0.142 | **contradicted** |") == true)
        #expect(report.contains("Rule: " + Comparison.rule))
        #expect(report.contains("At this scale the numbers go against the paper for: VAPO's entropy is lower than DAPO's late in training"))
    }

    @Test("The report's plots are well-formed SVG, one per metric, with a series for each configuration that reports the metric (DAPO has no critic loss)")
    func plots() throws {
        let folder = try Self.fixture()
        defer { Self.remove(folder) }
        _ = try Self.report(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("plots").path).sorted()
        #expect(names == [
            "accuracy.svg", "clip-fraction-above.svg", "clip-fraction-below.svg", "critic-loss.svg", "entropy.svg", "explained-variance.svg",
            "lambda-policy.svg", "response-length.svg", "score.svg",
        ])
        for name in names {
            let parsed = try #require(SVGElements.parse(try Self.text(folder, "plots/\(name)")), "\(name) is not well-formed")
            let series = parsed.all("g", class: "series").compactMap { $0.attributes["data-series"] }
            let critic = ["critic-loss.svg", "explained-variance.svg", "lambda-policy.svg"].contains(name)
            // Lines are drawn in reverse order (VAPO on top); the legend keeps the configurations' order.
            #expect(series == (critic ? ["vapo-no-clip-higher", "vapo"] : ["vapo-no-clip-higher", "dapo", "vapo"]), "\(name)")
            let legend = parsed.all("g", class: "legend-entry").compactMap { $0.attributes["data-series"] }
            #expect(legend == (critic ? ["vapo", "vapo-no-clip-higher"] : ["vapo", "dapo", "vapo-no-clip-higher"]), "\(name)")
        }
        let report = try Self.text(folder, "report.md")
        for name in names { #expect(report.contains("(plots/\(name))")) }
    }

    @Test("Same folder, same bytes: the report written twice, and written from a copy of the folder elsewhere, is identical")
    func deterministic() throws {
        let folder = try Self.fixture(), other = try Self.fixture()
        defer { Self.remove(folder); Self.remove(other) }
        _ = try Self.report(folder)
        let first = try Self.snapshot(folder)
        _ = try Self.report(folder)
        #expect(try Self.snapshot(folder) == first)
        _ = try Self.report(other)
        #expect(try Self.snapshot(other) == first)
    }

    /// Runs the built `vapo report` on `folder` and checks that it fails with one line naming `file` and
    /// leaves the folder's files as they were.
    static func refuses(_ folder: URL, naming file: String, _ comment: Comment) throws {
        let before = try snapshot(folder)
        let result = try ChildProcess.run(["report", folder.path], timeout: 60)
        #expect(result.status == 1, comment)
        #expect(result.errors.split(separator: "\n").count == 1, comment)
        #expect(result.firstErrorLine.hasPrefix("Error: vapo report: \(file)"), comment)
        #expect(result.output.isEmpty, comment)
        #expect(try snapshot(folder) == before, comment)
    }

    @Test("Bad input is refused with one line naming the file and exit status 1, and nothing in the folder is written or overwritten: a missing folder, an empty one, one without experiment.json, one whose experiment.json is malformed or of an unknown kind, a finished run whose metrics line is broken")
    func badInput() throws {
        let folder = try Self.fixture()
        defer { Self.remove(folder) }
        let scratch = folder.deletingLastPathComponent()
        let missing = scratch.appendingPathComponent("missing")
        let result = try ChildProcess.run(["report", missing.path], timeout: 60)
        #expect(result.status == 1 && result.firstErrorLine == "Error: vapo report: \(missing.path): no such folder; allowed: a folder written by vapo experiment")
        #expect(!FileManager.default.fileExists(atPath: missing.path))

        let empty = scratch.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try Self.refuses(empty, naming: "\(empty.path)/experiment.json: missing", "an empty folder")

        // A foreign folder with a previous report: neither the report nor the other files change.
        let foreign = scratch.appendingPathComponent("foreign")
        try FileManager.default.createDirectory(at: foreign.appendingPathComponent("plots"), withIntermediateDirectories: true)
        try Data("an older report\n".utf8).write(to: foreign.appendingPathComponent("report.md"))
        try Data("<svg/>\n".utf8).write(to: foreign.appendingPathComponent("plots/accuracy.svg"))
        try Self.refuses(foreign, naming: "\(foreign.path)/experiment.json: missing", "a folder without experiment.json")

        let description = folder.appendingPathComponent("experiment.json")
        let good = try Data(contentsOf: description)
        try Data("an older report\n".utf8).write(to: folder.appendingPathComponent("report.md"))
        try Data("{\"kind\": \"ablation\", \"steps\": 4,}".utf8).write(to: description)
        try Self.refuses(folder, naming: "\(description.path): not valid JSON: line 1, column 33: expected a string key", "malformed JSON")
        try Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"ablation\"", with: "\"sweep\"").utf8).write(to: description)
        try Self.refuses(folder, naming: "\(description.path): field \"kind\" is \"sweep\"; allowed: ablation, value-bias", "an unknown kind")
        try Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"steps\": 4,", with: "").utf8).write(to: description)
        try Self.refuses(folder, naming: "\(description.path): no field \"steps\"", "a missing field")

        try good.write(to: description)
        let metrics = folder.appendingPathComponent("runs/dapo/seed-1/metrics.jsonl")
        let handle = try FileHandle(forWritingTo: metrics)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"step\": 5, \"data\": {\"actor/entropy\": \"high\"}}\n".utf8))
        try handle.close()
        try Self.refuses(folder, naming: "\(metrics.path): line 6: \"actor/entropy\" is a string; allowed: a number or null", "a broken metrics line")
    }

    @Test("Per-step curves of runs of S steps are smoothed by a centred moving average over 2⌊S/60⌋ + 1 points, fewer at the ends: window 3 turns 0, 3, 6, 3 into 1.5, 3, 4, 4.5; below 60 steps the window is 1, no smoothing")
    func smoothing() throws {
        let points = [0.0, 3, 6, 3].enumerated().map { PlotPoint(x: Double($0.offset), y: $0.element, low: $0.element - 1, high: $0.element + 1) }
        let smoothed = ExperimentReport.smoothed(points, window: 3)
        #expect(smoothed.map(\.y) == [1.5, 3, 4, 4.5])
        #expect(smoothed.map(\.low) == [0.5, 2, 3, 3.5] && smoothed.map(\.x) == [0, 1, 2, 3])
        #expect(ExperimentReport.smoothed(points, window: 1) == points)
        let folder = try Self.fixture()
        defer { Self.remove(folder) }
        var experiment = try ExperimentFolder.load(folder)
        #expect(ExperimentReport(experiment).smoothingWindow == 1)
        var description = experiment.description
        for (steps, window) in [(59, 1), (60, 3), (120, 5), (600, 21)] {
            description.steps = steps
            experiment = ExperimentFolder(description: description, runs: experiment.runs)
            #expect(ExperimentReport(experiment).smoothingWindow == window)
        }
    }

    @Test("A value-bias folder's report shows accuracy, length and the critic probe's figures at the start and end, and plots the by-position bias when the metrics hold it, each configuration in its colour, solid at the start and dashed at the end")
    func valueBias() throws {
        let folder = try Self.fixture()
        defer { Self.remove(folder) }
        let description = folder.appendingPathComponent("experiment.json")
        let text = try String(contentsOf: description, encoding: .utf8).replacingOccurrences(of: "\"ablation\"", with: "\"value-bias\"")
        try Data(text.utf8).write(to: description)
        // Seed 0 and 1 of vapo get by-position bias figures at the start and the end.
        for (seed, bias) in [(0, 0.25), (1, 0.5)] {
            let metrics = folder.appendingPathComponent("runs/vapo/seed-\(seed)/metrics.jsonl")
            let handle = try FileHandle(forWritingTo: metrics)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((
                "{\"step\": 4, \"data\": {\"critic_probe/start/bias/0-15\": \(bias), \"critic_probe/start/bias/>=64\": \(2 * bias), "
                + "\"critic_probe/end/bias/0-15\": 0.0, \"critic_probe/end/bias/>=64\": 0.125}}\n").utf8))
            try handle.close()
        }
        _ = try Self.report(folder)
        let report = try Self.text(folder, "report.md")
        #expect(report.contains("# The value-bias story at toy scale (quick variant)"))
        #expect(report.contains("| `vapo` | 68.8 ± 8.8 | 0: 75.0, 1: 62.5 | 48.4 ± 2.2 | 15.000 ± 1.414 | 2 of 3 |"))
        #expect(report.contains("| `vapo` | start | – | 0.250 ± 0.000 | 0.125 ± 0.000 | – | – |"))
        #expect(report.contains("| configuration | phase | 0-15 | >=64 |"))
        #expect(report.contains("| `vapo` | start | 0.375 ± 0.177 | 0.750 ± 0.354 |"))
        let parsed = try #require(SVGElements.parse(try Self.text(folder, "plots/value-bias.svg")))
        #expect(parsed.all("g", class: "legend-entry").compactMap { $0.attributes["data-series"] } == ["vapo (start)", "vapo (end)"])
        // One configuration, one colour: solid at the start, dashed at the end.
        #expect(parsed.all("polyline").map { $0.attributes["stroke"] } == [LinePlot.palette[0], LinePlot.palette[0]])
        #expect(parsed.all("polyline").map { $0.attributes["stroke-dasharray"] != nil } == [true, false])
    }

    @Test("A value-bias folder's report plots the overall value bias against step from the probes' phases: the start probe's, every during probe's and the end probe's, one point each")
    func valueBiasDuringRL() throws {
        let folder = try Self.fixture()
        defer { Self.remove(folder) }
        let description = folder.appendingPathComponent("experiment.json")
        let text = try String(contentsOf: description, encoding: .utf8).replacingOccurrences(of: "\"ablation\"", with: "\"value-bias\"")
        try Data(text.utf8).write(to: description)
        for seed in [0, 1] {
            let metrics = folder.appendingPathComponent("runs/vapo/seed-\(seed)/metrics.jsonl")
            let handle = try FileHandle(forWritingTo: metrics)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((
                "{\"step\": 1, \"data\": {\"critic_probe/start/bias\": 0.5}}\n{\"step\": 2, \"data\": {\"critic_probe/during/bias\": 0.25}}\n"
                + "{\"step\": 4, \"data\": {\"critic_probe/end/bias\": \(0.125 * Double(seed + 1))}}\n").utf8))
            try handle.close()
        }
        _ = try Self.report(folder)
        let report = try Self.text(folder, "report.md")
        #expect(report.contains("![Value bias during RL (all probed positions)](plots/value-bias-during-rl.svg)"))
        let parsed = try #require(SVGElements.parse(try Self.text(folder, "plots/value-bias-during-rl.svg")))
        #expect(parsed.all("g", class: "legend-entry").compactMap { $0.attributes["data-series"] } == ["vapo"])
        let points = try #require(parsed.all("polyline").first?.attributes["points"]).split(separator: " ")
        #expect(points.count == 3, "steps 1, 2 and 4")
    }
}
