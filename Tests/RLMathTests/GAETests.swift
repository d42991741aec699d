import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

@Suite("GAE")
struct GAETests {
    @Test("GAE on rationals equals the exact sum formula Σ (γλ)^l δ_{t+l}, and R = A + V, exactly")
    func exactSumFormula() async {
        await checkProperty(
            count: 300, input: RLTestData.sequence(length: 0...40), RLTestData.unitFraction, RLTestData.unitFraction
        ) { s, gamma, lambda in
            let (g, l) = (gamma.value(Rational.self), lambda.value(Rational.self))
            let out = gae(rewards: s.rewards(), values: s.values(), mask: s.mask, gamma: g, lambda: l)
            let sum = GAESumFormula.advantagesAndReturns(
                rewards: s.rewards(), values: s.values(), mask: s.mask, gamma: g, lambda: l)
            #expect(out.advantages == sum.advantages)
            #expect(out.returns == sum.returns)
        }
    }

    /// λ = 1, γ = 1: R_t = Σ of the valid rewards from t on, A_t = R_t − V_t; masked positions 0.
    static func checkMonteCarlo<S: RLScalar>(_ sequence: RandomSequence, _: S.Type) {
        let (r, v, mask): ([S], [S], [Bool]) = (sequence.rewards(), sequence.values(), sequence.mask)
        let out = gae(rewards: r, values: v, mask: mask, gamma: .one, lambda: .one)
        for t in mask.indices {
            guard mask[t] else {
                #expect(out.advantages[t] == .zero && out.returns[t] == .zero)
                continue
            }
            let monteCarlo = mask.indices.filter { $0 >= t && mask[$0] }.reduce(S.zero) { $0 + r[$1] }
            #expect(out.returns[t] == monteCarlo)
            #expect(out.advantages[t] == monteCarlo - v[t])
        }
    }

    @Test("λ = 1, γ = 1: returns are the Monte-Carlo returns (sum of the remaining valid rewards), advantages R − V")
    func monteCarloReturns() async {
        await checkProperty(count: 200, input: RLTestData.sequence()) { Self.checkMonteCarlo($0, Rational.self) }
        // Exact in Double too: integer rewards and values, sums far below 2^53.
        await checkProperty(count: 100, input: RLTestData.sequence(integers: true)) {
            Self.checkMonteCarlo($0, Double.self)
        }
    }

    /// λ = 0: A_t = δ_t = (r_t + γ·V_next) − V_t with V_next the next valid value or 0; R = A + V.
    static func checkTemporalDifference<S: RLScalar>(rewards r: [S], values v: [S], mask: [Bool], gamma: S) {
        let out = gae(rewards: r, values: v, mask: mask, gamma: gamma, lambda: .zero)
        for t in mask.indices where mask[t] {
            let nextValue = RLTestData.nextValid(after: t, in: mask).map { v[$0] } ?? .zero
            #expect(out.advantages[t] == r[t] + gamma * nextValue - v[t])
            #expect(out.returns[t] == out.advantages[t] + v[t])
        }
    }

    @Test("λ = 0: advantages are the TD(0) errors δ_t = r_t + γ·V_next − V_t (rationals exactly; Float bit for bit, same order)")
    func temporalDifference() async {
        await checkProperty(count: 200, input: RLTestData.sequence(), RLTestData.unitFraction) { s, gamma in
            Self.checkTemporalDifference(
                rewards: s.rewards(), values: s.values(), mask: s.mask, gamma: gamma.value(Rational.self))
        }
        await checkProperty(count: 100, input: RLTestData.floatSequence(), RLTestData.unitFraction) { s, gamma in
            Self.checkTemporalDifference(
                rewards: s.rewards, values: s.values, mask: s.mask, gamma: gamma.value(Float.self))
        }
    }

    /// Garbage for masked positions: rewards and values there must never be read.
    static let garbage: [Float] = [.nan, .infinity, -.infinity, 3e38, -1e30, -7, 0]

    @Test("masked tokens with any rewards and values (NaN, ±inf) inserted anywhere leave every valid output unchanged, bit for bit; masked outputs are 0")
    func maskInvariance() async {
        let insertions = zip(Gen.int(in: 0...1000), Gen.int(in: 0...6), Gen.int(in: 0...6)).array(of: 0...20)
        await checkProperty(
            count: 200, input: RLTestData.floatSequence(validRate: 1), insertions, RLTestData.unitFraction,
            RLTestData.unitFraction
        ) { compact, insertions, gamma, lambda in
            var padded = compact
            var position = Array(compact.mask.indices)  // where each compact token sits in `padded`
            for (at, reward, value) in insertions {
                let index = at % (padded.mask.count + 1)
                padded.rewards.insert(Self.garbage[reward], at: index)
                padded.values.insert(Self.garbage[value], at: index)
                padded.mask.insert(false, at: index)
                position = position.map { $0 >= index ? $0 + 1 : $0 }
            }
            let (g, l) = (gamma.value(Float.self), lambda.value(Float.self))
            let a = gae(rewards: compact.rewards, values: compact.values, mask: compact.mask, gamma: g, lambda: l)
            let b = gae(rewards: padded.rewards, values: padded.values, mask: padded.mask, gamma: g, lambda: l)
            for (t, p) in position.enumerated() {
                #expect(b.advantages[p].bitPattern == a.advantages[t].bitPattern)
                #expect(b.returns[p].bitPattern == a.returns[t].bitPattern)
            }
            for p in padded.mask.indices where !padded.mask[p] {
                #expect(b.advantages[p].bitPattern == 0 && b.returns[p].bitPattern == 0)
            }
        }
    }

    @Test("an empty or all-masked sequence gives all-zero advantages and returns")
    func emptySequences() {
        let empty = gae(rewards: [Float](), values: [], mask: [], gamma: 1, lambda: 1)
        #expect(empty.advantages.isEmpty && empty.returns.isEmpty)
        let masked = gae(rewards: [Float.nan, 1], values: [2, .nan], mask: [false, false], gamma: 1, lambda: 0.5)
        #expect(masked.advantages == [0, 0] && masked.returns == [0, 0])
    }
}
