import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

/// Conventions §7 on exact rationals: N = valid tokens of the whole batch, G = its sequences, lᵢ = |oᵢ|.
@Suite("Loss aggregation")
struct AggregationTests {
    static let seed = Gen.int(in: 0...1_000_000)

    static func randomValues(like masks: [[Bool]], _ random: inout LossRandom) -> [[Rational]] {
        exact(random.values(like: masks) { $0.fraction(-40...40, over: 8) })
    }

    @Test("each aggregation equals its closed form, with per-token weights 1/N, 1/(G·lᵢ), 1/G on valid tokens and 0 on masked ones")
    func closedForms() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let x = Self.randomValues(like: masks, &random)
            let normalizer = LossNormalizer(wholeBatchMasks: masks)
            let lengths = masks.map { $0.filter { $0 }.count }
            let n = lengths.reduce(0, +), g = masks.count
            let sums = masks.indices.map { i in masks[i].indices.reduce(Rational.zero) { masks[i][$1] ? $0 + x[i][$1] : $0 } }
            let total = sums.reduce(Rational.zero, +)
            let expected: [LossAggregation: (value: Rational, weight: (Int) -> Rational)] = [
                .tokenLevel: (n == 0 ? 0 : total / Rational(n), { _ in Rational(numerator: 1, denominator: max(n, 1)) }),
                .sampleLevel: (
                    g == 0 ? 0 : zip(sums, lengths).reduce(Rational.zero) { $1.1 == 0 ? $0 : $0 + $1.0 / Rational($1.1) } / Rational(g),
                    { i in Rational(numerator: 1, denominator: max(g * lengths[i], 1)) }
                ),
                .sequenceSum: (g == 0 ? 0 : total / Rational(g), { _ in Rational(numerator: 1, denominator: max(g, 1)) }),
            ]
            for (aggregation, closedForm) in expected {
                let aggregate = normalizer.aggregate(x, masks: masks, aggregation)
                #expect(aggregate.value == closedForm.value, "\(aggregation)")
                for i in masks.indices {
                    #expect(aggregate.tokenWeights[i] == masks[i].map { $0 ? closedForm.weight(i) : 0 }, "\(aggregation) sequence \(i)")
                }
            }
        }
    }

    @Test("token-level and sample-level agree exactly when every sequence has the same number of valid tokens")
    func equalLengthsAgree() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let (g, t) = (random.integer(1...6), random.integer(1...9))
            let length = random.integer(0...t)
            // `length` valid tokens at random positions of each sequence.
            let masks = (0..<g).map { _ in
                var mask = [Bool](repeating: false, count: t)
                var positions = Array(0..<t)
                for k in positions.indices.reversed() where k > 0 { positions.swapAt(k, random.index(k + 1)) }
                for p in positions.prefix(length) { mask[p] = true }
                return mask
            }
            let x = Self.randomValues(like: masks, &random)
            let normalizer = LossNormalizer(wholeBatchMasks: masks)
            let tokenLevel = normalizer.aggregate(x, masks: masks, .tokenLevel)
            let sampleLevel = normalizer.aggregate(x, masks: masks, .sampleLevel)
            #expect(tokenLevel.value == sampleLevel.value)
            #expect(tokenLevel.tokenWeights == sampleLevel.tokenWeights)
        }
    }

    /// With a value cᵢ repeated over the lᵢ valid tokens of sequence i, token-level = Σ lᵢcᵢ/N (the
    /// length-weighted mean) and sample-level = Σ cᵢ/G (the plain mean over sequences); their difference is
    /// Σ (lᵢ/N − 1/G)·cᵢ = G·Cov(l, c)/N, positive when c grows with length (Chebyshev's sum inequality).
    @Test("with unequal lengths, token-level exceeds sample-level when per-sequence values grow with length, and falls below it when they shrink")
    func unequalLengthsDirection() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            var lengths = (0..<random.integer(2...6)).map { _ in random.integer(1...9) }
            if Set(lengths).count == 1 { lengths[0] += 1 }  // at least two different lengths
            let masks = lengths.map { l in [Bool](repeating: true, count: l) + [Bool](repeating: false, count: random.integer(0...3)) }
            let normalizer = LossNormalizer(wholeBatchMasks: masks)
            let slope = Rational(numerator: random.integer(1...9), denominator: 4)
            let offset = Rational(numerator: random.integer(-9...9), denominator: 2)
            for direction in [Rational(1), Rational(-1)] {
                // cᵢ strictly monotone in lᵢ: growing with length for direction 1, shrinking for −1.
                let perSequence = lengths.map { offset + direction * slope * Rational($0) }
                let x = zip(masks, perSequence).map { mask, c in mask.map { _ in c } }
                let tokenLevel = normalizer.aggregate(x, masks: masks, .tokenLevel).value
                let sampleLevel = normalizer.aggregate(x, masks: masks, .sampleLevel).value
                let n = Rational(lengths.reduce(0, +)), g = Rational(lengths.count)
                #expect(tokenLevel == zip(lengths, perSequence).reduce(Rational.zero) { $0 + Rational($1.0) * $1.1 } / n)
                #expect(sampleLevel == perSequence.reduce(Rational.zero, +) / g)
                #expect(direction > 0 ? tokenLevel > sampleLevel : tokenLevel < sampleLevel, "lengths \(lengths)")
            }
            // The per-token view: under sample-level a token of a shorter sequence weighs more.
            let weights = normalizer.aggregate(masks.map { $0.map { _ in Rational.zero } }, masks: masks, .sampleLevel).tokenWeights
            for i in lengths.indices {
                for j in lengths.indices where lengths[i] < lengths[j] { #expect(weights[i][0] > weights[j][0]) }
            }
        }
    }

    @Test("aggregating the mini-batches of any split with the whole batch's normalizer sums exactly to the whole batch, for every aggregation")
    func splitsSumToWhole() async {
        await checkProperty(count: 100, input: Self.seed) { seed in
            var random = LossRandom(seed: seed)
            let masks = random.raggedMasks()
            let x = Self.randomValues(like: masks, &random)
            let normalizer = LossNormalizer(wholeBatchMasks: masks)
            let parts = randomSplit(masks.count, &random)
            for aggregation in LossAggregation.allCases {
                let whole = normalizer.aggregate(x, masks: masks, aggregation)
                let pieces = parts.map { normalizer.aggregate(part(x, $0), masks: part(masks, $0), aggregation) }
                #expect(pieces.reduce(Rational.zero) { $0 + $1.value } == whole.value, "\(aggregation) split \(parts)")
                #expect(pieces.flatMap(\.tokenWeights) == whole.tokenWeights, "\(aggregation) split \(parts)")
            }
        }
    }

    /// The pitfall the normalizer exists to prevent (verl #906, #5625): sequence A has 1 valid token of
    /// value 1, sequence B 3 tokens of value 0. The token-level loss of the batch is 1/4; normalising each
    /// micro-batch by its own count gives 1 + 0 summed, or 1/2 averaged over the two micro-batches.
    @Test("normalising each micro-batch by its own token count gives a different loss from the whole batch's")
    func perMicroBatchNormalisationDiffers() {
        let masks = [[true, false, false], [true, true, true]]
        let x: [[Rational]] = [[1, 0, 0], [0, 0, 0]]
        let whole = LossNormalizer(wholeBatchMasks: masks)
        let correct = (0..<2).map { whole.aggregate(part(x, $0..<$0 + 1), masks: part(masks, $0..<$0 + 1), .tokenLevel).value }
        #expect(correct.reduce(Rational.zero, +) == Rational(numerator: 1, denominator: 4))
        let wrong = (0..<2).map { i in
            LossNormalizer(wholeBatchMasks: part(masks, i..<i + 1))
                .aggregate(part(x, i..<i + 1), masks: part(masks, i..<i + 1), .tokenLevel).value
        }
        #expect(wrong.reduce(Rational.zero, +) == 1)
        #expect(wrong.reduce(Rational.zero, +) / 2 == Rational(numerator: 1, denominator: 2))
    }

    @Test("an empty batch, a batch with no valid token and a sequence with no valid token contribute exactly 0 with zero weights")
    func emptyBatches() {
        let half = Rational(numerator: 3, denominator: 2)
        let cases: [(masks: [[Bool]], token: Rational, sample: Rational, sequence: Rational)] = [
            ([], 0, 0, 0),
            ([[false, false], []], 0, 0, 0),
            ([[], [true]], 3, half, half),  // the empty sequence still counts in G
        ]
        for (masks, token, sample, sequence) in cases {
            let normalizer = LossNormalizer(wholeBatchMasks: masks)
            let x = masks.map { $0.map { _ in Rational(3) } }
            let values = [token, sample, sequence]
            for (aggregation, expected) in zip([LossAggregation.tokenLevel, .sampleLevel, .sequenceSum], values) {
                let aggregate = normalizer.aggregate(x, masks: masks, aggregation)
                #expect(aggregate.value == expected, "\(masks) \(aggregation)")
                #expect(zip(aggregate.tokenWeights.joined(), masks.joined()).allSatisfy { $1 || $0 == 0 })
            }
        }
    }
}
