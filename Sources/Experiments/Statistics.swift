// Specs/experiments.md, "Statistics": means, spreads and areas over seeds and steps.

/// The statistics of a report, in the order of the formulas of Specs/experiments.md so that hand-made numbers
/// give exact results.
public enum Statistics {
    /// (Σ xᵢ) / n, summed in order; nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The sample variance Σ (xᵢ − x̄)² / (n − 1); nil for fewer than 2 values.
    public static func sampleVariance(_ values: [Double]) -> Double? {
        guard values.count >= 2, let m = mean(values) else { return nil }
        return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
    }

    /// The sample standard deviation √(sample variance); nil for fewer than 2 values.
    public static func sampleStandardDeviation(_ values: [Double]) -> Double? {
        sampleVariance(values)?.squareRoot()
    }

    /// The pooled standard error of mean(a) − mean(b): √(s²ₚ (1/n_a + 1/n_b)) with
    /// s²ₚ = ((n_a − 1) s²_a + (n_b − 1) s²_b) / (n_a + n_b − 2); nil when either side has fewer than 2 values.
    public static func pooledStandardError(_ a: [Double], _ b: [Double]) -> Double? {
        guard let va = sampleVariance(a), let vb = sampleVariance(b) else { return nil }
        let na = Double(a.count), nb = Double(b.count)
        let pooled = ((na - 1) * va + (nb - 1) * vb) / (na + nb - 2)
        return (pooled * (1 / na + 1 / nb)).squareRoot()
    }

    /// The area under the curve through `points` (step, value) by the trapezoid rule, divided by the step range
    /// (last step − first step): the curve's mean value over the steps. Points are taken in step order; a single
    /// point gives its value; nil for none.
    public static func areaUnderCurve(_ points: [(step: Double, value: Double)]) -> Double? {
        let sorted = points.sorted { $0.step < $1.step }
        guard let first = sorted.first, let last = sorted.last else { return nil }
        guard last.step > first.step else { return first.value }
        var area = 0.0
        for i in 1..<sorted.count {
            area += (sorted[i].step - sorted[i - 1].step) * (sorted[i].value + sorted[i - 1].value) / 2
        }
        return area / (last.step - first.step)
    }

    /// The mean absolute step-to-step change (1/(n − 1)) Σ |xᵢ₊₁ − xᵢ|; nil for fewer than 2 values.
    public static func meanAbsoluteChange(_ values: [Double]) -> Double? {
        guard values.count >= 2 else { return nil }
        var total = 0.0
        for i in 1..<values.count { total += abs(values[i] - values[i - 1]) }
        return total / Double(values.count - 1)
    }
}
