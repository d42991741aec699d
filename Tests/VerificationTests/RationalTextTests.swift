import ExactReferences
import PropertyBased
import PropertyTesting
import Testing

@Suite("Rational text")
struct RationalTextTests {
    @Test("Rational prints p/q in lowest terms with q > 1, or p for an integer")
    func printing() async {
        await checkProperty(count: 300, input: Gen.int(in: -1_000_000...1_000_000), Gen.int(in: -1_000_000...1_000_000)) { n, d in
            guard d != 0 else { return }
            #expect(Rational(numerator: n, denominator: d).description == reducedText(n, d))
        }
        #expect(Rational(numerator: 0, denominator: -5).description == "0")
        #expect(Rational(numerator: 6, denominator: -4).description == "-3/2")
        #expect(Rational(Int.min).description == "\(Int.min)")
    }

    @Test("Parsing inverts printing on random multi-limb rationals")
    func roundTrip() async {
        await checkProperty(count: 300, input: RationalGen.any) { x in
            #expect(Rational(x.description) == x)
        }
        let big = "-41152263004115226300411522630041/32921810703292181070329218107"
        #expect(Rational(big)?.description == big)
    }

    @Test("Parsing accepts p, -p and p/q (reducing it) and rejects every other text")
    func parsingRules() {
        #expect(Rational("7") == Rational(7) && Rational("-0") == Rational.zero)
        #expect(Rational("6/4")?.description == "3/2" && Rational("-10/5")?.description == "-2")
        #expect(Rational("007/010")?.description == "7/10")
        for text in ["", "-", "+1", " 1", "1 ", "1/", "/2", "1/0", "3/00", "1/-2", "--1", "1.5", "0x1", "1/2/3", "½", "1e3", "1\u{301}"] {
            #expect(Rational(text) == nil, "accepted \"\(text)\"")
        }
    }
}
