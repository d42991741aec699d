// Specs/vapo.md, "VinePPO's Monte-Carlo values".
import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

/// One random response for VinePPO's advantages: its mask (the valid positions are its tokens), candidate
/// boundary positions, a value per boundary and the final reward.
struct RandomSegmentation: Sendable, CustomStringConvertible {
    var mask: [Bool]
    var positions: [Int]
    var values: [Fraction]
    var reward: Fraction

    /// The number of response tokens.
    var length: Int { mask.filter { $0 }.count }
    /// 0 and the candidate positions inside 1 ..< length, sorted, each once (independently of `stepBoundaries`).
    var boundaries: [Int] { [0] + Set(positions.filter { $0 > 0 && $0 < length }).sorted() }
    func values<S: RLScalar>(_: S.Type = S.self) -> [S] { values.prefix(boundaries.count).map { $0.value() } }
    var description: String { "mask \(mask.map { $0 ? 1 : 0 }) boundaries \(boundaries) values \(values.prefix(boundaries.count)) reward \(reward)" }

    static func generator() -> Generator<RandomSegmentation, some SendableSequenceType> {
        zip(
            Gen.bool(0.8).array(of: 0...40), Gen.int(in: 0...40).array(of: 0...12), RLTestData.fraction().array(of: 41...41),
            RLTestData.fraction(-12...12, over: 1...4)
        ).map { RandomSegmentation(mask: $0, positions: $1, values: $2, reward: $3) }
    }
}

@Suite("VinePPO advantages")
struct VinePPOAdvantageTests {
    @Test("VinePPO's advantages on rationals equal the exact reference (TD(0) of the segment-level MDP, γ = 1, broadcast to the segment's tokens); masked positions 0")
    func exactReference() async {
        await checkProperty(count: 300, input: RandomSegmentation.generator()) { s in
            let out = vinePPOAdvantages(mask: s.mask, boundaries: s.boundaries, values: s.values(Rational.self), reward: s.reward.value())
            let reference = VinePPOReference.advantages(
                mask: s.mask, boundaries: s.boundaries, values: s.values(), reward: s.reward.value())
            #expect(out == reference)
        }
    }

    @Test("every token of segment [b_i, b_{i+1}) gets V̂(b_{i+1}) − V̂(b_i), V̂(n) = the reward; the segments' advantages telescope to reward − V̂(0); one segment gives reward − V̂(0) everywhere")
    func segmentsAndTelescoping() async {
        await checkProperty(count: 200, input: RandomSegmentation.generator()) { s in
            let (b, v, reward): ([Int], [Rational], Rational) = (s.boundaries, s.values(), s.reward.value())
            let out = vinePPOAdvantages(mask: s.mask, boundaries: b, values: v, reward: reward)
            let tokens = s.mask.indices.filter { s.mask[$0] }.map { out[$0] }
            var telescoped = Rational.zero
            for i in b.indices {
                let next = i + 1 < b.count ? v[i + 1] : reward
                let end = i + 1 < b.count ? b[i + 1] : s.length
                #expect(tokens[b[i]..<end].allSatisfy { $0 == next - v[i] })
                if s.length > 0 { telescoped = telescoped + tokens[b[i]] }
            }
            if s.length > 0 { #expect(telescoped == reward - v[0]) }
            let whole = vinePPOAdvantages(mask: s.mask, boundaries: [0], values: [v[0]], reward: reward)
            #expect(s.mask.indices.allSatisfy { whole[$0] == (s.mask[$0] ? reward - v[0] : .zero) })
        }
    }

    @Test("in Float each advantage is the one rounded subtraction: within u = 2^-24 relative of the exact difference of the Float inputs")
    func floatBound() async {
        let u = Rational(numerator: 1, denominator: 1 << 24)
        await checkProperty(count: 200, input: RandomSegmentation.generator()) { s in
            let v: [Float] = s.values(), reward: Float = s.reward.value()
            let out = vinePPOAdvantages(mask: s.mask, boundaries: s.boundaries, values: v, reward: reward)
            let exact = VinePPOReference.advantages(
                mask: s.mask, boundaries: s.boundaries, values: v.map { Rational(exactly: $0)! }, reward: Rational(exactly: reward)!)
            for t in s.mask.indices {
                let computed = Rational(exactly: out[t])!
                #expect((computed - exact[t]).magnitude <= u * exact[t].magnitude, "token \(t): \(out[t]) vs \(exact[t])")
            }
        }
    }

    @Test("stepBoundaries(every: k) is 0, k, 2k, … below the length (0 alone for a length ≤ k or an empty response)")
    func boundariesEvery() async {
        await checkProperty(count: 200, input: Gen.int(in: 0...60), Gen.int(in: 1...12)) { length, k in
            let b = stepBoundaries(length: length, every: k)
            #expect(b.first == 0 && b.last! < max(length, 1))
            #expect(b == Array(stride(from: 0, to: max(length, 1), by: k)))
            #expect(b.count == max(1, (length + k - 1) / k))
        }
        #expect(stepBoundaries(length: 10, every: 4) == [0, 4, 8])
        #expect(stepBoundaries(length: 8, every: 4) == [0, 4])
        #expect(stepBoundaries(length: 0, every: 3) == [0])
    }

    @Test("stepBoundaries(at:) is 0 and the positions inside (0, length), sorted and distinct; after delimiters, a segment starts after each delimiter token")
    func boundariesAt() async {
        await checkProperty(count: 200, input: Gen.int(in: 0...40), Gen.int(in: 0...40).array(of: 0...15)) { length, raw in
            let positions = raw.filter { $0 <= length }
            let b = stepBoundaries(length: length, at: positions)
            #expect(b.first == 0 && zip(b, b.dropFirst()).allSatisfy { $0 < $1 } && b.last! < max(length, 1))
            #expect(areStepBoundaries(b, length: length))
            #expect(Set(b.dropFirst()) == Set(positions.filter { $0 > 0 && $0 < length }))
        }
        // "12|34|5" with `|` = 9: segments "12|", "34|", "5"; a trailing delimiter opens no empty segment.
        #expect(stepBoundaries(tokens: [1, 2, 9, 3, 4, 9, 5], after: [9]) == [0, 3, 6])
        #expect(stepBoundaries(tokens: [9, 1, 9], after: [9]) == [0, 1])
        #expect(stepBoundaries(tokens: [Int](), after: [9]) == [0])
        #expect(stepBoundaries(length: 5, at: [5, 0, 3, 3]) == [0, 3])
        #expect(!areStepBoundaries([], length: 3) && !areStepBoundaries([1], length: 3) && !areStepBoundaries([0, 3], length: 3))
        #expect(!areStepBoundaries([0, 2, 2], length: 3) && areStepBoundaries([0], length: 0) && !areStepBoundaries([0, 1], length: 0))
    }

    @Test("a worked example: boundaries 0, 2, 3 of 5 tokens behind a prompt, V̂ = 0, 1/2, −1/4, reward 1: advantages 1/2, 1/2, −3/4, 5/4, 5/4")
    func workedExample() {
        let mask = [false, false, true, true, true, true, true]
        let out = vinePPOAdvantages(
            mask: mask, boundaries: [0, 2, 3], values: [Rational(0), Rational(numerator: 1, denominator: 2), Rational(numerator: -1, denominator: 4)],
            reward: Rational(1))
        #expect(out == [0, 0, Rational(numerator: 1, denominator: 2), Rational(numerator: 1, denominator: 2),
                        Rational(numerator: -3, denominator: 4), Rational(numerator: 5, denominator: 4), Rational(numerator: 5, denominator: 4)])
        #expect(vinePPOAdvantages(mask: [false, false], boundaries: [0], values: [Float(0.5)], reward: 1) == [0, 0])
    }

    @Test("vinePPOAdvantages stops on boundaries that do not start at 0, do not increase or reach the end, and on a value count unlike the boundaries'; stepBoundaries on an interval < 1 and a position outside 0...length")
    func arguments() async {
        await #expect(processExitsWith: .failure) {
            _ = vinePPOAdvantages(mask: [true, true], boundaries: [0, 2], values: [Float(0), 0], reward: 1)
        }
        await #expect(processExitsWith: .failure) {
            _ = vinePPOAdvantages(mask: [true, true], boundaries: [1], values: [Float(0)], reward: 1)
        }
        await #expect(processExitsWith: .failure) {
            _ = vinePPOAdvantages(mask: [true, true, true], boundaries: [0, 2, 1], values: [Float(0), 0, 0], reward: 1)
        }
        await #expect(processExitsWith: .failure) {
            _ = vinePPOAdvantages(mask: [true, true], boundaries: [0, 1], values: [Float(0)], reward: 1)
        }
        await #expect(processExitsWith: .failure) { _ = stepBoundaries(length: 3, every: 0) }
        await #expect(processExitsWith: .failure) { _ = stepBoundaries(length: 3, at: [4]) }
    }
}

@Suite("Monte-Carlo returns")
struct MonteCarloReturnsTests {
    @Test("monteCarloReturns on rationals equals the exact sum Σ_{valid k ≥ t} γ^{n(t,k)} r_k; masked positions 0")
    func exactSum() async {
        await checkProperty(count: 300, input: RLTestData.sequence(length: 0...40), RLTestData.unitFraction) { s, gamma in
            let g = gamma.value(Rational.self)
            #expect(monteCarloReturns(rewards: s.rewards(), mask: s.mask, gamma: g)
                == VinePPOReference.monteCarloReturns(rewards: s.rewards(), mask: s.mask, gamma: g))
        }
    }

    /// Rewards with the awkward Floats: signed zeros, infinities, NaN, besides ordinary numbers.
    static let awkward: [Float] = [0, -0.0, 1, -1, 0.1, -3.5, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude]

    @Test("monteCarloReturns in Float is bit for bit GAE's λ = 1 returns with zero values (what the trainer computed), signed zeros, ±inf and NaN included; the batch form is each sequence alone")
    func bitIdenticalToGAE() async {
        let rewards = zip(Gen.int(in: 0...(Self.awkward.count - 1)), Gen.float(in: -2...2), Gen.bool(0.3), Gen.bool(0.8)).array(of: 0...30)
        let batch = rewards.array(of: 0...5)
        await checkProperty(count: 200, input: batch, RLTestData.unitFraction) { batch, gamma in
            let g = gamma.value(Float.self)
            let rows = batch.map { $0.map { $0.2 ? Self.awkward[$0.0] : $0.1 } }
            let masks = batch.map { $0.map(\.3) }
            let out = monteCarloReturns(rewards: rows, masks: masks, gamma: g)
            for i in rows.indices {
                let viaGAE = gae(rewards: rows[i], values: masks[i].map { _ in 0 }, mask: masks[i], gamma: g, lambda: 1).returns
                #expect(out[i].map(\.bitPattern) == viaGAE.map(\.bitPattern))
                #expect(monteCarloReturns(rewards: rows[i], mask: masks[i], gamma: g).map(\.bitPattern) == viaGAE.map(\.bitPattern))
            }
        }
    }

    @Test("a terminal reward with γ = 1 is the return at every valid token exactly; γ = 1/2 halves it per valid token back")
    func terminalReward() {
        let mask = [false, true, true, false, true]
        #expect(monteCarloReturns(rewards: [Float(0), 0, 0, 7, -1], mask: mask, gamma: 1) == [0, -1, -1, 0, -1])
        #expect(monteCarloReturns(rewards: [Float(0), 0, 0, 7, 1], mask: mask, gamma: 0.5) == [0, 0.25, 0.5, 0, 1])
    }

    @Test("monteCarloReturns stops on γ outside [0, 1] and on mismatched lengths")
    func arguments() async {
        await #expect(processExitsWith: .failure) { _ = monteCarloReturns(rewards: [Float(1)], mask: [true], gamma: 1.5) }
        await #expect(processExitsWith: .failure) { _ = monteCarloReturns(rewards: [Float(1)], mask: [true, true], gamma: 1) }
    }
}
