import Autograd
import RLMath

// The losses rebuilt in the tests from Autograd's primitive ops on [sequences, tokens] Double tensors,
// independently of RLMath's loops (only the configuration values are read from RLMath's types), so that the
// tape's gradient of each is an independent check of the hand-derived gradient.

/// rl-math convention §7 from tensor ops: masked positions are removed by selection (so padding never leaks), then
/// summed with the counts taken from `masks` here.
func composedAggregate(_ x: Tensor<Double>, masks: [[Bool]], _ aggregation: LossAggregation) -> Tensor<Double> {
    let masked = Tensor.select(maskTensor(masks), x, Tensor(0))
    let lengths = masks.map { Double($0.filter { $0 }.count) }
    let tokens = lengths.reduce(0, +), sequences = Double(masks.count)
    switch aggregation {
    case .tokenLevel:
        return masked.sum() / Swift.max(tokens, 1)
    case .sampleLevel:
        let divisors = Tensor(shape: [masks.count], scalars: lengths.map { Swift.max($0, 1) })
        return (masked.sum(alongAxis: 1) / divisors).sum() / Swift.max(sequences, 1)
    case .sequenceSum:
        return masked.sum() / Swift.max(sequences, 1)
    }
}

/// Per-token clipped surrogate: max(−A·r, −A·clip(r)), then where A < 0 min(·, −A·c). `Tensor.maximum` and
/// `minimum` give ties to their first operand, which is the convention: ties count as unclipped, and the
/// dual clip takes over only when the loss exceeds −A·c strictly.
func composedSurrogate(
    ratios r: Tensor<Double>, advantages a: Tensor<Double>, _ surrogate: ClippedSurrogate<Double>
) -> Tensor<Double> {
    let unclipped = -(a * r)
    let clipped = -(a * r.clamped(1 - surrogate.epsilonLow, 1 + surrogate.epsilonHigh))
    let loss = Tensor.maximum(unclipped, clipped)
    guard let c = surrogate.dualClip else { return loss }
    return Tensor.select(a.compared(.less, Tensor(0)), Tensor.minimum(loss, -(a * c)), loss)
}

/// The ratio of the training path, r = exp(clamp(logp − old, −20, 20)).
func composedRatio(logProbabilities: Tensor<Double>, old: Tensor<Double>) -> Tensor<Double> {
    (logProbabilities - old).clamped(-20, 20).exp()
}

/// 0.5·agg(max((V − R)², (clip(V, V_old − c, V_old + c) − R)²)), or 0.5·agg((V − R)²) without V_old.
func composedValueLoss(
    values v: Tensor<Double>, returns: Tensor<Double>, oldValues: Tensor<Double>?, range c: Double,
    masks: [[Bool]], _ aggregation: LossAggregation
) -> Tensor<Double> {
    var perToken = (v - returns).squared()
    if let oldValues {
        let limited = Tensor.minimum(Tensor.maximum(v, oldValues - c), oldValues + c)
        perToken = Tensor.maximum(perToken, (limited - returns).squared())
    }
    return composedAggregate(perToken, masks: masks, aggregation) * 0.5
}

/// −(1/N_T)·Σ over correct responses' valid tokens of logp (0 when there is none).
func composedPositiveExampleLoss(logProbabilities: Tensor<Double>, masks: [[Bool]], correct: [Bool]) -> Tensor<Double> {
    let positives = zip(masks, correct).map { mask, isCorrect in mask.map { $0 && isCorrect } }
    let count = positives.reduce(0) { $0 + $1.filter { $0 }.count }
    return -Tensor.select(maskTensor(positives), logProbabilities, Tensor(0)).sum() / Swift.max(Double(count), 1)
}
