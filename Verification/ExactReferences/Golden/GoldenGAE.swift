/// The golden GAE files: plain, decoupled and length-adaptive GAE, all through `GAESumFormula`.
enum GoldenGAE {
    /// One masked sequence of rewards and values; masked positions carry junk that must be ignored.
    struct Sequence {
        let name: String
        let rewards: [Rational]
        let values: [Rational]
        let mask: [Bool]
    }

    static let maskKinds: [(name: String, mask: [Bool])] = [
        ("all valid", [true, true, true, true, true, true, true]),
        ("right padding", [true, true, true, true, true, false, false]),
        ("left padding", [false, false, true, true, true, true, true]),
        ("holes", [true, false, true, true, false, true, true]),
        ("all masked", [false, false, false, false]),
        ("single token", [true]),
        ("empty", []),
    ]

    /// A terminal ±1 reward at the last valid token for every mask kind, plus dense random rewards on two.
    static func sequences(_ rng: inout GoldenRandom) -> [Sequence] {
        var result: [Sequence] = []
        for (name, mask) in maskKinds {
            var rewards = rng.dyadics(mask.count).enumerated().map { mask[$0.offset] ? .zero : $0.element }
            if let last = mask.lastIndex(of: true) { rewards[last] = rng.bool(percent: 50) ? .one : -.one }
            result.append(Sequence(name: "\(name), terminal reward", rewards: rewards, values: rng.dyadics(mask.count), mask: mask))
        }
        for (name, mask) in maskKinds where name == "all valid" || name == "holes" {
            result.append(Sequence(name: "\(name), dense rewards", rewards: rng.dyadics(mask.count), values: rng.dyadics(mask.count), mask: mask))
        }
        return result
    }

    static func fields(_ s: Sequence) -> [(key: String, value: JSONValue)] {
        [("rewards", .rationals(s.rewards)), ("values", .rationals(s.values)), ("mask", .bools(s.mask))]
    }

    static func plain() -> JSONValue {
        var rng = GoldenRandom(seed: 1)
        let parameters: [(gamma: Rational, lambda: Rational)] = [
            (1, 1), (1, Rational(numerator: 95, denominator: 100)), (Rational(numerator: 99, denominator: 100), Rational(numerator: 95, denominator: 100)),
            (1, 0), (Rational(numerator: 99, denominator: 100), Rational(numerator: 1, denominator: 2)),
        ]
        let cases = sequences(&rng).flatMap { s in
            parameters.map { gamma, lambda in
                let result = GAESumFormula.advantagesAndReturns(rewards: s.rewards, values: s.values, mask: s.mask, gamma: gamma, lambda: lambda)
                return JSONValue.object([("name", .string(s.name)), ("gamma", .rational(gamma)), ("lambda", .rational(lambda))]
                    + fields(s) + [("advantages", .rationals(result.advantages)), ("returns", .rationals(result.returns))])
            }
        }
        return .object([("description", .string("GAE, rl-math convention §1: A_t = Σ_l (γλ)^l δ_{t+l} over valid positions, returns = A + V, masked → 0")), ("cases", .array(cases))])
    }

    static func decoupled() -> JSONValue {
        var rng = GoldenRandom(seed: 2)
        let lambdas: [(policy: Rational, critic: Rational)] = [
            (Rational(numerator: 95, denominator: 100), 1), (Rational(numerator: 1, denominator: 2), 1), (0, 1), (1, Rational(numerator: 95, denominator: 100)),
        ]
        let cases = sequences(&rng).prefix(6).flatMap { s in
            lambdas.map { policy, critic in
                let result = VAPOLambdaReferences.decoupledGAE(
                    rewards: s.rewards, values: s.values, mask: s.mask, gamma: 1, lambdaPolicy: policy, lambdaCritic: critic)
                return JSONValue.object([("name", .string(s.name)), ("gamma", .rational(1)), ("lambda_policy", .rational(policy)), ("lambda_critic", .rational(critic))]
                    + fields(s) + [("advantages", .rationals(result.advantages)), ("returns", .rationals(result.returns))])
            }
        }
        return .object([("description", .string("Decoupled GAE, rl-math convention §2: advantages with lambda_policy, returns = A(lambda_critic) + V")), ("cases", .array(cases))])
    }

    static func lengthAdaptive() -> JSONValue {
        var rng = GoldenRandom(seed: 3)
        // α = 1/20 (VAPO) at lengths around 1/α and 2/α; α = 1/2 at toy lengths where 1 − 1/(αl) ≤ 0.
        let settings: [(alpha: Rational, validLengths: [Int])] = [
            (Rational(numerator: 1, denominator: 20), [0, 3, 20, 40, 50]),
            (Rational(numerator: 1, denominator: 2), [1, 2, 3, 4, 8]),
        ]
        let cases = settings.map { alpha, validLengths in
            let masks = validLengths.map { l in [false] + [Bool](repeating: true, count: l) + [false, false] }
            let rewards = masks.map { mask in
                mask.indices.map { t in t == mask.lastIndex(of: true) ? (rng.bool(percent: 50) ? Rational.one : -.one) : .zero }
            }
            let values = masks.map { rng.dyadics($0.count) }
            let results = VAPOLambdaReferences.lengthAdaptiveGAE(
                rewards: rewards, values: values, masks: masks, gamma: 1, alpha: alpha,
                lambdaMin: Rational(numerator: 1, denominator: 2), lambdaCritic: 1)
            let sequences = masks.indices.map { i in
                JSONValue.object([
                    ("rewards", .rationals(rewards[i])), ("values", .rationals(values[i])), ("mask", .bools(masks[i])),
                    ("valid_length", .int(validLengths[i])), ("lambda_policy", .rational(results[i].lambdaPolicy)),
                    ("advantages", .rationals(results[i].advantages)), ("returns", .rationals(results[i].returns)),
                ])
            }
            return JSONValue.object([
                ("gamma", .rational(1)), ("alpha", .rational(alpha)), ("lambda_min", .rational(Rational(numerator: 1, denominator: 2))),
                ("lambda_critic", .rational(1)), ("sequences", .array(sequences)),
            ])
        }
        return .object([("description", .string("Length-adaptive GAE, rl-math convention §3: per sequence lambda_policy = max(lambda_min, 1 − 1/(alpha·l)), lambda_min if l = 0; returns with lambda_critic")), ("cases", .array(cases))])
    }
}
