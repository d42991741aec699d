import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

@Suite("GRPO advantages")
struct GRPOTests {
    static let rewards = Gen.double(in: -3...3).array(of: 2...64)

    @Test("group-centred advantages on rationals are exactly r − (Σr)/G and sum to exactly 0")
    func centeredExact() async {
        await checkProperty(count: 300, input: RLTestData.fraction().array(of: 2...32)) { fractions in
            let r = fractions.map { $0.value(Rational.self) }
            let a = groupCenteredAdvantages(rewards: r)
            let mean = r.reduce(Rational.zero, +) / Rational(r.count)
            #expect(a == r.map { $0 - mean })
            #expect(a.reduce(Rational.zero, +) == .zero)
        }
    }

    @Test("Float group-normalised advantages are within (G + 8)·u·(|A| + a/σ′) + 2|A|·((G + 1)·u·a/σ′)² of the closed form in Double (σ′ = std + 1e-6, a = mean|r|)")
    func normalizedAgainstDouble() async {
        await checkProperty(count: 300, input: Self.rewards) { doubles in
            let r = doubles.map { Float($0) }
            let out = groupNormalizedAdvantages(rewards: r)
            let x = r.map(Double.init)
            let g = Double(x.count)
            let mean = x.reduce(0, +) / g
            let std = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (g - 1)).squareRoot()
            let scale = std + 1e-6
            let a = x.reduce(0) { $0 + abs($1) } / g
            let u = Double(Float.ulpOfOne) / 2
            for (i, xi) in x.enumerated() {
                let exact = (xi - mean) / scale
                let bound = RLTestData.normalizationBound(
                    y: exact, count: g, meanMagnitude: a, scale: scale, u: u)
                #expect(abs(Double(out[i]) - exact) <= bound)
            }
        }
    }

    @Test("a group whose rewards are all equal gets exactly 0 in both variants, even where the rounded mean differs from them")
    func equalRewards() async {
        // 0.1 seven times: the Float sum of seven 0.1s divided by 7 is not 0.1.
        #expect([Float](repeating: 0.1, count: 7).reduce(0, +) / 7 != Float(0.1))
        #expect(groupCenteredAdvantages(rewards: [Float](repeating: 0.1, count: 7)) == [Float](repeating: 0, count: 7))
        await checkProperty(count: 100, input: Gen.float(in: -5...5), Gen.int(in: 2...64)) { r, g in
            let group = [Float](repeating: r, count: g)
            #expect(groupNormalizedAdvantages(rewards: group).allSatisfy { $0.bitPattern == 0 })
            #expect(groupCenteredAdvantages(rewards: group).allSatisfy { $0.bitPattern == 0 })
        }
    }

    @Test("a group of one gets A = r (mean 0, std 1) in both variants; an empty group gets nothing")
    func groupOfOne() async {
        await checkProperty(count: 100, input: Gen.double(in: -5...5)) { r in
            #expect(groupNormalizedAdvantages(rewards: [r]) == [r])
            #expect(groupCenteredAdvantages(rewards: [r]) == [r])
        }
        #expect(groupNormalizedAdvantages(rewards: [Float]()).isEmpty)
        #expect(groupCenteredAdvantages(rewards: [Double]()).isEmpty)
    }

    @Test("GRPO with DAPO's ±1 rewards: k correct of G gives 2(1 − k/G)/(σ + 1e-6) and −2(k/G)/(σ + 1e-6), σ² = 4k(G − k)/(G(G − 1))")
    func binaryRewards() async {
        await checkProperty(count: 100, input: Gen.int(in: 2...64), Gen.int(in: 1...63)) { g, k0 in
            let k = 1 + k0 % (g - 1)  // 1 ≤ k ≤ G − 1: two different rewards
            let rewards = (0..<g).map { $0 < k ? 1.0 : -1.0 }
            let (gd, kd) = (Double(g), Double(k))
            let scale = (4 * kd * (gd - kd) / (gd * (gd - 1))).squareRoot() + 1e-6
            let out = groupNormalizedAdvantages(rewards: rewards)
            let centered = groupCenteredAdvantages(rewards: rewards)
            for i in 0..<g {
                let deviation = i < k ? 2 * (1 - kd / gd) : -2 * kd / gd
                #expect(abs(centered[i] - deviation) <= 4 * Double.ulpOfOne)
                #expect(abs(out[i] - deviation / scale) <= Double(g + 8) * Double.ulpOfOne * (abs(out[i]) + 1 / scale))
            }
        }
    }

    @Test("broadcasting puts a response's advantage on each of its valid tokens, bit for bit, and 0 on masked ones")
    func broadcast() async {
        let batch = zip(Gen.float(in: -3...3), Gen.bool(0.7).array(of: 0...40)).array(of: 0...8)
        await checkProperty(count: 100, input: batch) { batch in
            let out = broadcastToTokens(batch.map(\.0), masks: batch.map(\.1))
            #expect(out.count == batch.count)
            for ((a, mask), tokens) in zip(batch, out) {
                #expect(tokens == broadcastToTokens(a, mask: mask))
                #expect(tokens.count == mask.count)
                for t in mask.indices { #expect(tokens[t].bitPattern == (mask[t] ? a.bitPattern : 0)) }
            }
        }
    }
}
