import ExactReferences
import Foundation
import RLMath
import Testing

/// The production RL math against the committed golden files, Specs/golden/*.json, which the exact
/// references wrote (Verification/GoldenVectors). On rationals every output must equal the stored one
/// exactly; in Double and Float, where Specs/rl-math.md states a bound, within it. A failure names the file
/// and the case.
@Suite("Golden files against the production code")
struct GoldenFileTests {
    /// Specs/golden of this checkout.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Specs/golden")

    /// One case of a golden file: its JSON object and a label naming the file and the case.
    struct Case {
        let fields: [String: Any]
        let label: String

        subscript(key: String) -> Any { fields[key]! }
        func rational(_ key: String) -> Rational { Self.rational(fields[key]!) }
        func rationals(_ key: String) -> [Rational] { (fields[key] as! [Any]).map(Self.rational) }
        func rationalRows(_ key: String) -> [[Rational]] { (fields[key] as! [[Any]]).map { $0.map(Self.rational) } }
        func optionalRational(_ key: String) -> Rational? { fields[key] is NSNull ? nil : rational(key) }
        func bools(_ key: String) -> [Bool] { fields[key] as! [Bool] }
        func boolRows(_ key: String) -> [[Bool]] { fields[key] as! [[Bool]] }
        func int(_ key: String) -> Int { fields[key] as! Int }
        static func rational(_ value: Any) -> Rational { Rational(value as! String)! }
    }

    static func cases(_ file: String) throws -> [Case] {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        let document = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (document["cases"] as! [[String: Any]]).enumerated().map { index, fields in
            Case(fields: fields, label: "\(file) case \(index)" + ((fields["name"] as? String).map { " (\($0))" } ?? ""))
        }
    }

    static func aggregation(_ name: String) -> LossAggregation {
        ["token-level": LossAggregation.tokenLevel, "sample-level": .sampleLevel, "sequence-sum": .sequenceSum][name]!
    }

    /// The files this suite checks; the test below fails when Specs/golden holds another.
    static let files = [
        "gae.json", "decoupled-gae.json", "length-adaptive-gae.json", "aggregation.json", "clipped-surrogate.json",
        "value-loss.json", "explained-variance.json", "positive-example-nll.json", "overlong-penalty.json",
        "grpo-no-std.json",
    ]

    @Test("the golden files are exactly the ten this suite checks")
    func everyFileChecked() throws {
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }
        #expect(committed.sorted() == Self.files.sorted())
    }

    /// Float and Double decoupled GAE of the golden inputs (dyadic, so exact in both) against the stored exact
    /// values of the golden parameters: the returns (λ_critic) within 2((1 + u)E_t + u|R_t|) and, when given,
    /// the advantages (λ_policy) within 2E_t, E_t of "Floating-point error bound of GAE" — one E_t for the
    /// computation, at most one more for rounding γ and λ to the format (that perturbation is
    /// Σ_l (γλ)^l (γ_{2l}|δ_{t+l}| + u(1 + γ_{2l})m_{t+l}) ≤ E_t).
    static func checkFloatingGAE<F: BinaryFloatingPoint & RLScalar & Sendable>(
        _: F.Type, rewards: [Rational], values: [Rational], mask: [Bool], gamma: Rational, lambdaCritic: Rational,
        returns: [Rational], policy: (lambda: Rational, advantages: [Rational])?, label: String
    ) {
        let sequence = FloatingSequence<F>(rewards: rewards.map { F($0) }, values: values.map { F($0) }, mask: mask)
        #expect(sequence.rewards.map { Rational(exactly: $0)! } == rewards && sequence.values.map { Rational(exactly: $0)! } == values)
        let (g, critic) = (F(gamma), F(lambdaCritic))
        let lambdaPolicy = policy.map { F($0.lambda) } ?? critic
        let out = decoupledGAE(
            rewards: sequence.rewards, values: sequence.values, mask: mask, gamma: g, lambdaCritic: critic, lambdaPolicy: lambdaPolicy)
        let advantageBounds = GAEErrorBoundTests.reference(sequence, gamma: g, lambda: lambdaPolicy).advantageBounds
        let returnBounds = GAEErrorBoundTests.reference(sequence, gamma: g, lambda: critic).returnBounds
        for t in mask.indices {
            #expect((Rational(exactly: out.returns[t])! - returns[t]).magnitude <= 2 * returnBounds[t], "\(label), \(F.self) return \(t)")
            if let advantages = policy?.advantages {
                #expect((Rational(exactly: out.advantages[t])! - advantages[t]).magnitude <= 2 * advantageBounds[t], "\(label), \(F.self) advantage \(t)")
            }
        }
    }

    @Test("GAE and decoupled GAE of every golden case: exactly the stored advantages and returns on rationals; Double and Float within twice the derived bound E_t")
    func gae() throws {
        for c in try Self.cases("gae.json") + Self.cases("decoupled-gae.json") {
            let (rewards, values, mask, gamma) = (c.rationals("rewards"), c.rationals("values"), c.bools("mask"), c.rational("gamma"))
            let decoupled = c.fields["lambda"] == nil
            let lambdaPolicy = c.rational(decoupled ? "lambda_policy" : "lambda")
            let lambdaCritic = c.rational(decoupled ? "lambda_critic" : "lambda")
            let out = decoupled
                ? decoupledGAE(rewards: rewards, values: values, mask: mask, gamma: gamma, lambdaCritic: lambdaCritic, lambdaPolicy: lambdaPolicy)
                : RLMath.gae(rewards: rewards, values: values, mask: mask, gamma: gamma, lambda: lambdaPolicy)
            #expect(out.advantages == c.rationals("advantages"), "\(c.label)")
            #expect(out.returns == c.rationals("returns"), "\(c.label)")
            func check<F: BinaryFloatingPoint & RLScalar & Sendable>(_ type: F.Type) {
                Self.checkFloatingGAE(
                    type, rewards: rewards, values: values, mask: mask, gamma: gamma, lambdaCritic: lambdaCritic,
                    returns: c.rationals("returns"), policy: (lambdaPolicy, c.rationals("advantages")), label: c.label)
            }
            check(Float.self)
            check(Double.self)
        }
    }

    @Test("length-adaptive GAE of every golden batch: exactly the stored λ_policy, advantages and returns on rationals; Double and Float λ within 5u, returns within twice the bound")
    func lengthAdaptiveGAE() throws {
        for c in try Self.cases("length-adaptive-gae.json") {
            let sequences = c["sequences"] as! [[String: Any]]
            let rows = sequences.enumerated().map { Case(fields: $1, label: "\(c.label), sequence \($0)") }
            let masks = rows.map { $0.bools("mask") }
            let (gamma, alpha, lambdaMin, lambdaCritic) = (c.rational("gamma"), c.rational("alpha"), c.rational("lambda_min"), c.rational("lambda_critic"))
            let lambdas = lengthAdaptiveLambdas(masks: masks, alpha: alpha, lambdaMin: lambdaMin)
            let out = decoupledGAE(
                rewards: rows.map { $0.rationals("rewards") }, values: rows.map { $0.rationals("values") }, masks: masks,
                gamma: gamma, lambdaCritic: lambdaCritic, lambdaPolicy: lambdas)
            for (i, row) in rows.enumerated() {
                #expect(masks[i].filter { $0 }.count == row.int("valid_length"), "\(row.label)")
                #expect(lambdas[i] == row.rational("lambda_policy"), "\(row.label)")
                #expect(out[i].advantages == row.rationals("advantages"), "\(row.label)")
                #expect(out[i].returns == row.rationals("returns"), "\(row.label)")
                func check<F: BinaryFloatingPoint & RLScalar & Sendable>(_ type: F.Type) {
                    let u = Rational.one / Rational(2).power(F.significandBitCount + 1)
                    let lambda = lengthAdaptiveLambda(validLength: row.int("valid_length"), alpha: F(alpha), lambdaMin: F(lambdaMin))
                    #expect((Rational(exactly: lambda)! - row.rational("lambda_policy")).magnitude <= 5 * u, "\(row.label), \(F.self) λ")
                    Self.checkFloatingGAE(
                        type, rewards: row.rationals("rewards"), values: row.rationals("values"), mask: masks[i], gamma: gamma,
                        lambdaCritic: lambdaCritic, returns: row.rationals("returns"), policy: nil, label: row.label)
                }
                check(Float.self)
                check(Double.self)
            }
        }
    }

    @Test("aggregations, clipped surrogate, value loss, explained variance and positive-example NLL of every golden case equal the stored values and gradients exactly on rationals")
    func losses() throws {
        for c in try Self.cases("aggregation.json") {
            let (masks, x) = (c.boolRows("masks"), c.rationalRows("x"))
            for mode in ["token-level", "sample-level", "sequence-sum"] {
                let expected = Case(fields: c[mode] as! [String: Any], label: "\(c.label), \(mode)")
                let aggregate = LossNormalizer(wholeBatchMasks: masks).aggregate(x, masks: masks, Self.aggregation(mode))
                #expect(aggregate.value == expected.rational("value"), "\(expected.label)")
                #expect(aggregate.tokenWeights == expected.rationalRows("weights"), "\(expected.label)")
            }
        }
        for c in try Self.cases("clipped-surrogate.json") {
            let surrogate = ClippedSurrogate(
                epsilonLow: c.rational("epsilon_low"), epsilonHigh: c.rational("epsilon_high"), dualClip: c.optionalRational("dual_clip"))
            let (ratios, advantages) = (c.rationals("ratio"), c.rationals("advantage"))
            let (loss, dRatio, dLogp) = (c.rationals("loss"), c.rationals("d_loss_d_ratio"), c.rationals("d_loss_d_logp"))
            for t in ratios.indices {
                let term = surrogate.term(ratio: ratios[t], advantage: advantages[t])
                #expect(term.loss == loss[t] && term.ratioGradient == dRatio[t] && term.logProbabilityGradient == dLogp[t],
                        "\(c.label), token \(t): r \(ratios[t]), A \(advantages[t])")
            }
        }
        for c in try Self.cases("value-loss.json") {
            let (values, returns, oldValues, masks) = (c.rationalRows("values"), c.rationalRows("returns"), c.rationalRows("old_values"), c.boolRows("masks"))
            let range = c.optionalRational("clip_range")
            let label = "\(c.label) (clip \(range.map(\.description) ?? "none"), \(c["aggregation"]))"
            let loss = ValueLoss(
                values: values, returns: returns, masks: masks, clipping: range.map { ValueClipping(oldValues: oldValues, range: $0) },
                aggregation: Self.aggregation(c["aggregation"] as! String), normalizer: LossNormalizer(wholeBatchMasks: masks))
            #expect(loss.value == c.rational("loss"), "\(label)")
            #expect(loss.gradient == c.rationalRows("d_loss_d_value"), "\(label)")
            // The per-token loss, masked tokens included: the loss of that token alone, token-level.
            let perToken = c.rationalRows("per_token_loss")
            for i in masks.indices {
                for t in masks[i].indices {
                    let alone = ValueLoss(
                        values: [[values[i][t]]], returns: [[returns[i][t]]], masks: [[true]],
                        clipping: range.map { ValueClipping(oldValues: [[oldValues[i][t]]], range: $0) },
                        normalizer: LossNormalizer(wholeBatchMasks: [[true]]))
                    #expect(alone.value == perToken[i][t], "\(label), token [\(i)][\(t)]")
                }
            }
        }
        for c in try Self.cases("explained-variance.json") {
            let ev = explainedVariance(values: c.rationalRows("values"), returns: c.rationalRows("returns"), masks: c.boolRows("masks"))
            #expect(ev == c.rational("explained_variance"), "\(c.label)")
        }
        for c in try Self.cases("positive-example-nll.json") {
            let (masks, correct) = (c.boolRows("masks"), c.bools("correct"))
            let nll = PositiveExampleLoss(
                logProbabilities: c.rationalRows("log_probs"), masks: masks, correct: correct,
                normalizer: LossNormalizer(wholeBatchMasks: masks, correct: correct))
            #expect(nll.value == c.rational("loss"), "\(c.label)")
            #expect(nll.gradient == c.rationalRows("d_loss_d_logp"), "\(c.label)")
        }
    }

    @Test("the overlong penalty of every golden case is the stored value on rationals and its correct rounding in Double and Float; Dr.GRPO advantages equal the stored ones exactly")
    func dapoAndGRPO() throws {
        for c in try Self.cases("overlong-penalty.json") {
            let (length, maxLength, cacheLength) = (c.int("length"), c.int("max_length"), c.int("cache_length"))
            let label = "\(c.label): length \(length), L_max \(maxLength), L_cache \(cacheLength)"
            let penalty = c.rational("penalty")
            #expect(softOverlongPunishment(length: length, maxLength: maxLength, cacheLength: cacheLength) == penalty, "\(label)")
            let double: Double = softOverlongPunishment(length: length, maxLength: maxLength, cacheLength: cacheLength)
            let float: Float = softOverlongPunishment(length: length, maxLength: maxLength, cacheLength: cacheLength)
            #expect(double.bitPattern == Double(penalty).bitPattern && float.bitPattern == Float(penalty).bitPattern, "\(label)")
        }
        for c in try Self.cases("grpo-no-std.json") {
            #expect(groupCenteredAdvantages(rewards: c.rationals("rewards")) == c.rationals("advantages"), "\(c.label)")
        }
    }
}
