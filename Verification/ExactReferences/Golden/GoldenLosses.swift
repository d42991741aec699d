/// The golden loss files: aggregations, clipped surrogate, value loss, explained variance, NLL.
enum GoldenLosses {
    /// Ragged batches of masked sequences: random ones, equal lengths, an empty or all-masked sequence,
    /// an empty batch and an all-masked batch.
    static func masks(_ rng: inout GoldenRandom) -> [(name: String, masks: [[Bool]])] {
        [
            ("ragged", [5, 2, 7, 4].map { rng.mask($0, percent: 75) }),
            ("equal lengths", [[Bool]](repeating: [true, true, true, true], count: 3)),
            ("with an empty and an all-masked sequence", [[true, true, false], [], [false, false], [true]]),
            ("all masked", [[false, false], [false]]),
            ("empty batch", []),
        ]
    }

    static func values(_ rng: inout GoldenRandom, like masks: [[Bool]]) -> [[Rational]] {
        masks.map { rng.dyadics($0.count) }
    }

    static func rows(_ x: [[Rational]]) -> JSONValue { .array(x.map(JSONValue.rationals)) }
    static func maskRows(_ m: [[Bool]]) -> JSONValue { .array(m.map(JSONValue.bools)) }

    static func aggregation() -> JSONValue {
        var rng = GoldenRandom(seed: 4)
        let cases = masks(&rng).map { name, masks in
            let x = values(&rng, like: masks)
            return JSONValue.object([("name", .string(name)), ("masks", maskRows(masks)), ("x", rows(x))]
                + AggregationReference.Mode.allCases.map { mode in
                    (mode.rawValue, JSONValue.object([
                        ("value", .rational(AggregationReference.aggregate(x, masks: masks, mode: mode))),
                        ("weights", rows(AggregationReference.weights(masks: masks, mode: mode))),
                    ]))
                })
        }
        return .object([("description", .string("Aggregations, rl-math convention §7; weights = d(value)/dx per token")), ("cases", .array(cases))])
    }

    static func clippedSurrogate() -> JSONValue {
        var rng = GoldenRandom(seed: 5)
        let settings: [ClippedSurrogateReference.Parameters] = [
            .init(epsilonLow: Rational(numerator: 1, denominator: 5), epsilonHigh: Rational(numerator: 7, denominator: 25), dualClip: nil),
            .init(epsilonLow: Rational(numerator: 1, denominator: 5), epsilonHigh: Rational(numerator: 7, denominator: 25), dualClip: 3),
            .init(epsilonLow: Rational(numerator: 1, denominator: 5), epsilonHigh: Rational(numerator: 1, denominator: 5), dualClip: nil),
        ]
        let cases = settings.map { p in
            // Every boundary (1 − ε_low, 1 + ε_high, c) and points around them, each with A > 0, A < 0, A = 0.
            let special = [Rational(0), Rational(1), .one - p.epsilonLow, .one + p.epsilonHigh, 3, 4]
            let ratios = special + (0..<6).map { _ in Rational(numerator: rng.int(in: 0...40), denominator: 16) }
            let advantages = [rng.dyadic().magnitude + Rational(numerator: 1, denominator: 8), -(rng.dyadic().magnitude + Rational(numerator: 1, denominator: 8)), .zero]
            let tokens = ratios.flatMap { r in advantages.map { (r, $0) } }
            let column = { (f: (Rational, Rational) -> Rational) in JSONValue.rationals(tokens.map { f($0.0, $0.1) }) }
            return JSONValue.object([
                ("epsilon_low", .rational(p.epsilonLow)), ("epsilon_high", .rational(p.epsilonHigh)),
                ("dual_clip", p.dualClip.map(JSONValue.rational) ?? .null),
                ("ratio", .rationals(tokens.map(\.0))), ("advantage", .rationals(tokens.map(\.1))),
                ("loss", column { ClippedSurrogateReference.loss(ratio: $0, advantage: $1, p) }),
                ("d_loss_d_ratio", column { ClippedSurrogateReference.gradientWithRespectToRatio(ratio: $0, advantage: $1, p) }),
                ("d_loss_d_logp", column { ClippedSurrogateReference.gradientWithRespectToLogProbability(ratio: $0, advantage: $1, p) }),
            ])
        }
        return .object([("description", .string("PPO clipped surrogate per token, loss form, rl-math convention §6; ties on a clip boundary count as unclipped")), ("cases", .array(cases))])
    }

    static func valueLoss() -> JSONValue {
        var rng = GoldenRandom(seed: 6)
        let masks = [[true, true, false, true, true], [true, true], [false, true, true, true]]
        let old = values(&rng, like: masks)
        let clipRange = Rational(numerator: 1, denominator: 2)
        // Values inside, on the edge of and outside the clip range around the old values.
        let offsets: [Rational] = [0, Rational(numerator: 1, denominator: 4), Rational(numerator: -1, denominator: 2), 2, -1, Rational(numerator: 1, denominator: 2), 3]
        let values = old.map { row in row.map { $0 + offsets[rng.int(in: 0...offsets.count - 1)] } }
        let targets = Self.values(&rng, like: masks)
        let cases = [nil, clipRange].flatMap { range in
            AggregationReference.Mode.allCases.map { mode in
                JSONValue.object([
                    ("clip_range", range.map(JSONValue.rational) ?? .null), ("aggregation", .string(mode.rawValue)),
                    ("values", rows(values)), ("returns", rows(targets)), ("old_values", rows(old)), ("masks", maskRows(masks)),
                    ("per_token_loss", rows(masks.indices.map { i in masks[i].indices.map { t in
                        ValueLossReference.perToken(value: values[i][t], target: targets[i][t], oldValue: old[i][t], clipRange: range) } })),
                    ("loss", .rational(ValueLossReference.loss(values: values, targets: targets, oldValues: old, masks: masks, clipRange: range, mode: mode))),
                    ("d_loss_d_value", rows(ValueLossReference.gradient(values: values, targets: targets, oldValues: old, masks: masks, clipRange: range, mode: mode))),
                ])
            }
        }
        return .object([("description", .string("Value loss 0.5·agg(max((V − R)², (clip(V, V_old ± c) − R)²)), or 0.5·agg((V − R)²) with clip_range null; rl-math convention §8")), ("cases", .array(cases))])
    }

    static func explainedVariance() -> JSONValue {
        var rng = GoldenRandom(seed: 7)
        let cases = masks(&rng).flatMap { name, masks in
            let targets = values(&rng, like: masks), predictions = values(&rng, like: masks)
            let constant = masks.map { $0.map { _ in Rational(2) } }
            let kinds = [("random values", predictions, targets), ("values = returns", targets, targets), ("constant returns", predictions, constant)]
            return kinds.map { kind, v, r in
                JSONValue.object([
                    ("name", .string("\(name), \(kind)")), ("values", rows(v)), ("returns", rows(r)), ("masks", maskRows(masks)),
                    ("explained_variance", .rational(ValueLossReference.explainedVariance(values: v, targets: r, masks: masks))),
                ])
            }
        }
        return .object([("description", .string("Explained variance over all valid tokens, 1 − Var(R − V)/Var(R), 0 when Var(R) = 0; rl-math convention §8")), ("cases", .array(cases))])
    }

    static func positiveExampleNLL() -> JSONValue {
        var rng = GoldenRandom(seed: 8)
        let masks = [[true, true, true, false], [true, false], [false, true, true, true, true], [false, false]]
        let logp = values(&rng, like: masks).map { $0.map { -$0.magnitude } }
        let flags: [(String, [Bool])] = [
            ("some correct", [true, false, true, false]), ("none correct", [false, false, false, false]),
            ("correct has no valid token", [false, false, false, true]), ("all correct", [true, true, true, true]),
        ]
        let cases = flags.map { name, correct in
            JSONValue.object([
                ("name", .string(name)), ("log_probs", rows(logp)), ("masks", maskRows(masks)), ("correct", .bools(correct)),
                ("loss", .rational(PositiveExampleNLLReference.loss(logProbabilities: logp, masks: masks, correct: correct))),
                ("d_loss_d_logp", rows(PositiveExampleNLLReference.gradient(masks: masks, correct: correct))),
            ])
        }
        return .object([("description", .string("Positive-example NLL, rl-math convention §9: −(1/N_T) Σ over valid tokens of correct responses; 0 when N_T = 0")), ("cases", .array(cases))])
    }
}
