// Specs/experiments.md, "The report": report.md, section by section.
import Foundation

extension ExperimentReport {
    func markdown(plots: [(path: String, plot: LinePlot)]) -> String {
        var lines: [String] = []
        let d = description
        let title = d.kind == .ablation ? "VAPO's ablations at toy scale" : "The value-bias story at toy scale"
        lines.append("# \(title)\(d.quick ? " (quick variant)" : "")")
        lines.append("")
        lines.append("Written by `vapo report` from the run folders alone (no retraining): the same folder gives the same bytes. "
            + "Unfinished runs are listed and left out of every statistic.")
        lines.append("")
        lines += settingLines()
        lines.append("")
        switch d.kind {
        case .ablation: lines += ablationLines()
        case .valueBias: lines += valueBiasLines()
        }
        lines.append("")
        lines.append("## Plots")
        lines.append("")
        lines.append("Each line is the mean over a configuration's finished seeds; the band around it is mean ± one sample standard deviation over those seeds (no band with a single seed)"
            + (smoothingWindow > 1 ? "; curves of per-step metrics (all but held-out accuracy) are smoothed by a centred moving average over \(smoothingWindow) steps (2⌊S/60⌋ + 1), the statistics above never." : ".")
            + (plotGroups().count > 1 ? " With more than six configurations each metric has two plots: VAPO with the baselines, and VAPO with its ablations." : ""))
        lines.append("")
        for (path, plot) in plots { lines.append("![\(plot.title)](\(path))") }
        lines.append("")
        lines += runLines()
        return lines.joined(separator: "\n") + "\n"
    }

    func settingLines() -> [String] {
        let d = description
        var lines = ["## Setting", ""]
        lines.append("- Command: `\(d.command)`")
        lines.append("- Revision: \(d.revision)")
        lines.append("- CPU: \(d.cpu)")
        lines.append("- Task: \(d.task); \(d.steps) RL steps per run; seeds \(d.seeds.map(String.init).joined(separator: ", "))\(d.quick ? "; quick variant" : "")")
        lines.append("- Configurations: " + d.configurations.map { "`\($0)`" }.joined(separator: ", "))
        if d.settings.isEmpty {
            lines.append("- Shared settings: the presets' defaults")
        } else {
            lines.append("- Shared settings (every configuration): " + d.settings.map { "`\($0.name)` \($0.value)" }.joined(separator: ", "))
        }
        let finished = folder.runs.filter(\.isFinished)
        lines.append("- Runs finished: \(finished.count) of \(folder.runs.count)")
        let whole = finished.filter { !$0.resumed }, resumed = finished.filter(\.resumed)
        if let longest = whole.max(by: { ($0.seconds!, $1.path) < ($1.seconds!, $0.path) }) {
            let total = whole.reduce(0) { $0 + $1.seconds! }
            let runs = resumed.isEmpty ? "the finished runs" : "the \(whole.count) finished runs that ran without a stop"
            lines.append("- Wall time: \(Self.duration(total)) summed over \(runs); the longest, `\(longest.path)`, \(Self.duration(longest.seconds!))")
        } else {
            lines.append("- Wall time: no run has finished without a stop")
        }
        if !resumed.isEmpty {
            // A resumed run's finished.json times only its last segment; the earlier ones went untimed.
            let total = resumed.reduce(0) { $0 + $1.seconds! }
            lines.append("- Resumed runs: \(resumed.count), stopped and carried on with `vapo train --resume`; only their last segments are timed (\(Self.duration(total)) summed), so the wall time above leaves them out")
        }
        return lines
    }

    /// The table like the paper's Table 1, the claims and the rule.
    func ablationLines() -> [String] {
        let final = Measure.finalAccuracy(key: accuracyKey), auc = Measure.accuracyAUC(key: accuracyKey)
        var lines = ["## Table 1 at toy scale", ""]
        lines.append("Final held-out accuracy: \(final.rule), in %. AUC: \(auc.rule), in %. "
            + "The paper's number is AIME 2024 (avg@32, %) at 32B scale: it gives the paper's ranking, not a number to match.")
        lines.append("")
        lines.append("| configuration | paper AIME 2024 | final accuracy, mean ± sd | per seed | accuracy AUC, mean ± sd | finished seeds |")
        lines.append("| --- | ---: | ---: | --- | ---: | ---: |")
        for configuration in description.configurations {
            let runs = folder.finishedRuns(configuration)
            let perSeed = Self.perSeed(final, runs)
            let paper = PaperTable.aime2024[configuration].map(Self.number) ?? ""
            lines.append("| `\(configuration)` | \(paper) | \(final.summary(values(final, configuration))) | \(perSeed.isEmpty ? "–" : perSeed) | "
                + "\(auc.summary(values(auc, configuration))) | \(runs.count) of \(description.seeds.count) |")
        }
        lines.append("")
        lines += claimLines()
        return lines
    }

    func claimLines() -> [String] {
        let claims = claims()
        var lines = ["## Claims", ""]
        lines.append("Rule: " + Comparison.rule)
        lines.append("")
        guard !claims.isEmpty else {
            lines.append("No claim can be judged: the experiment has no `vapo` configuration.")
            return lines
        }
        lines.append("Measures:")
        var seen: Set<String> = []
        for claim in claims where seen.insert(claim.measure.name).inserted {
            lines.append("- \(claim.measure.name): \(claim.measure.rule)\(claim.measure.percent ? ", in %" : "").")
        }
        lines.append("")
        lines.append("| claim | paper | measure | A | B | d = mean(A) − mean(B) | 2·SE | verdict |")
        lines.append("| --- | --- | --- | ---: | ---: | ---: | ---: | --- |")
        for claim in claims {
            let c = claim.comparison, m = claim.measure
            let a = "`\(claim.a)` \(m.summary(c.a)) (n = \(c.a.count))", b = "`\(claim.b)` \(m.summary(c.b)) (n = \(c.b.count))"
            let d = c.difference.map { (($0 >= 0 ? "+" : "") + m.format($0)) } ?? "–"
            let se = c.standardError.map { m.format(2 * $0) } ?? "–"
            lines.append("| \(claim.statement) | \(claim.paper) | \(m.name) | \(a) | \(b) | \(d) | \(se) | **\(c.verdictText)** |")
        }
        lines.append("")
        let count = { (v: Verdict) in claims.filter { $0.comparison.verdict == v }.count }
        lines.append("Summary: \(count(.reproduced)) reproduced, \(count(.contradicted)) contradicted, \(count(.inconclusive)) inconclusive, of \(claims.count) claims.")
        let contradicted = claims.filter { $0.comparison.verdict == .contradicted }
        if !contradicted.isEmpty {
            lines.append("")
            lines.append("At this scale the numbers go against the paper for: " + contradicted.map(\.statement).joined(separator: "; ") + ".")
        }
        return lines
    }

    /// The value-bias report: accuracy and length, the critic probe's figures at the start and the end of RL,
    /// and the by-position bias where the metrics hold it.
    func valueBiasLines() -> [String] {
        let final = Measure.finalAccuracy(key: accuracyKey), auc = Measure.accuracyAUC(key: accuracyKey)
        let length = Measure.lateMean("response_length/mean", name: "late response length", what: "", higherIsBetter: true)
        var lines = ["## Accuracy and length", ""]
        lines.append("Final held-out accuracy: \(final.rule), in %. AUC: \(auc.rule), in %. Late length: \(length.rule), in tokens.")
        lines.append("")
        lines.append("| configuration | final accuracy, mean ± sd | per seed | accuracy AUC, mean ± sd | late response length | finished seeds |")
        lines.append("| --- | ---: | --- | ---: | ---: | ---: |")
        for configuration in description.configurations {
            let runs = folder.finishedRuns(configuration)
            let perSeed = Self.perSeed(final, runs)
            lines.append("| `\(configuration)` | \(final.summary(values(final, configuration))) | \(perSeed.isEmpty ? "–" : perSeed) | "
                + "\(auc.summary(values(auc, configuration))) | \(length.summary(values(length, configuration))) | \(runs.count) of \(description.seeds.count) |")
        }
        lines.append("")
        lines.append("## The critic against Monte-Carlo values")
        lines.append("")
        lines.append("From the critic probe's metrics (`critic_probe/<phase>/…`, phase `start`: as RL starts, after any Value-Pretraining; `end`: after the last step), mean ± sd over finished seeds. "
            + "Bias: mean V − V_MC over the probed prefixes; EV: explained variance of V against V_MC and against the responses' returns; first-error change: the critic's value change at a response's first error (V_MC's beside it).")
        lines.append("")
        let probe: [(String, String)] = [
            ("bias", "bias"), ("ev_vmc", "EV vs V_MC"), ("ev_returns", "EV vs returns"),
            ("first_error_drop", "first-error change"), ("first_error_drop_vmc", "first-error change of V_MC"),
        ]
        lines.append("| configuration | phase | " + probe.map(\.1).joined(separator: " | ") + " |")
        lines.append("| --- | --- |" + String(repeating: " ---: |", count: probe.count))
        for configuration in description.configurations {
            for phase in ["start", "end"] {
                let cells = probe.map { key, _ in
                    Measure.summary(folder.finishedRuns(configuration).compactMap { $0.metrics.last("critic_probe/\(phase)/\(key)")?.value }, percent: false)
                }
                lines.append("| `\(configuration)` | \(phase) | " + cells.joined(separator: " | ") + " |")
            }
        }
        lines.append("")
        lines.append("## Value bias by response position")
        lines.append("")
        let buckets = biasBuckets()
        if buckets.isEmpty {
            lines.append("The metrics hold no by-position bias (keys `critic_probe/<phase>/bias/<bucket>`), so none is shown.")
        } else {
            lines.append("Mean V − V_MC over the probed prefixes whose response position lies in each bucket (tokens), mean ± sd over finished seeds.")
            lines.append("")
            lines.append("| configuration | phase | " + buckets.map(\.label).joined(separator: " | ") + " |")
            lines.append("| --- | --- |" + String(repeating: " ---: |", count: buckets.count))
            for configuration in description.configurations {
                for phase in ["start", "end"] {
                    let cells = buckets.map { bucket in
                        Measure.summary(folder.finishedRuns(configuration).compactMap { $0.metrics.last("critic_probe/\(phase)/bias/\(bucket.label)")?.value }, percent: false)
                    }
                    lines.append("| `\(configuration)` | \(phase) | " + cells.joined(separator: " | ") + " |")
                }
            }
        }
        lines.append("")
        lines.append("This experiment shows the figures; it judges no claim.")
        return lines
    }

    /// The position buckets named by any finished run's `critic_probe/<phase>/bias/<bucket>` keys, ordered by
    /// their first position ("0-15" → 0, ">=64" → 64).
    func biasBuckets() -> [(label: String, start: Double)] {
        var labels: Set<String> = []
        for run in folder.runs where run.isFinished {
            for record in run.metrics {
                for key in record.values.keys {
                    for phase in ["start", "end"] where key.hasPrefix("critic_probe/\(phase)/bias/") {
                        labels.insert(String(key.dropFirst("critic_probe/\(phase)/bias/".count)))
                    }
                }
            }
        }
        return labels.compactMap { label in Self.bucketStart(label).map { (label, $0) } }.sorted { ($0.start, $0.label) < ($1.start, $1.label) }
    }

    /// The first position of a bucket label "a-b" or ">=a".
    static func bucketStart(_ label: String) -> Double? {
        if label.hasPrefix(">=") { return Double(label.dropFirst(2)) }
        return label.split(separator: "-").first.flatMap { Double($0) }
    }

    /// A measure's value on each run, "seed: value", runs in order (empty when none has it).
    static func perSeed(_ measure: Measure, _ runs: [RunRecord]) -> String {
        runs.compactMap { run in measure.value(run).map { "\(run.seed): \(measure.format($0))" } }.joined(separator: ", ")
    }

    func runLines() -> [String] {
        var lines = ["## Runs", ""]
        lines.append("| run | status | steps | wall time |")
        lines.append("| --- | --- | ---: | ---: |")
        for run in folder.runs {
            if run.isFinished {
                lines.append("| `\(run.path)` | finished\(run.resumed ? " (resumed)" : "") | \(run.finishedSteps!) | \(run.resumed ? "last segment " : "")\(Self.duration(run.seconds!)) |")
            } else if let last = run.metrics.map(\.step).max() {
                lines.append("| `\(run.path)` | unfinished (left out) | \(last) of \(description.steps) | – |")
            } else {
                lines.append("| `\(run.path)` | not started (left out) | – | – |")
            }
        }
        return lines
    }
}
