// Specs/autograd.md, "Optimizers and schedules": warm-up, constant and cosine schedules.
/// A learning rate as a function of the step index (0 for the first update).
public protocol LearningRateSchedule: Sendable {
    func learningRate(atStep step: Int) -> Double
}

/// Linear warm-up from peak/warmupSteps to `peak` over `warmupSteps` steps, then constant.
public struct WarmupConstantSchedule: LearningRateSchedule, Equatable {
    public var peak: Double
    public var warmupSteps: Int
    public init(peak: Double, warmupSteps: Int) {
        precondition(warmupSteps >= 0, "warmupSteps must be ≥ 0")
        self.peak = peak
        self.warmupSteps = warmupSteps
    }
    public func learningRate(atStep step: Int) -> Double {
        step < warmupSteps ? peak * Double(step + 1) / Double(warmupSteps) : peak
    }
}

/// Linear warm-up as `WarmupConstantSchedule`, then a half cosine from `peak` down to `floor` at
/// `totalSteps`, and `floor` after that.
public struct WarmupCosineSchedule: LearningRateSchedule, Equatable {
    public var peak: Double
    public var warmupSteps: Int
    public var totalSteps: Int
    public var floor: Double
    public init(peak: Double, warmupSteps: Int, totalSteps: Int, floor: Double = 0) {
        precondition(warmupSteps >= 0 && totalSteps >= warmupSteps, "need 0 ≤ warmupSteps ≤ totalSteps")
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.floor = floor
    }
    public func learningRate(atStep step: Int) -> Double {
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        let span = totalSteps - warmupSteps
        let progress = span == 0 ? 1 : Swift.min(1, Double(step - warmupSteps) / Double(span))
        return floor + (peak - floor) * (1 + cosPi(progress)) / 2
    }
}

/// cos(π·p) for p in [0, 1], from Taylor series on a reduced argument |x| ≤ π/4 using only IEEE
/// arithmetic, so that the schedule (which feeds every parameter update) has the same bits everywhere;
/// libm's cos carries no such promise. Error < 1e-16 absolute.
func cosPi(_ p: Double) -> Double {
    precondition(p >= 0 && p <= 1, "cosPi expects p in [0, 1]")
    if p > 0.5 { return -cosPi(1 - p) }                        // cos(π − x) = −cos x
    if p > 0.25 { return taylorSine(Double.pi * (0.5 - p)) }   // cos(π/2 − x) = sin x
    return taylorCosine(Double.pi * p)
}

private func taylorCosine(_ x: Double) -> Double {
    let x2 = x * x
    var term = 1.0, sum = 1.0
    for k in stride(from: 2, through: 20, by: 2) {
        term *= -x2 / Double(k * (k - 1))
        sum += term
    }
    return sum
}

private func taylorSine(_ x: Double) -> Double {
    let x2 = x * x
    var term = x, sum = x
    for k in stride(from: 3, through: 21, by: 2) {
        term *= -x2 / Double(k * (k - 1))
        sum += term
    }
    return sum
}
