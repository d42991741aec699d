// Specs/vapo.md, "The critic probe": the report and its figures.
import Foundation
import RLMath

/// One probed prefix: the state before response token `position` of response `response` (prompt + the first
/// `position` response tokens), with the critic's value there and its Monte-Carlo estimate.
public struct ProbedPrefix: Sendable, Hashable, Codable {
    /// The response (= held-out problem) index.
    public let response: Int
    /// t: the response tokens the prefix holds (0: the prompt alone).
    public let position: Int
    /// V(prefix): the critic's `Rollout.values` entry at prompt length + t.
    public let value: Double
    /// V_MC(prefix): the mean score of the K continuations of the prefix.
    public let monteCarloValue: Double
    /// The standard error of `monteCarloValue`: √(Σ(s − V_MC)² / (K(K − 1))) for K ≥ 2; for K = 1 the
    /// largest a two-valued score allows, (rewardCorrect − rewardIncorrect) / 2.
    public let monteCarloStandardError: Double
    /// The sampled response's own score: its Monte-Carlo return from every prefix (γ = 1, terminal reward).
    public let monteCarloReturn: Double

    /// A record with the given fields.
    public init(response: Int, position: Int, value: Double, monteCarloValue: Double, monteCarloStandardError: Double, monteCarloReturn: Double) {
        self.response = response
        self.position = position
        self.value = value
        self.monteCarloValue = monteCarloValue
        self.monteCarloStandardError = monteCarloStandardError
        self.monteCarloReturn = monteCarloReturn
    }
}

/// One sampled response of the probe.
public struct ProbedResponse: Sendable, Hashable, Codable {
    /// The held-out problem's prompt.
    public let prompt: String
    /// The response's tokens (EOS last when it finished).
    public let tokens: [Int]
    /// Whether the verifier accepts it.
    public let correct: Bool
    /// Its score (rewardCorrect or rewardIncorrect).
    public let score: Double
    /// The first response token that differs from the teacher response; nil when the response follows the
    /// teacher to its end, is cut (by the length limit) before differing, or first-error figures are off.
    public let firstError: Int?
}

/// The critic against Monte-Carlo truth over a set of probed prefixes: all of them, or those whose position
/// lies in a bucket. Explained variances are RLMath's `explainedVariance` (1 − Var(target − prediction) /
/// Var(target), 0 when the target does not vary).
public struct CriticProbeFigures: Sendable, Hashable, Codable {
    /// `all`, or the bucket's response positions (`0-15`, …, `>=64`).
    public let label: String
    /// Probed prefixes in the set.
    public let prefixes: Int
    /// EV of the critic's values against V_MC.
    public let explainedVarianceMonteCarlo: Double
    /// EV of the critic's values against the responses' returns (verl's `vf_explained_var` on these prefixes).
    public let explainedVarianceReturns: Double
    /// EV of V_MC against the returns: what a critic equal to V_MC would score against the returns (the
    /// ceiling of `explainedVarianceReturns`, lowered a little by V_MC's own Monte-Carlo noise).
    public let ceilingReturns: Double
    /// Mean |V − V_MC|.
    public let meanAbsoluteError: Double
    /// Pearson correlation of V and V_MC; nil when either does not vary.
    public let correlation: Double?
    /// Mean V − V_MC.
    public let bias: Double
    /// Mean V.
    public let meanValue: Double
    /// Mean V_MC.
    public let meanMonteCarloValue: Double
    /// Root mean square of the prefixes' Monte-Carlo standard errors: the typical error of one V_MC.
    public let monteCarloStandardError: Double

    /// The figures of `records` (at least one), labelled `label`.
    public init(label: String, records: [ProbedPrefix]) {
        precondition(!records.isEmpty, "CriticProbeFigures: no records for \(label)")
        let n = Double(records.count)
        let v = records.map(\.value), mc = records.map(\.monteCarloValue), g = records.map(\.monteCarloReturn)
        func ev(_ prediction: [Double], _ target: [Double]) -> Double {
            explainedVariance(values: [prediction], returns: [target], masks: [Array(repeating: true, count: prediction.count)])
        }
        self.label = label
        prefixes = records.count
        explainedVarianceMonteCarlo = ev(v, mc)
        explainedVarianceReturns = ev(v, g)
        ceilingReturns = ev(mc, g)
        meanAbsoluteError = zip(v, mc).reduce(0) { $0 + abs($1.0 - $1.1) } / n
        correlation = Self.pearson(v, mc)
        bias = zip(v, mc).reduce(0) { $0 + ($1.0 - $1.1) } / n
        meanValue = v.reduce(0, +) / n
        meanMonteCarloValue = mc.reduce(0, +) / n
        monteCarloStandardError = (records.reduce(0) { $0 + $1.monteCarloStandardError * $1.monteCarloStandardError } / n).squareRoot()
    }

    /// Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² Σ(y − ȳ)²); nil when a sum of squares is 0.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }
}

/// How the critic and V_MC change across each response's first departure from the teacher response (the
/// first wrong token t): V(after) − V(before) = V(prefix t + 1) − V(prefix t), where the state after the
/// response's last token is terminal and worth the response's score, for both.
public struct FirstErrorFigures: Sendable, Hashable, Codable {
    /// Responses that leave the teacher response (the drops average over these).
    public let responses: Int
    /// Responses equal to the teacher response, token for token.
    public let followingTeacher: Int
    /// Mean t over the responses that leave it; nil when none does.
    public let meanPosition: Double?
    /// Mean critic drop V(t + 1) − V(t); nil when no response leaves the teacher response.
    public let criticDrop: Double?
    /// Mean Monte-Carlo drop V_MC(t + 1) − V_MC(t) at the same tokens; nil likewise.
    public let monteCarloDrop: Double?
    /// criticDrop / monteCarloDrop: the fraction of the true drop the critic sees; nil when either is nil or
    /// the Monte-Carlo drop is 0.
    public let ratio: Double?
}

/// What `CriticProbe.measure` found (Specs/vapo.md, "The critic probe"): the settings, the sampled responses,
/// every probed prefix, the figures overall and per position bucket, and the first-error figures.
public struct CriticProbeReport: Sendable, Hashable, Encodable {
    /// The probe's settings.
    public let options: CriticProbeOptions
    /// The task's registry name.
    public let task: String
    /// The difficulties the problems were drawn at.
    public let difficulties: ClosedRange<Int>
    /// Sampling: the configuration's rollout temperature, top-p and response limit.
    public let temperature: Double, topP: Double, maxNewTokens: Int
    /// The sampled responses, one per problem.
    public let responses: [ProbedResponse]
    /// Every probed prefix, by response, then position.
    public let prefixes: [ProbedPrefix]
    /// Tokens generated by the continuations.
    public let continuationTokens: Int
    /// The figures over every probed prefix.
    public let overall: CriticProbeFigures
    /// The figures per bucket of response position (`CriticProbe.positionBuckets`), empty buckets left out.
    public let buckets: [CriticProbeFigures]
    /// The first-error figures; nil when they were not asked for.
    public let firstError: FirstErrorFigures?

    /// The fraction of the sampled responses that verify.
    public var accuracy: Double {
        responses.isEmpty ? 0 : Double(responses.filter(\.correct).count) / Double(responses.count)
    }

    /// The mean response length in tokens.
    public var meanResponseLength: Double {
        responses.isEmpty ? 0 : Double(responses.reduce(0) { $0 + $1.tokens.count }) / Double(responses.count)
    }

    enum CodingKeys: String, CodingKey {
        case options, task, difficulties, temperature, topP, maxNewTokens, responses, prefixes, continuationTokens, overall, buckets,
            firstError, accuracy, meanResponseLength
    }

    /// Encodes every field, with `accuracy` and `meanResponseLength`; `difficulties` as [lower, upper]; the
    /// responses and prefixes only when the encoder's `userInfo[CriticProbeReport.recordsKey]` is true.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(options, forKey: .options)
        try c.encode(task, forKey: .task)
        try c.encode([difficulties.lowerBound, difficulties.upperBound], forKey: .difficulties)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(topP, forKey: .topP)
        try c.encode(maxNewTokens, forKey: .maxNewTokens)
        if encoder.userInfo[Self.recordsKey] as? Bool == true {
            try c.encode(responses, forKey: .responses)
            try c.encode(prefixes, forKey: .prefixes)
        }
        try c.encode(continuationTokens, forKey: .continuationTokens)
        try c.encode(overall, forKey: .overall)
        try c.encode(buckets, forKey: .buckets)
        try c.encode(firstError, forKey: .firstError)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encode(meanResponseLength, forKey: .meanResponseLength)
    }

    /// The `userInfo` key that makes `encode(to:)` include the responses and the probed prefixes.
    public static let recordsKey = CodingUserInfoKey(rawValue: "vapo.criticProbe.records")!

    /// The report as one JSON object with sorted keys (`firstError` null when not asked for; a figure that is
    /// nil, such as the correlation of a constant critic, left out); with `records`, also every response and every
    /// probed prefix.
    public func jsonData(records: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[Self.recordsKey] = records
        do { return try encoder.encode(self) } catch { preconditionFailure("encoding a critic probe report cannot fail: \(error)") }
    }

    /// The report as text for a terminal: the settings, a table of the figures (overall, then per position
    /// bucket) and the first-error line.
    public func lines() -> [String] {
        func number(_ x: Double?, _ width: Int = 8, _ digits: Int = 3) -> String {
            let text = x.map { String(format: "%.\(digits)f", $0) } ?? "-"
            return String(repeating: " ", count: max(0, width - text.count)) + text
        }
        let prefixesText = options.prefixesPerResponse.map { "\($0) prefixes per response" } ?? "every prefix"
        var lines = [
            "critic probe: \(responses.count) held-out \(task) problems (difficulties \(difficulties.lowerBound)...\(difficulties.upperBound), "
                + "seed \(options.seed)), one response each at temperature \(temperature), top-p \(topP), at most \(maxNewTokens) new tokens",
            "responses: \(String(format: "%.1f%%", 100 * accuracy)) correct, mean length \(String(format: "%.1f", meanResponseLength)) tokens; "
                + "\(prefixes.count) prefixes probed (\(prefixesText)\(options.firstError ? ", and both sides of each first error" : "")), "
                + "K = \(options.continuations) continuations each, \(continuationTokens) tokens sampled",
            "Monte-Carlo standard error of one V_MC: \(number(overall.monteCarloStandardError, 0)) (rms)",
            "positions  prefixes  EV(V_MC)  EV(return)  ceiling      MAE  corr(V_MC)     bias   mean V  mean V_MC",
        ]
        for f in [overall] + buckets {
            lines.append(
                f.label.padding(toLength: 9, withPad: " ", startingAt: 0) + String(format: "%10d", f.prefixes)
                    + number(f.explainedVarianceMonteCarlo, 10) + number(f.explainedVarianceReturns, 12) + number(f.ceilingReturns, 9)
                    + number(f.meanAbsoluteError, 9) + number(f.correlation, 12) + number(f.bias, 9) + number(f.meanValue, 9)
                    + number(f.meanMonteCarloValue, 11))
        }
        if let e = firstError {
            lines.append(
                "first error: \(e.responses) of \(responses.count) responses leave the teacher response (mean position \(number(e.meanPosition, 0, 1))), "
                    + "\(e.followingTeacher) follow it to the end; value drop V(after) − V(before): critic \(number(e.criticDrop, 0)), "
                    + "Monte-Carlo \(number(e.monteCarloDrop, 0)), ratio \(number(e.ratio, 0))")
        }
        return lines
    }
}
