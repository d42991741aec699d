// Specs/experiments.md, "vapo report": the report of an experiment folder, from its run folders alone.
import ArgumentParser
import Experiments
import Foundation

/// `vapo report RUN_DIR`: reads the experiment folder (experiment.json and every run's metrics) and writes
/// `RUN_DIR/report.md` and `RUN_DIR/plots/*.svg`. Bad input is refused before anything is written.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.md and plots/*.svg of an experiment folder (vapo experiment) from its runs' metrics alone.",
        discussion: """
            RUN_DIR holds experiment.json and runs/<configuration>/seed-<seed>/ (config.json, metrics.jsonl, and \
            finished.json once the run finished). Unfinished runs are listed in the report and left out of its \
            statistics. The same folder gives the same report, byte for byte.
            """)

    @Argument(help: "The experiment folder.") var folder: String

    func run() throws {
        for line in try Self.write(URL(fileURLWithPath: folder)) { output(line) }
    }

    /// Reads `url`, writes the report's files into it (each atomically), and returns the lines to print.
    static func write(_ url: URL) throws -> [String] {
        let experiment: ExperimentFolder
        do { experiment = try ExperimentFolder.load(url) } catch { throw CommandError("vapo report: \(error.description)") }
        let files = ExperimentReport(experiment).files()
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: url.appendingPathComponent("plots"), withIntermediateDirectories: true)
            for file in files { try Data(file.text.utf8).write(to: url.appendingPathComponent(file.path), options: .atomic) }
        } catch {
            throw CommandError("vapo report: cannot write into \(url.path): \(error.localizedDescription)")
        }
        let finished = experiment.runs.filter(\.isFinished).count
        return [
            "vapo report: \(finished) of \(experiment.runs.count) runs finished; wrote \(url.appendingPathComponent("report.md").path) "
                + "and \(files.count - 1) plots in \(url.appendingPathComponent("plots").path)"
        ]
    }
}
