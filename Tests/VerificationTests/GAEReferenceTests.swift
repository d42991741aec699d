import ExactReferences
import PropertyBased
import PropertyTesting
import Testing

/// One random sequence for GAE: rewards, values, mask, γ, λ as Doubles (exact rationals via `exactly`).
struct GAECase: Sendable {
    let rewards: [Double]
    let values: [Double]
    let mask: [Bool]
    let gamma: Double
    let lambda: Double

    static let generator = zip(
        Gen.double(in: -10...10).array(of: 0...64), Gen.double(in: -10...10).array(of: 64),
        Gen.bool(0.8).array(of: 64), Gen.double(in: 0...1), Gen.double(in: 0...1)
    ).map { rewards, values, mask, gamma, lambda in
        GAECase(rewards: rewards, values: Array(values.prefix(rewards.count)),
                mask: Array(mask.prefix(rewards.count)), gamma: gamma, lambda: lambda)
    }

    var exact: (rewards: [Rational], values: [Rational], gamma: Rational, lambda: Rational) {
        (rewards.map { Rational(exactly: $0)! }, values.map { Rational(exactly: $0)! },
         Rational(exactly: gamma)!, Rational(exactly: lambda)!)
    }
}

/// The GAE recursion over valid positions, as a plain loop (rl-math convention §1), for checking the sum formula.
func recursiveGAE(_ r: [Rational], _ v: [Rational], _ mask: [Bool], _ gamma: Rational, _ lambda: Rational) -> [Rational] {
    var advantages = [Rational](repeating: .zero, count: mask.count)
    var nextValue = Rational.zero, nextAdvantage = Rational.zero
    for t in mask.indices.reversed() where mask[t] {
        advantages[t] = r[t] + gamma * nextValue - v[t] + gamma * lambda * nextAdvantage
        (nextValue, nextAdvantage) = (v[t], advantages[t])
    }
    return advantages
}

@Suite("GAE references")
struct GAEReferenceTests {
    @Test("LAPACK's triangular solve agrees with the exact sum formula within the derived bound, per position")
    func lapackWithinBound() async {
        await checkProperty(count: 150, input: GAECase.generator) { c in
            let solved = GAELinearSystem.advantagesAndReturns(
                rewards: c.rewards, values: c.values, mask: c.mask, gamma: c.gamma, lambda: c.lambda)
            let e = c.exact
            let exact = GAESumFormula.advantagesAndReturns(
                rewards: e.rewards, values: e.values, mask: c.mask, gamma: e.gamma, lambda: e.lambda)
            let bound = GAELinearSystem.errorBound(
                rewards: c.rewards, values: c.values, mask: c.mask, gamma: c.gamma, lambda: c.lambda)
            for t in c.mask.indices {
                #expect((Rational(exactly: solved.advantages[t])! - exact.advantages[t]).magnitude <= bound.advantages[t])
                #expect((Rational(exactly: solved.returns[t])! - exact.returns[t]).magnitude <= bound.returns[t])
                if !c.mask[t] { #expect(solved.advantages[t] == 0 && solved.returns[t] == 0) }
            }
        }
    }

    @Test("LAPACK's solve equals the sum formula exactly when every intermediate is exact in Double")
    func lapackExactOnDyadicInputs() async {
        // Integers below 2^10 and γλ ∈ {1, 1/2} with ≤ 30 positions: every partial sum fits in 53 bits.
        let integers = Gen.int(in: -1000...1000).array(of: 30)
        await checkProperty(count: 100, input: integers, integers, Gen.bool(0.7).array(of: 0...30), Gen.bool) { r, v, mask, half in
            let n = mask.count
            let rewards = r.prefix(n).map(Double.init), values = v.prefix(n).map(Double.init)
            let lambda = half ? 0.5 : 1
            let solved = GAELinearSystem.advantagesAndReturns(rewards: rewards, values: values, mask: mask, gamma: 1, lambda: lambda)
            let exact = GAESumFormula.advantagesAndReturns(
                rewards: rewards.map { Rational(exactly: $0)! }, values: values.map { Rational(exactly: $0)! },
                mask: mask, gamma: .one, lambda: Rational(exactly: lambda)!)
            let advantages = solved.advantages.map { Rational(exactly: $0)! }, returns = solved.returns.map { Rational(exactly: $0)! }
            #expect(advantages == exact.advantages && returns == exact.returns)
        }
    }

    @Test("The sum formula equals the backward recursion A = δ + γλ·A_next over valid positions; returns = A + V")
    func sumFormulaMatchesRecursion() async {
        await checkProperty(count: 100, input: GAECase.generator) { c in
            let e = c.exact
            let result = GAESumFormula.advantagesAndReturns(
                rewards: e.rewards, values: e.values, mask: c.mask, gamma: e.gamma, lambda: e.lambda)
            #expect(result.advantages == recursiveGAE(e.rewards, e.values, c.mask, e.gamma, e.lambda))
            for t in c.mask.indices {
                #expect(result.returns[t] == (c.mask[t] ? result.advantages[t] + e.values[t] : .zero))
            }
        }
    }

    @Test("γ = λ = 1: returns are Monte-Carlo returns and advantages are returns − values; λ = 0: TD(0) errors")
    func limitingCases() async {
        await checkProperty(count: 100, input: GAECase.generator) { c in
            let e = c.exact
            let valid = c.mask.indices.filter { c.mask[$0] }
            let monteCarlo = GAESumFormula.advantagesAndReturns(
                rewards: e.rewards, values: e.values, mask: c.mask, gamma: .one, lambda: .one)
            let td = GAESumFormula.advantagesAndReturns(
                rewards: e.rewards, values: e.values, mask: c.mask, gamma: e.gamma, lambda: .zero)
            for (k, t) in valid.enumerated() {
                let future = valid[k...].reduce(Rational.zero) { $0 + e.rewards[$1] }
                #expect(monteCarlo.returns[t] == future && monteCarlo.advantages[t] == future - e.values[t])
                let next = k + 1 < valid.count ? e.values[valid[k + 1]] : .zero
                #expect(td.advantages[t] == e.rewards[t] + e.gamma * next - e.values[t])
            }
        }
    }

    @Test("Masked positions, whatever their rewards and values, never change the valid advantages and returns")
    func maskInvariance() async {
        await checkProperty(count: 100, input: GAECase.generator, Gen.double(in: -1000...1000).array(of: 64)) { c, junk in
            let e = c.exact
            let compact = c.mask.indices.filter { c.mask[$0] }
            let packed = GAESumFormula.advantagesAndReturns(
                rewards: compact.map { e.rewards[$0] }, values: compact.map { e.values[$0] },
                mask: compact.map { _ in true }, gamma: e.gamma, lambda: e.lambda)
            let noisy = c.mask.indices.map { c.mask[$0] ? e.rewards[$0] : Rational(exactly: junk[$0])! }
            let full = GAESumFormula.advantagesAndReturns(
                rewards: noisy, values: c.mask.indices.map { c.mask[$0] ? e.values[$0] : Rational(exactly: junk[63 - $0])! },
                mask: c.mask, gamma: e.gamma, lambda: e.lambda)
            let validAdvantages = compact.map { full.advantages[$0] }, validReturns = compact.map { full.returns[$0] }
            #expect(validAdvantages == packed.advantages && validReturns == packed.returns)
        }
    }

    @Test("Length-adaptive λ = max(λ_min, 1 − 1/(αl)): 1/2 up to l = 40, 4/5 at 100, 49/50 at 1000; monotone in l, inside [λ_min, 1)")
    func lengthAdaptiveLambda() async {
        let vapo = { VAPOLambdaReferences.lengthAdaptiveLambda(length: $0, alpha: Rational(numerator: 1, denominator: 20), lambdaMin: Rational(numerator: 1, denominator: 2)) }
        #expect([0, 1, 20, 21, 40].allSatisfy { vapo($0) == Rational(numerator: 1, denominator: 2) })
        #expect(vapo(41) == Rational(numerator: 21, denominator: 41) && vapo(100) == Rational(numerator: 4, denominator: 5))
        #expect(vapo(1000) == Rational(numerator: 49, denominator: 50))
        await checkProperty(count: 200, input: Gen.int(in: 0...5000), Gen.int(in: 1...100), Gen.int(in: 0...9)) { l, alphaHundredths, floorTenths in
            let alpha = Rational(numerator: alphaHundredths, denominator: 100), floor = Rational(numerator: floorTenths, denominator: 10)
            let lambda = VAPOLambdaReferences.lengthAdaptiveLambda(length: l, alpha: alpha, lambdaMin: floor)
            let next = VAPOLambdaReferences.lengthAdaptiveLambda(length: l + 1, alpha: alpha, lambdaMin: floor)
            #expect(floor <= lambda && lambda < .one && lambda <= next)
        }
    }

    @Test("Length-adaptive GAE of a batch equals decoupled GAE of each sequence alone with its own λ; λ_critic = 1 gives Monte-Carlo returns")
    func lengthAdaptiveIsPerSequence() async {
        await checkProperty(count: 60, input: GAECase.generator.array(of: 0...4)) { cases in
            let exact = cases.map(\.exact)
            let alpha = Rational(numerator: 1, denominator: 10), floor = Rational(numerator: 1, denominator: 2)
            let batch = VAPOLambdaReferences.lengthAdaptiveGAE(
                rewards: exact.map(\.rewards), values: exact.map(\.values), masks: cases.map(\.mask),
                gamma: .one, alpha: alpha, lambdaMin: floor, lambdaCritic: .one)
            for (i, c) in cases.enumerated() {
                let lambda = VAPOLambdaReferences.lengthAdaptiveLambda(length: c.mask.filter { $0 }.count, alpha: alpha, lambdaMin: floor)
                let alone = VAPOLambdaReferences.decoupledGAE(
                    rewards: exact[i].rewards, values: exact[i].values, mask: c.mask, gamma: .one, lambdaPolicy: lambda, lambdaCritic: .one)
                #expect(batch[i].lambdaPolicy == lambda && batch[i].advantages == alone.advantages && batch[i].returns == alone.returns)
                let valid = c.mask.indices.filter { c.mask[$0] }
                for (k, t) in valid.enumerated() {
                    #expect(alone.returns[t] == valid[k...].reduce(Rational.zero) { $0 + exact[i].rewards[$1] })
                }
            }
        }
    }
}
