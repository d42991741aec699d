// Specs/rl-math.md, "Value loss and explained variance": explained variance.
/// How much of the returns' variance the critic explains, over every valid token of the WHOLE batch
/// (rl-math convention §8): EV = 1 − Var(R − V)/Var(R), verl's `vf_explained_var`.
///
/// Both variances use the same normalisation, so it cancels and EV = 1 − Σ(d − d̄)²/Σ(R − R̄)² with
/// d = R − V and the means over the valid tokens: exact on rationals. 1 means V predicts R up to a constant,
/// 0 means V explains nothing (V constant), negative means worse than a constant. When the returns do not vary
/// (all valid returns equal, including a single token) or there is no valid token, EV = 0, never NaN; the
/// equality is tested by comparison, so a Float mean that rounds away from the common value cannot make a
/// tiny nonzero denominator.
///
/// It is not additive over parts: pass the whole batch. The mean of micro-batch EVs is a different number.
public func explainedVariance<S: RLScalar>(values: [[S]], returns: [[S]], masks: [[Bool]]) -> S {
    TokenLayout.require(values, named: "values", matches: masks, in: "explainedVariance")
    TokenLayout.require(returns, named: "returns", matches: masks, in: "explainedVariance")
    var pairs: [(r: S, d: S)] = []
    for i in masks.indices {
        for t in masks[i].indices where masks[i][t] { pairs.append((returns[i][t], returns[i][t] - values[i][t])) }
    }
    guard let first = pairs.first, pairs.contains(where: { $0.r != first.r }) else { return .zero }
    let n = S(pairs.count)
    let meanR = pairs.reduce(S.zero) { $0 + $1.r } / n
    let meanD = pairs.reduce(S.zero) { $0 + $1.d } / n
    let residual = pairs.reduce(S.zero) { $0 + ($1.d - meanD) * ($1.d - meanD) }
    let total = pairs.reduce(S.zero) { $0 + ($1.r - meanR) * ($1.r - meanR) }
    // Not all equal makes `total` positive exactly; in Float it can still underflow to 0 (differences
    // below ~1e-19).
    return total > .zero ? S.one - residual / total : .zero
}
