import ArgumentParser
import Foundation
import Kernels
import Tasks
import Training

/// `vapo sft`: supervised warm-up of a policy on a task's teacher traces, with held-out evaluation.
struct SFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft",
        abstract: "Supervised fine-tuning on teacher traces (loss on response tokens only), with held-out evaluation.",
        discussion: """
            Prints one line per evaluation (step, mean training loss since the last line, held-out greedy \
            accuracy, elapsed seconds), then writes DIR/policy.safetensors, DIR/config.json (the resolved \
            configuration) and DIR/evaluation.txt (greedy pass@1 and mean@k per task and trace-length bucket), \
            and prints that table. Every unset flag takes the default shown.
            """)

    @OptionGroup var options: SFTOptions
    @Option(help: "Output directory.") var out = "runs/sft"
    @Option(help: "Worker threads (1...\(Parallel.maximumThreadCount)); results do not depend on it.") var threads: Int?

    func validate() throws {
        _ = try options.resolved()
        if let threads, !(1...Parallel.maximumThreadCount).contains(threads) {
            throw ValidationError("--threads is \(threads); allowed: 1...\(Parallel.maximumThreadCount)")
        }
        guard !out.isEmpty else { throw ValidationError("--out is empty; allowed: a directory path") }
    }

    func run() throws {
        if let threads { Parallel.threadCount = threads }
        let resolved = try options.resolved()
        let configuration = resolved.configuration
        let checkpointPath = out + "/policy.safetensors"
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("--out \(out): cannot create the directory (\(error.localizedDescription))")
        }
        let m = configuration.model
        output("sft: \(configuration.task) difficulties \(describe(resolved)), GPT \(m.layers) layers × width \(m.width), "
            + "\(m.heads) heads, batch \(configuration.batchSize), lr \(configuration.learningRate), \(configuration.steps) steps, "
            + "seed \(configuration.seed), \(Parallel.threadCount) thread(s)")
        let outcome = try SFTRun.run(configuration) { progress in
            output(String(
                format: "step %6d  loss %.4f  held-out greedy %5.1f%%  elapsed %7.1f s", progress.step, progress.loss,
                100 * progress.accuracy, progress.elapsed))
        }
        try outcome.checkpoint.write(to: checkpointPath)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(configuration).write(to: URL(fileURLWithPath: out + "/config.json"))
        try (outcome.report.table + "\n").write(toFile: out + "/evaluation.txt", atomically: true, encoding: .utf8)
        output(String(
            format: "stopped (%@) after %d steps, %.1f s; wrote %@", outcome.stop.rawValue, outcome.checkpoint.step,
            outcome.trainingSeconds, checkpointPath))
        output(outcome.report.table)
    }

    private func describe(_ resolved: ResolvedSFTConfiguration) -> String {
        "\(resolved.difficulties.lowerBound)...\(resolved.difficulties.upperBound), sequence length \(resolved.sequenceLength)"
    }
}

/// Writes a line to standard output unbuffered, so progress shows at once when the output is a pipe or a file.
func output(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
