import ExactReferences
import Foundation
import PropertyBased
import PropertyTesting
import Testing

/// Small random rationals k/2^m, and values that sit exactly on the clip boundaries.
let dyadic = zip(Gen.int(in: -64...64), Gen.int(in: 0...4)).map { Rational(numerator: $0, denominator: 1 << $1) }
let step = Rational.one / Rational(2).power(40)

/// A random batch of masked sequences with a per-token quantity.
let batchGenerator = zip(dyadic.array(of: 0...12), Gen.bool(0.7).array(of: 0...12)).array(of: 0...5).map { rows in
    rows.map { x, mask in (x: Array(x.prefix(mask.count)) + Array(repeating: .zero, count: max(0, mask.count - x.count)), mask: mask) }
}

@Suite("Loss references")
struct LossReferenceTests {
    static let surrogateInputs = zip(
        dyadic, dyadic, Gen.int(in: 0...3), Gen.int(in: 0...2), Gen.bool)

    static func parameters(_ low: Int, _ high: Int, _ dual: Bool) -> ClippedSurrogateReference.Parameters {
        .init(epsilonLow: Rational(numerator: [0, 1, 2, 3][low], denominator: 10),
              epsilonHigh: Rational(numerator: [0, 28, 50][high], denominator: 100), dualClip: dual ? 3 : nil)
    }

    @Test("The case-split clipped surrogate equals rl-math convention §6's max/min form, boundaries and dual clip included")
    func surrogateMatchesMaxForm() async {
        await checkProperty(count: 400, input: Self.surrogateInputs) { r0, a, low, high, dual in
            let p = Self.parameters(low, high, dual)
            for r in [r0 + 1, .one - p.epsilonLow, .one + p.epsilonHigh, 3] {
                let clipped = min(max(r, .one - p.epsilonLow), .one + p.epsilonHigh)
                var expected = max(-a * r, -a * clipped)
                if let c = p.dualClip, a < .zero { expected = min(expected, -a * c) }
                #expect(ClippedSurrogateReference.loss(ratio: r, advantage: a, p) == expected)
            }
        }
    }

    @Test("∂surrogate/∂r is a one-sided slope (the common one where both agree) and is 0 exactly where a clip is strictly active")
    func surrogateGradientMatchesSlopes() async {
        await checkProperty(count: 400, input: Self.surrogateInputs) { r0, a, low, high, dual in
            let p = Self.parameters(low, high, dual)
            for r in [r0 + 1, .one - p.epsilonLow, .one + p.epsilonHigh, 3] {
                let f = { (x: Rational) in ClippedSurrogateReference.loss(ratio: x, advantage: a, p) }
                let right = (f(r + step) - f(r)) / step, left = (f(r) - f(r - step)) / step
                let g = ClippedSurrogateReference.gradientWithRespectToRatio(ratio: r, advantage: a, p)
                #expect(g == left || g == right)
                if left == right { #expect(g == left) }
                // Zero exactly where a clip (or the dual cap) is strictly active, or A = 0.
                let clipped = min(max(r, .one - p.epsilonLow), .one + p.epsilonHigh)
                let clipActive = -a * clipped > -a * r || (p.dualClip.map { a < .zero && -a * max(r, .one - p.epsilonLow) > -a * $0 } ?? false)
                #expect((g == .zero) == (a == .zero || clipActive))
                #expect(ClippedSurrogateReference.gradientWithRespectToLogProbability(ratio: r, advantage: a, p) == r * g)
            }
        }
    }

    @Test("∂surrogate/∂logp matches a central difference of loss(exp(logp − old)) in Double away from the kinks")
    func surrogateLogProbabilityGradient() async {
        await checkProperty(count: 200, input: Gen.double(in: -0.6...0.6), dyadic, Gen.bool) { logRatio, a, dual in
            let p = Self.parameters(2, 1, dual)
            let h = 1e-6
            func loss(_ x: Double) -> Double {
                Double(ClippedSurrogateReference.loss(ratio: Rational(exactly: exp(x))!, advantage: a, p))
            }
            let kinks = [0.8, 1.28, 3.0].map { log($0) }
            guard kinks.allSatisfy({ abs($0 - logRatio) > 1e-3 }) else { return }
            let numeric = (loss(logRatio + h) - loss(logRatio - h)) / (2 * h)
            let exact = Double(ClippedSurrogateReference.gradientWithRespectToLogProbability(
                ratio: Rational(exactly: exp(logRatio))!, advantage: a, p))
            #expect(abs(numeric - exact) <= 1e-6 * max(1, abs(exact)))
        }
    }

    @Test("Each aggregation is Σ weight·x, its weights are its exact difference quotients, and equal lengths make token- and sample-level agree")
    func aggregations() async {
        await checkProperty(count: 200, input: batchGenerator, dyadic) { batch, bump in
            let x = batch.map(\.x), masks = batch.map(\.mask)
            for mode in AggregationReference.Mode.allCases {
                let weights = AggregationReference.weights(masks: masks, mode: mode)
                let total = AggregationReference.aggregate(x, masks: masks, mode: mode)
                let weighted = zip(weights, x).reduce(Rational.zero) { sum, row in zip(row.0, row.1).reduce(sum) { $0 + $1.0 * $1.1 } }
                #expect(total == weighted)
                for i in x.indices where !x[i].isEmpty {
                    var moved = x
                    moved[i][0] = moved[i][0] + bump
                    #expect(AggregationReference.aggregate(moved, masks: masks, mode: mode) - total == bump * weights[i][0])
                }
            }
            let equalMasks = masks.map { _ in [true, true, false, true] }
            let equalX = masks.indices.map { i in (0..<4).map { Rational($0 - i) } }
            #expect(AggregationReference.aggregate(equalX, masks: equalMasks, mode: .tokenLevel)
                == AggregationReference.aggregate(equalX, masks: equalMasks, mode: .sampleLevel))
        }
        #expect(AggregationReference.aggregate([[], [5]], masks: [[], [false]], mode: .tokenLevel) == .zero)
        #expect(AggregationReference.aggregate([[], [4, 2]], masks: [[], [true, true]], mode: .sampleLevel) == Rational(numerator: 3, denominator: 2))
        #expect(AggregationReference.aggregate([[], [4, 2]], masks: [[], [true, true]], mode: .sequenceSum) == 3)
        #expect(AggregationReference.aggregate([], masks: [], mode: .sampleLevel) == .zero)
    }

    @Test("∂value-loss/∂V equals the exact central difference wherever the active branch does not change")
    func valueLossGradient() async {
        await checkProperty(count: 400, input: dyadic, dyadic, dyadic, Gen.int(in: -1...2)) { v, r, old, c in
            let range = c < 0 ? nil : Rational(numerator: c, denominator: 2)  // -1: no clipping
            let f = { (x: Rational) in ValueLossReference.perToken(value: x, target: r, oldValue: old, clipRange: range) }
            let g = ValueLossReference.gradientPerToken(value: v, target: r, oldValue: old, clipRange: range)
            // ℓ is piecewise quadratic or constant: a central difference is exact on one piece.
            let central = (f(v + step) - f(v - step)) / (step * 2)
            let branch = { (x: Rational) -> [Bool] in
                guard let range else { return [] }
                let clipped = min(max(x, old - range), old + range)
                return [x < old - range, x > old + range, (x - r) * (x - r) >= (clipped - r) * (clipped - r)]
            }
            if branch(v - step) == branch(v) && branch(v) == branch(v + step) { #expect(g == central) }
            if range == nil { #expect(f(v) == (v - r) * (v - r) / 2 && g == v - r) }
        }
    }

    @Test("Value loss and its gradient are the aggregation of the per-token loss and weight × per-token gradient")
    func valueLossAggregation() async {
        await checkProperty(count: 100, input: batchGenerator, Gen.int(in: 0...2), Gen.bool) { batch, modeIndex, clip in
            let mode = AggregationReference.Mode.allCases[modeIndex]
            let masks = batch.map(\.mask), values = batch.map(\.x)
            let targets = values.map { $0.map { $0 * 3 - 1 } }, old = values.map { $0.map { $0 + Rational(numerator: 1, denominator: 4) } }
            let range: Rational? = clip ? Rational(numerator: 1, denominator: 8) : nil
            let losses = masks.indices.map { i in masks[i].indices.map { t in
                ValueLossReference.perToken(value: values[i][t], target: targets[i][t], oldValue: old[i][t], clipRange: range) } }
            #expect(ValueLossReference.loss(values: values, targets: targets, oldValues: old, masks: masks, clipRange: range, mode: mode)
                == AggregationReference.aggregate(losses, masks: masks, mode: mode))
            let weights = AggregationReference.weights(masks: masks, mode: mode)
            let gradient = ValueLossReference.gradient(values: values, targets: targets, oldValues: old, masks: masks, clipRange: range, mode: mode)
            for i in masks.indices {
                for t in masks[i].indices {
                    #expect(gradient[i][t] == weights[i][t] * ValueLossReference.gradientPerToken(
                        value: values[i][t], target: targets[i][t], oldValue: old[i][t], clipRange: range))
                }
            }
        }
    }

    @Test("Explained variance equals 1 − (E[e²] − E[e]²)/(E[R²] − E[R]²) over valid tokens, and 0 when Var(R) = 0")
    func explainedVariance() async {
        await checkProperty(count: 200, input: batchGenerator, batchGenerator) { a, b in
            let masks = a.map(\.mask), targets = a.map(\.x)
            let values = targets.indices.map { i in targets[i].indices.map { t in i < b.count && t < b[i].x.count ? b[i].x[t] : .zero } }
            let pairs = masks.indices.flatMap { i in masks[i].indices.filter { masks[i][$0] }.map { (targets[i][$0], values[i][$0]) } }
            func moment(_ f: ((Rational, Rational)) -> Rational) -> Rational {
                pairs.isEmpty ? .zero : pairs.map(f).reduce(.zero, +) / Rational(pairs.count)
            }
            let varR = moment { $0.0 * $0.0 } - moment { $0.0 } * moment { $0.0 }
            let varE = moment { ($0.0 - $0.1) * ($0.0 - $0.1) } - moment { $0.0 - $0.1 } * moment { $0.0 - $0.1 }
            let expected = varR == .zero ? .zero : .one - varE / varR
            #expect(ValueLossReference.explainedVariance(values: values, targets: targets, masks: masks) == expected)
            let shifted = targets.map { $0.map { $0 - 7 } }
            #expect(ValueLossReference.explainedVariance(values: shifted, targets: targets, masks: masks) == (varR == .zero ? .zero : .one))
        }
    }

    @Test("NLL is −(mean logp over correct valid tokens), its gradient its exact difference quotient, 0 with no correct token")
    func positiveExampleNLL() async {
        await checkProperty(count: 200, input: batchGenerator, Gen.bool.array(of: 5), dyadic) { batch, flags, bump in
            let masks = batch.map(\.mask), logp = batch.map(\.x), correct = Array(flags.prefix(masks.count))
            let chosen = masks.indices.filter { correct[$0] }.flatMap { i in masks[i].indices.filter { masks[i][$0] }.map { logp[i][$0] } }
            let loss = PositiveExampleNLLReference.loss(logProbabilities: logp, masks: masks, correct: correct)
            #expect(loss == (chosen.isEmpty ? .zero : -chosen.reduce(.zero, +) / Rational(chosen.count)))
            let gradient = PositiveExampleNLLReference.gradient(masks: masks, correct: correct)
            for i in masks.indices where !masks[i].isEmpty {
                var moved = logp
                moved[i][0] = moved[i][0] + bump
                #expect(PositiveExampleNLLReference.loss(logProbabilities: moved, masks: masks, correct: correct) - loss == bump * gradient[i][0])
            }
        }
        let none = PositiveExampleNLLReference.gradient(masks: [[true, true], [true]], correct: [false, false])
        #expect(none == [[.zero, .zero], [.zero]])
        #expect(PositiveExampleNLLReference.loss(logProbabilities: [[-1, -2]], masks: [[false, false]], correct: [true]) == .zero)
    }

    @Test("Dr.GRPO advantages sum to 0 and vanish for equal rewards; a group of one keeps its reward; broadcast masks")
    func groupAdvantages() async {
        await checkProperty(count: 200, input: dyadic.array(of: 2...16)) { rewards in
            let a = BaselineReferences.groupAdvantagesWithoutStd(rewards: rewards)
            #expect(a.reduce(.zero, +) == .zero)
            #expect(zip(a, rewards).allSatisfy { $0.0 - $0.1 == a[0] - rewards[0] })
            #expect(BaselineReferences.groupAdvantagesWithoutStd(rewards: rewards.map { _ in rewards[0] }).allSatisfy { $0 == .zero })
        }
        #expect(BaselineReferences.groupAdvantagesWithoutStd(rewards: [5]) == [5])
        #expect(BaselineReferences.broadcast([2, -1], masks: [[true, false], [true]]) == [[2, 0], [-1]])
    }

    @Test("DAPO R_len is 0 up to L_max − L_cache, falls linearly to −1 at L_max, and is −1 beyond")
    func overlongPenalty() {
        let r = { BaselineReferences.overlongPenalty(length: $0, maxLength: 20, cacheLength: 4) }
        #expect(r(0) == .zero && r(16) == .zero)
        #expect(r(17) == Rational(numerator: -1, denominator: 4) && r(18) == Rational(numerator: -1, denominator: 2))
        #expect(r(20) == -1 && r(21) == -1 && r(1000) == -1)
        #expect(BaselineReferences.overlongPenalty(length: 3, maxLength: 4, cacheLength: 4) == Rational(numerator: -3, denominator: 4))
    }
}
