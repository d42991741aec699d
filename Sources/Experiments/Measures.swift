// Specs/experiments.md, "Measures": the per-run numbers the table and the claims compare.

/// A number computed from one finished run's metrics, with the rule that defines it.
public struct Measure: Sendable {
    public let name: String
    /// How it is computed, as the report states it.
    public let rule: String
    /// Whether a larger value is better (the paper's direction for "A beats B").
    public let higherIsBetter: Bool
    /// Shown multiplied by 100 with one decimal (accuracies, fractions), or with three decimals.
    public let percent: Bool
    public let value: @Sendable (RunRecord) -> Double?

    /// The value as the report prints it.
    public func format(_ value: Double) -> String { Measure.format(value, percent: percent) }

    public static func format(_ value: Double, percent: Bool) -> String {
        let text = percent ? String(format: "%.1f", value * 100) : String(format: "%.3f", value)
        return Double(text) == 0 ? (percent ? "0.0" : "0.000") : text
    }

    /// "mean ± sd" over `values` (one value alone: itself and "(1 seed)"; none: "–").
    public func summary(_ values: [Double]) -> String { Measure.summary(values, percent: percent) }

    public static func summary(_ values: [Double], percent: Bool) -> String {
        guard let mean = Statistics.mean(values) else { return "–" }
        guard let sd = Statistics.sampleStandardDeviation(values) else { return format(mean, percent: percent) + " (1 seed)" }
        return format(mean, percent: percent) + " ± " + format(sd, percent: percent)
    }

    /// The training steps s ≥ 1 of the last quarter of a run of S steps: 4s > 3S.
    public static func lastQuarter(_ step: Int, of steps: Int) -> Bool { step >= 1 && 4 * step > 3 * steps }

    /// A run's step count: finished.json's, else its last metrics step.
    static func steps(_ run: RunRecord) -> Int { run.finishedSteps ?? run.metrics.map(\.step).max() ?? 0 }

    /// Greedy pass@1 on the held-out set at the last step that has it.
    public static func finalAccuracy(key: String) -> Measure {
        Measure(
            name: "final held-out accuracy", rule: "greedy pass@1 on the held-out set (`\(key)`) at the run's last evaluated step",
            higherIsBetter: true, percent: true, value: { $0.metrics.last(key)?.value })
    }

    /// The area under the held-out accuracy curve, normalised by the step range.
    public static func accuracyAUC(key: String) -> Measure {
        Measure(
            name: "accuracy AUC",
            rule: "area under the held-out accuracy curve (trapezoid over the evaluated steps, step 0 included) divided by the step range: the mean accuracy over training",
            higherIsBetter: true, percent: true,
            value: { Statistics.areaUnderCurve($0.metrics.series(key).map { (Double($0.step), $0.value) }) })
    }

    /// Roughness of the rollout score: smaller is smoother.
    public static let scoreRoughness = Measure(
        name: "score roughness",
        rule: "mean absolute step-to-step change of the rollout score `critic/score/mean` over training steps 1…S (smaller = smoother)",
        higherIsBetter: false, percent: false,
        value: { Statistics.meanAbsoluteChange($0.metrics.series("critic/score/mean").filter { $0.step >= 1 }.map(\.value)) })

    /// Mean rollout score over training: larger is faster growth.
    public static let scoreAUC = Measure(
        name: "rollout-score AUC",
        rule: "area under the rollout-score curve `critic/score/mean` over steps 1…S (trapezoid) divided by the step range (larger = faster growth)",
        higherIsBetter: true, percent: false,
        value: { Statistics.areaUnderCurve($0.metrics.series("critic/score/mean").filter { $0.step >= 1 }.map { (Double($0.step), $0.value) }) })

    /// Mean of `key` over the last quarter of training steps.
    public static func lateMean(_ key: String, name: String, what: String, higherIsBetter: Bool) -> Measure {
        Measure(
            name: name, rule: "mean of `\(key)` over the last quarter of training steps (steps s with 4s > 3S, S the run's steps)\(what)",
            higherIsBetter: higherIsBetter, percent: false,
            value: { run in
                let steps = Measure.steps(run)
                return Statistics.mean(run.metrics.series(key).filter { Measure.lastQuarter($0.step, of: steps) }.map(\.value))
            })
    }

    public static let lateEntropy = lateMean("actor/entropy", name: "late entropy", what: " (lower = the paper's direction)", higherIsBetter: false)
    public static let lateLength = lateMean(
        "response_length/mean", name: "late response length", what: " (longer = the paper's length scaling)", higherIsBetter: true)
}
