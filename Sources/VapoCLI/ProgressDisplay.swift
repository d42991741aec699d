// Specs/vapo.md, "The command line: `vapo train`": the progress lines.
import Foundation
import VAPO

/// One progress line per training step. On a terminal the line is rewritten in place (carriage return and
/// erase-to-end-of-line), and steps with an evaluation are kept; otherwise every step is a plain line, so a
/// log file or a pipe gets readable text with no control characters.
struct ProgressDisplay {
    /// Whether standard output is a terminal.
    let live: Bool
    /// Whether a live line is on screen without its newline yet.
    private var open = false
    /// Where the text goes (standard output, flushed at once: a piped log shows each line as it happens).
    private let write: (String) -> Void

    init(live: Bool = isatty(STDOUT_FILENO) != 0, write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.live = live
        self.write = write
    }

    /// The line of a step: step, mean reward, held-out accuracy (when evaluated), rollout accuracy, mean
    /// response length, elapsed and estimated remaining time.
    static func line(step: Int, of steps: Int, metrics: [String: Double], accuracyKey: String, elapsed: Double, left: Double) -> String {
        func value(_ key: MetricKey, _ format: String) -> String { formatted(metrics, key.rawValue, format) }
        let heldOut = metrics[accuracyKey].map { String(format: "%5.1f%%", 100 * $0) } ?? "     -"
        return "step \(String(format: "%4d", step))/\(steps)  reward \(value(MetricKey.score.mean, "%+.3f"))"
            + "  held-out \(heldOut)  rollout acc \(value(.accuracy, "%5.3f"))"
            + "  length \(value(MetricKey.responseLength.mean, "%5.1f"))  \(clock(elapsed)) elapsed, \(clock(left)) left"
    }

    /// What the progress line's columns mean, printed once at the start of a run.
    static func legend(_ c: TrainingConfiguration) -> String {
        let evaluation = c.evalEvery > 0 && c.evalProblems > 0
            ? "greedy pass@1 on \(c.evalProblems) held-out problems, every \(c.evalEvery) steps and at the last"
            : "greedy pass@1 on \(c.evalProblems) held-out problems, at the start and the end only"
        return "columns: step/total; reward = mean reward of the step's responses (correct \(c.rewardCorrect), wrong \(c.rewardIncorrect)"
            + (c.overlongPunishment ? ", less DAPO's overlong penalty" : "") + "); held-out = \(c.evalProblems > 0 ? evaluation : "none (evalProblems is 0)"); "
            + "rollout acc = fraction of the step's sampled responses that verify; length = mean response tokens; time elapsed since the command started, and left"
    }

    /// The line of a set-up step (a `reward_model/*` or a `value_pretrain/*` record): the phase, its step out
    /// of the configured budget, the step's measures on its fresh batch, and the elapsed time.
    static func setUpLine(_ record: [String: Double], configuration c: TrainingConfiguration, elapsed: Double) -> String {
        func value(_ key: MetricKey, _ format: String) -> String { formatted(record, key.rawValue, format) }
        if let step = record[.rewardModelStep] {
            return "set-up: reward model \(Int(step) + 1)/\(c.rewardModelSteps)  loss \(value(.rewardModelLoss, "%.4f"))"
                + "  accuracy \(value(.rewardModelAccuracy, "%5.3f"))  \(clock(elapsed)) elapsed"
        }
        let step = Int(record[.valuePretrainingStep] ?? 0)
        return "set-up: value pretraining \(step + 1)/\(c.valuePretrainingSteps)  vf_loss \(value(.valuePretrainingLoss, "%.4f"))"
            + "  explained var \(value(.valuePretrainingExplainedVariance, "%+.3f")) (stops at \(c.valuePretrainingExplainedVariance))"
            + "  \(clock(elapsed)) elapsed"
    }

    /// `metrics[key]` printed with `format`, or "-" when the record does not have it.
    private static func formatted(_ metrics: [String: Double], _ key: String, _ format: String) -> String {
        metrics[key].map { String(format: format, $0) } ?? "-"
    }

    /// Shows one step's line.
    mutating func show(_ line: String, keep: Bool) {
        if live {
            write("\r" + line + "\u{1B}[K" + (keep ? "\n" : ""))
            open = !keep
        } else {
            write(line + "\n")
        }
    }

    /// Ends a live display (moves to a fresh line).
    mutating func finish() {
        if open { write("\n") }
        open = false
    }

    /// `m:ss` (or `h:mm:ss`).
    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
