// Specs/experiments.md, "The report": the plots of a report, one colour per configuration, mean ± sd bands.

/// A metric a report plots against step.
struct PlottedMetric {
    let file: String
    let key: String
    let title: String
    let yLabel: String
    /// Values are multiplied by this before plotting (100 for fractions shown in %).
    var scale = 1.0
    var yRange: ClosedRange<Double>? = nil
    /// Whether the metric is written every step (then long curves are smoothed), not only at evaluations.
    var everyStep = true
    /// Keys read at the steps where `key` is absent (one figure written under a key per phase).
    var alsoKeys: [String] = []
}

extension ExperimentReport {
    static let bandNote = "Line: mean over finished seeds. Band: mean ± 1 sample sd."

    func plottedMetrics() -> [PlottedMetric] {
        let accuracy = PlottedMetric(
            file: "accuracy", key: accuracyKey, title: "Held-out accuracy (greedy pass@1, \(description.task))", yLabel: "accuracy (%)",
            scale: 100, everyStep: false)
        let score = PlottedMetric(file: "score", key: "critic/score/mean", title: "Rollout score", yLabel: "mean score per response (reward)")
        let length = PlottedMetric(file: "response-length", key: "response_length/mean", title: "Response length", yLabel: "mean response length (tokens)")
        let entropy = PlottedMetric(file: "entropy", key: "actor/entropy", title: "Actor entropy", yLabel: "entropy (nats per token)")
        let loss = PlottedMetric(file: "critic-loss", key: "critic/vf_loss", title: "Critic loss", yLabel: "value loss (reward²)")
        let explained = PlottedMetric(
            file: "explained-variance", key: "critic/vf_explained_var", title: "Critic explained variance", yLabel: "explained variance (1 = perfect)")
        let lambda = PlottedMetric(file: "lambda-policy", key: "vapo/lambda_policy/mean", title: "λ_policy (Length-Adaptive GAE)", yLabel: "mean λ_policy")
        let below = PlottedMetric(
            file: "clip-fraction-below", key: "vapo/pg_clipfrac_below", title: "Clipped tokens below (ratio < 1 − ε_low)", yLabel: "clipped tokens (%)",
            scale: 100)
        let above = PlottedMetric(
            file: "clip-fraction-above", key: "vapo/pg_clipfrac_above", title: "Clipped tokens above (ratio > 1 + ε_high)", yLabel: "clipped tokens (%)",
            scale: 100)
        switch description.kind {
        case .ablation: return [accuracy, score, length, entropy, loss, explained, lambda, below, above]
        case .valueBias:
            let bias = PlottedMetric(
                file: "value-bias-during-rl", key: "critic_probe/start/bias", title: "Value bias during RL (all probed positions)",
                yLabel: "mean V − V_MC (reward)", everyStep: false, alsoKeys: ["critic_probe/during/bias", "critic_probe/end/bias"])
            return [accuracy, length, score, loss, explained, bias]
        }
    }

    /// The configurations of each plot: all in one when there are at most 6, or when they do not split into
    /// VAPO with the baselines and VAPO with its ablations (`vapo-no-…`); otherwise those two plots.
    func plotGroups() -> [(suffix: String, title: String, configurations: [String])] {
        let all = description.configurations
        let ablations = all.filter { $0.hasPrefix("vapo-no-") }, others = all.filter { !$0.hasPrefix("vapo-no-") }
        guard all.count > 6, all.contains("vapo"), !ablations.isEmpty, others.count > 1 else { return [("", "", all)] }
        return [("-baselines", ": VAPO and the baselines", others), ("-ablations", ": VAPO and its ablations", ["vapo"] + ablations)]
    }

    /// The width of the centred moving average of per-step curves: 2⌊S/60⌋ + 1 steps (1, no smoothing, below 60 steps).
    var smoothingWindow: Int { 2 * (description.steps / 60) + 1 }

    /// `points` with y, low and high each replaced by their mean over the centred window of `window` points
    /// (fewer at the ends).
    static func smoothed(_ points: [PlotPoint], window: Int) -> [PlotPoint] {
        guard window > 1 else { return points }
        let half = window / 2
        return points.indices.map { i in
            let part = Array(points[max(0, i - half)...min(points.count - 1, i + half)])
            return PlotPoint(
                x: points[i].x, y: Statistics.mean(part.map(\.y))!, low: Statistics.mean(part.map(\.low))!, high: Statistics.mean(part.map(\.high))!)
        }
    }

    /// The series of `keys` for `configurations`: at each step, the mean over the finished seeds that report it,
    /// and mean ± sd as the band when at least 2 do; smoothed over `window` steps. At a step the first of `keys`
    /// present is read. Configurations without any of the keys are left out.
    func series(_ keys: [String], scale: Double, _ configurations: [String], window: Int = 1) -> [PlotSeries] {
        configurations.compactMap { configuration in
            let colorIndex = description.configurations.firstIndex(of: configuration) ?? 0
            let perSeed = folder.finishedRuns(configuration).map { run in
                keys.reversed().reduce(into: [Int: Double]()) { byStep, key in
                    for (step, value) in run.metrics.series(key) { byStep[step] = value }
                }.sorted { $0.key < $1.key }.map { (step: $0.key, value: $0.value) }
            }
            let steps = Set(perSeed.flatMap { $0.map(\.step) }).sorted()
            guard !steps.isEmpty else { return nil }
            let lookups = perSeed.map { Dictionary($0.map { ($0.step, $0.value) }, uniquingKeysWith: { $1 }) }
            let points = steps.map { step in
                let values = lookups.compactMap { $0[step] }.map { $0 * scale }
                let mean = Statistics.mean(values)!
                let sd = Statistics.sampleStandardDeviation(values) ?? 0
                return PlotPoint(x: Double(step), y: mean, low: mean - sd, high: mean + sd)
            }
            return PlotSeries(name: configuration, colorIndex: colorIndex, points: Self.smoothed(points, window: window))
        }
    }

    /// Every plot of the report with its path (`plots/<metric><group>.svg`); a plot no configuration has data for
    /// is left out.
    func plotFiles() -> [(path: String, plot: LinePlot)] {
        var plots: [(String, LinePlot)] = []
        let xRange = 0...Double(max(description.steps, 1))
        for metric in plottedMetrics() {
            for group in plotGroups() {
                let window = metric.everyStep ? smoothingWindow : 1
                let series = series([metric.key] + metric.alsoKeys, scale: metric.scale, group.configurations, window: window)
                guard !series.isEmpty else { continue }
                let note = Self.bandNote + (window > 1 ? " Both smoothed by a centred moving average over \(window) steps." : "")
                let plot = LinePlot(
                    title: metric.title + group.title, xLabel: "RL step", yLabel: metric.yLabel, note: note, series: series,
                    xRange: Self.niceRange(xRange), yRange: metric.yRange)
                plots.append(("plots/\(metric.file)\(group.suffix).svg", plot))
            }
        }
        if description.kind == .valueBias, let bias = biasPlot() { plots.append(("plots/value-bias.svg", bias)) }
        return plots
    }

    /// 0…steps when steps is already a tick multiple, else widened to the next tick.
    static func niceRange(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
        LinePlot.niceDomain(range.lowerBound, range.upperBound)
    }

    /// The by-position bias at the start and the end of RL, one line per configuration and phase: the
    /// configuration's colour, solid at the start and dashed at the end.
    func biasPlot() -> LinePlot? {
        let buckets = biasBuckets()
        guard !buckets.isEmpty else { return nil }
        var series: [PlotSeries] = []
        for (index, configuration) in description.configurations.enumerated() {
            for (phaseIndex, phase) in ["start", "end"].enumerated() {
                let points = buckets.compactMap { bucket -> PlotPoint? in
                    let values = folder.finishedRuns(configuration).compactMap { $0.metrics.last("critic_probe/\(phase)/bias/\(bucket.label)")?.value }
                    guard let mean = Statistics.mean(values) else { return nil }
                    let sd = Statistics.sampleStandardDeviation(values) ?? 0
                    return PlotPoint(x: bucket.start, y: mean, low: mean - sd, high: mean + sd)
                }
                if !points.isEmpty {
                    series.append(PlotSeries(name: "\(configuration) (\(phase))", colorIndex: index, dashed: phaseIndex == 1, points: points))
                }
            }
        }
        guard !series.isEmpty else { return nil }
        return LinePlot(
            title: "Value bias by response position", xLabel: "response position (first token of the bucket)", yLabel: "mean V − V_MC (reward)",
            note: Self.bandNote, series: series)
    }
}
