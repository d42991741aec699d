import ExactReferences
import PropertyBased
import PropertyTesting
import RLMath
import Testing

/// Random rationals: small fractions, and products of them raised to a power so that numerators and
/// denominators also run far past 64 bits.
enum RationalGen {
    static let small = zip(Gen.int(in: -1_000_000...1_000_000), Gen.int(in: 1...1_000_000))
        .map { Rational(numerator: $0, denominator: $1) }
    static let any = zip(small, small, Gen.int(in: 0...6)).map { $0 + $1.power($2) * $1.power($2) }
}

func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }

/// "p/q" or "p" of n/d reduced with Int arithmetic: an independent statement of the canonical form.
func reducedText(_ n: Int, _ d: Int) -> String {
    let g = gcd(n, d) * (d < 0 ? -1 : 1)
    return d / g == 1 ? "\(n / g)" : "\(n / g)/\(d / g)"
}

@Suite("Rational arithmetic")
struct RationalArithmeticTests {
    @Test("Rational + − × ÷ satisfy the field axioms on random rationals, including multi-limb ones")
    func fieldAxioms() async {
        await checkProperty(count: 300, input: RationalGen.any, RationalGen.any, RationalGen.any) { a, b, c in
            #expect((a + b) + c == a + (b + c))
            #expect(a + b == b + a)
            #expect((a * b) * c == a * (b * c))
            #expect(a * b == b * a)
            #expect(a * (b + c) == a * b + a * c)
            #expect(a + .zero == a && a * .one == a && a * .zero == .zero)
            #expect(a + (-a) == .zero && a - b == a + (-b) && -(-a) == a)
            if a != .zero {
                #expect(a * (.one / a) == .one)
                #expect((b / a) * a == b)
            }
        }
    }

    @Test("Rational results equal fractions built and reduced with Int arithmetic")
    func matchesIntegerFractions() async {
        let part = Gen.int(in: -30_000...30_000)
        let positive = Gen.int(in: 1...30_000)
        await checkProperty(count: 300, input: part, positive, part, positive) { n1, d1, n2, d2 in
            let a = Rational(numerator: n1, denominator: d1)
            let b = Rational(numerator: n2, denominator: d2)
            #expect((a + b).description == reducedText(n1 * d2 + n2 * d1, d1 * d2))
            #expect((a - b).description == reducedText(n1 * d2 - n2 * d1, d1 * d2))
            #expect((a * b).description == reducedText(n1 * n2, d1 * d2))
            if n2 != 0 { #expect((a / b).description == reducedText(n1 * d2, d1 * n2)) }
            #expect((a < b) == (n1 * d2 < n2 * d1))
            #expect((a == b) == (n1 * d2 == n2 * d1))
            #expect(a.signum == n1.signum() && a.magnitude == Rational(numerator: abs(n1), denominator: d1))
            #expect(a.isInteger == (n1 % d1 == 0))
        }
    }

    @Test("Rational order is total and compatible with addition and with multiplication by a positive")
    func orderedField() async {
        await checkProperty(count: 300, input: RationalGen.any, RationalGen.any, RationalGen.any) { a, b, c in
            #expect([a < b, a == b, b < a].filter { $0 }.count == 1)
            if a < b {
                #expect(a + c < b + c)
                if c > .zero { #expect(a * c < b * c) }
                if c < .zero { #expect(a * c > b * c) }
            }
        }
    }

    @Test("Equal rationals are ==, hash equally and print the same canonical text")
    func canonicalIdentity() async {
        let part = Gen.int(in: -100_000...100_000)
        await checkProperty(count: 200, input: part, Gen.int(in: 1...100_000), Gen.int(in: -1000...1000)) { n, d, k in
            guard k != 0 else { return }
            let reduced = Rational(numerator: n, denominator: d)
            let scaled = Rational(numerator: n * k, denominator: d * k)
            #expect(scaled == reduced && scaled.hashValue == reduced.hashValue)
            #expect(scaled.description == reduced.description && Set([scaled, reduced]).count == 1)
        }
    }

    @Test("Rational powers by squaring equal repeated multiplication; x⁰ = 1")
    func powers() async {
        await checkProperty(count: 100, input: RationalGen.small, Gen.int(in: 0...40)) { x, n in
            #expect(x.power(n) == (0..<n).reduce(Rational.one) { product, _ in product * x })
        }
        #expect(Rational(numerator: -2, denominator: 3).power(5).description == "-32/243")
    }

    @Test("Rational runs generic RLScalar code: integers, zero, one and the operators")
    func rlScalarConformance() {
        func meanOfSquares<S: RLScalar>(_ xs: [Int]) -> S {
            xs.reduce(S.zero) { $0 + S($1) * S($1) } / S(xs.count)
        }
        let mean: Rational = meanOfSquares([1, -2, 4])
        #expect(mean.description == "7" && Rational.one.description == "1" && Rational.zero.description == "0")
        #expect((meanOfSquares([1, 2]) as Rational).description == "5/2")
        let literal: Rational = -12
        #expect(literal == Rational(-12))
    }
}
