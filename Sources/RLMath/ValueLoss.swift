// Specs/rl-math.md, "Value loss and explained variance": the value loss and value clipping.
/// Value clipping around the values the critic predicted when the batch was collected (PPO2's and verl's
/// `cliprange_value`): the clipped prediction is clip(V, V_old − c, V_old + c).
public struct ValueClipping<S: RLScalar>: Sendable {
    /// V_old per token.
    public let oldValues: [[S]]
    /// c ≥ 0; default 0.5 (verl's).
    public let range: S

    public init(oldValues: [[S]], range: S = S(1) / S(2)) {
        require(range >= .zero, "ValueClipping: range must be ≥ 0, got \(range)")
        self.oldValues = oldValues
        self.range = range
    }
}

/// The critic's loss of a part of a batch (rl-math convention §8):
/// 0.5·agg( max((V − R)², (clip(V, V_old − c, V_old + c) − R)²) ), or 0.5·agg((V − R)²) without clipping.
///
/// Sources: the squared-error value loss L^VF of PPO (Schulman et al. 2017, eq. 9); the clipped form of
/// OpenAI baselines' PPO2 and verl's `compute_value_loss`.
public struct ValueLoss<S: RLScalar>: TokenLoss {
    public let value: S
    /// ∂value/∂V per token: weight·(V − R) where the unclipped term attains the max (ties count as
    /// unclipped), 0 where the clipped term wins strictly.
    public let gradient: [[S]]
    /// Valid tokens where the clipped term wins strictly, divided by the whole batch's N (verl's
    /// vf_clipfrac; the parts sum to the batch's). 0 without clipping.
    public let clipFraction: S

    /// The loss of `values` V against the `returns` R (the critic's targets), both per token with `masks`.
    /// Masked positions of every input are never read.
    public init(
        values: [[S]], returns: [[S]], masks: [[Bool]], clipping: ValueClipping<S>? = nil,
        aggregation: LossAggregation = .tokenLevel, normalizer: LossNormalizer
    ) {
        TokenLayout.require(values, named: "values", matches: masks, in: "ValueLoss")
        TokenLayout.require(returns, named: "returns", matches: masks, in: "ValueLoss")
        if let clipping { TokenLayout.require(clipping.oldValues, named: "clipping.oldValues", matches: masks, in: "ValueLoss") }
        let half = S.one / S(2)
        var squares = [[S]](), slopes = [[S]](), clipped = [[S]]()
        for i in masks.indices {
            var square = [S](repeating: .zero, count: masks[i].count)
            var slope = square, wins = square
            for t in masks[i].indices where masks[i][t] {
                let v = values[i][t], r = returns[i][t]
                let unclipped = (v - r) * (v - r)
                square[t] = unclipped
                slope[t] = v - r
                guard let clipping else { continue }
                let old = clipping.oldValues[i][t]
                let limited = min(max(v, old - clipping.range), old + clipping.range)
                let clippedSquare = (limited - r) * (limited - r)
                // Inside the range clip(V) = V and the terms tie, so the clipped term can win only where V is
                // outside it — where clip(V) is a constant and the derivative is 0.
                if clippedSquare > unclipped {
                    square[t] = clippedSquare
                    slope[t] = .zero
                    wins[t] = .one
                }
            }
            squares.append(square)
            slopes.append(slope)
            clipped.append(wins)
        }
        let aggregate = normalizer.aggregate(squares, masks: masks, aggregation)
        value = half * aggregate.value
        // ∂(0.5·u²)/∂V = u·∂u/∂V with u = V − R: the 0.5 and the 2 cancel.
        gradient = zip(aggregate.tokenWeights, slopes).map { zip($0, $1).map(*) }
        clipFraction = normalizer.aggregate(clipped, masks: masks, .tokenLevel).value
    }
}
