// Specs/experiments.md, "Verdicts": a claim of the paper judged from per-seed numbers by a stated rule.

/// What the numbers say of a claim "A beats B".
public enum Verdict: String, Sendable, Equatable {
    /// The difference of means in the paper's direction exceeds twice the pooled standard error.
    case reproduced
    /// The difference of means in the other direction exceeds twice the pooled standard error.
    case contradicted
    /// Neither, or fewer than 2 finished seeds on a side.
    case inconclusive
}

/// A claim "A beats B" on one measure, with the per-seed values of both sides.
public struct Comparison: Sendable {
    /// Per-seed values of A and of B (finished runs only).
    public let a: [Double]
    public let b: [Double]
    /// Whether "beats" means a larger value (accuracy) or a smaller one (entropy, roughness).
    public let higherIsBetter: Bool

    public init(a: [Double], b: [Double], higherIsBetter: Bool = true) {
        self.a = a
        self.b = b
        self.higherIsBetter = higherIsBetter
    }

    /// The statement of the rule, as the report prints it.
    public static let rule =
        "a claim \"A beats B\" is **reproduced** when the difference of the means over seeds, in the paper's direction, "
        + "exceeds twice the pooled standard error of the difference (d > 2·SE), **contradicted** when it does so in the "
        + "other direction (d < −2·SE), and **inconclusive** otherwise, and always when a side has fewer than 2 finished "
        + "seeds. SE = √(s²ₚ (1/n_A + 1/n_B)), s²ₚ = ((n_A − 1) s²_A + (n_B − 1) s²_B) / (n_A + n_B − 2), s the sample "
        + "standard deviation."

    /// Whether a side has fewer than 2 values.
    public var tooFewSeeds: Bool { a.count < 2 || b.count < 2 }

    /// mean(A) − mean(B) in the measure's own units (not signed by the direction); nil when a side is empty.
    public var difference: Double? {
        guard let ma = Statistics.mean(a), let mb = Statistics.mean(b) else { return nil }
        return ma - mb
    }

    /// The pooled standard error of the difference; nil with fewer than 2 values on a side.
    public var standardError: Double? { Statistics.pooledStandardError(a, b) }

    /// The rule's outcome.
    public var verdict: Verdict {
        guard !tooFewSeeds, let difference, let standardError else { return .inconclusive }
        let d = higherIsBetter ? difference : -difference
        if d > 2 * standardError { return .reproduced }
        if d < -2 * standardError { return .contradicted }
        return .inconclusive
    }

    /// The verdict as the report writes it: with the reason when a side has too few seeds.
    public var verdictText: String {
        tooFewSeeds ? "inconclusive (fewer than 2 finished seeds measured)" : verdict.rawValue
    }
}
