import Autograd
import PropertyBased
import PropertyTesting
import RLMath
import RLTape
import Testing

/// `Tensor.recordingLoss`: the production losses on the tape that training differentiates.
@Suite("RL losses on the Autograd tape")
struct TapeBridgeTests {
    static let seed = Gen.int(in: 0...1_000_000)

    @Test("sequenceRows and recordingLoss stop on an input that is not [sequences, tokens], or a loss laid out otherwise, with a message naming the function and the shapes")
    func shapeChecks() async {
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = Tensor<Double>(shape: [2], scalars: [0, 0]).sequenceRows
            }, says: "sequenceRows needs a [sequences, tokens] tensor, got shape [2]")
        PreconditionTests.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                let loss = PositiveExampleLoss<Double>(
                    logProbabilities: [[-1]], masks: [[true]], correct: [true],
                    normalizer: LossNormalizer(wholeBatchMasks: [[true]], correct: [true]))
                _ = Tensor<Double>(shape: [1, 2], scalars: [0, 0]).recordingLoss(loss)
            }, says: "recordingLoss: the loss's gradient is not laid out as the input [1, 2]")
    }

    /// "Bit for bit" up to the sign of zero: the tape accumulates into zeroed buffers and 0 + (−0) = +0.
    @Test("recordingLoss gives the loss's value and hands its gradient to the tape bit for bit, in Float")
    func bitForBit() async {
        await checkProperty(count: 30, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let (g, t) = (random.integer(1...4), random.integer(1...7))
            let masks = random.masks(sequences: g, length: t)
            let correct = masks.map { _ in random.coin() }
            func floats(_ numerators: ClosedRange<Int>, _ denominator: Int) -> [[Float]] {
                random.values(like: masks, padding: 0) { $0.fraction(numerators, over: denominator) }.map { $0.map(Float.init) }
            }
            let (logp, old, advantages) = (floats(-40...0, 10), floats(-40...0, 10), floats(-20...20, 10))
            let normalizer = LossNormalizer(wholeBatchMasks: masks, correct: correct)
            let actor = ActorLoss(
                policy: PolicyLoss(
                    logProbabilities: logp, oldLogProbabilities: old, advantages: advantages, masks: masks,
                    surrogate: ClippedSurrogate(dualClip: 3), normalizer: normalizer),
                positiveExample: PositiveExampleLoss(logProbabilities: logp, masks: masks, correct: correct, normalizer: normalizer))
            let tape = Tape<Float>()
            let input = tape.variable(Tensor(shape: [g, t], scalars: logp.flatMap { $0 }))
            let loss = input.recordingLoss(actor)
            #expect(loss.shape == [] && loss.scalar.bitPattern == actor.value.bitPattern)
            let gradient = tape.gradients(of: loss, withRespectTo: [input])[0]
            let normalised = actor.gradient.flatMap { $0 }.map { $0 == 0 ? 0 : $0 }
            #expect(gradient.scalars.map(\.bitPattern) == normalised.map(\.bitPattern))
        }
    }

    /// Both sides compute the same function in Double and differ only by rounding (a few ulps per token before
    /// the shared log-softmax backward): norm-wise relative difference ≤ 1e-12.
    @Test("through recordingLoss the tape carries the hand-derived gradients on to the logits and the critic's inputs, as the losses composed from primitives do")
    func chainsToParameters() async {
        await checkProperty(count: 30, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let (g, t, vocabulary) = (random.integer(1...4), random.integer(1...6), random.integer(2...7))
            let masks = random.masks(sequences: g, length: t)
            let correct = masks.map { _ in random.coin() }
            let logits = Tensor(shape: [g, t, vocabulary], scalars: (0..<(g * t * vocabulary)).map { _ in random.fraction(-64...64, over: 16) })
            let tokens = (0..<(g * t)).map { _ in random.index(vocabulary) }
            let old = random.values(like: masks, padding: 0) { $0.fraction(-48...0, over: 16) }
            let advantages = random.values(like: masks, padding: 0) { $0.fraction(-8...8, over: 4) }
            let inputs = Tensor(shape: [g, t], scalars: (0..<(g * t)).map { _ in random.fraction(-16...16, over: 8) })
            let returns = random.values(like: masks, padding: 0) { $0.fraction(-8...8, over: 8) }
            let oldValues = random.values(like: masks, padding: 0) { $0.fraction(-8...8, over: 8) }
            let surrogate = ClippedSurrogate<Double>(dualClip: 3)
            let aggregation = random.pick(LossAggregation.allCases)
            let normalizer = LossNormalizer(wholeBatchMasks: masks, correct: correct)

            func gradients(_ loss: (Tensor<Double>, Tensor<Double>) -> Tensor<Double>) -> [Double] {
                let tape = Tape<Double>()
                let (x, z) = (tape.variable(logits), tape.variable(inputs))
                let logp = x.logSoftmax().gathering(atLastAxis: tokens)
                return tape.gradients(of: loss(logp, z.tanh()), withRespectTo: [x, z]).flatMap(\.scalars)
            }
            let production = gradients { logp, values in
                let rows = logp.sequenceRows
                let actor = ActorLoss(
                    policy: PolicyLoss(
                        logProbabilities: rows, oldLogProbabilities: old, advantages: advantages, masks: masks,
                        surrogate: surrogate, aggregation: aggregation, normalizer: normalizer),
                    positiveExample: PositiveExampleLoss(logProbabilities: rows, masks: masks, correct: correct, normalizer: normalizer))
                let critic = ValueLoss(
                    values: values.sequenceRows, returns: returns, masks: masks,
                    clipping: ValueClipping(oldValues: oldValues), aggregation: aggregation, normalizer: normalizer)
                return logp.recordingLoss(actor) + values.recordingLoss(critic)
            }
            let composed = gradients { logp, values in
                let ratio = composedRatio(logProbabilities: logp, old: tensor(old))
                let policy = composedAggregate(
                    composedSurrogate(ratios: ratio, advantages: tensor(advantages), surrogate), masks: masks, aggregation)
                let nll = composedPositiveExampleLoss(logProbabilities: logp, masks: masks, correct: correct)
                let critic = composedValueLoss(
                    values: values, returns: tensor(returns), oldValues: tensor(oldValues), range: 0.5, masks: masks, aggregation)
                return policy + nll * 0.1 + critic
            }
            let difference = zip(production, composed).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let scale = max(production.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-300)
            #expect(difference / scale <= 1e-12, "seed \(seed): relative difference \(difference / scale)")
        }
    }
}
