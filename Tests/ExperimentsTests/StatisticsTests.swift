// Specs/experiments.md, "Statistics" and "Verdicts": exact results on hand-made numbers.
import Testing

@testable import Experiments

@Suite("Report statistics and verdicts")
struct StatisticsTests {
    @Test("Mean, sample standard deviation and pooled standard error are exact on hand-made numbers: [1, 3] has mean 2 and sd √2; against [2, 6] the pooled SE is √5")
    func meanAndSpread() {
        #expect(Statistics.mean([1, 3]) == 2)
        #expect(Statistics.mean([]) == nil)
        #expect(Statistics.sampleVariance([2, 4, 4, 4, 5, 5, 7, 9]) == 32.0 / 7)
        #expect(Statistics.sampleStandardDeviation([1, 3]) == 2.0.squareRoot())
        #expect(Statistics.sampleStandardDeviation([1]) == nil)
        #expect(Statistics.pooledStandardError([1, 3], [2, 6]) == 5.0.squareRoot())
        // Unequal sizes: s²ₚ = (1·2 + 2·1) / 3 = 4/3, SE = √(4/3 · (1/2 + 1/3)) = √(10/9).
        #expect(Statistics.pooledStandardError([1, 3], [1, 2, 3]) == ((4.0 / 3) * (1.0 / 2 + 1.0 / 3)).squareRoot())
        #expect(Statistics.pooledStandardError([1], [1, 2]) == nil)
    }

    @Test("The area under a curve is the trapezoid rule divided by the step range: (0, ¼), (10, ½), (30, ¾), (40, ¾) gives 23.75 / 40 = 0.59375; one point gives its value")
    func areaUnderCurve() {
        #expect(Statistics.areaUnderCurve([(0, 0.25), (10, 0.5), (30, 0.75), (40, 0.75)]) == 0.59375)
        #expect(Statistics.areaUnderCurve([(40, 0.75), (0, 0.25), (30, 0.75), (10, 0.5)]) == 0.59375)
        #expect(Statistics.areaUnderCurve([(5, 0.5)]) == 0.5)
        #expect(Statistics.areaUnderCurve([]) == nil)
        #expect(Statistics.meanAbsoluteChange([0.25, 0.75, 0.25, 0.5]) == 1.25 / 3)
    }

    @Test("The verdict rule: d = 4 against 2·SE = 2√2 is reproduced; the sides swapped, contradicted; d = 1, inconclusive; a single seed on a side, inconclusive whatever the difference")
    func verdicts() {
        let reproduced = Comparison(a: [5, 7], b: [1, 3])
        #expect(reproduced.difference == 4 && reproduced.standardError == 2.0.squareRoot())
        #expect(reproduced.verdict == .reproduced)
        #expect(Comparison(a: [1, 3], b: [5, 7]).verdict == .contradicted)
        let close = Comparison(a: [2, 4], b: [1, 3])
        #expect(close.verdict == .inconclusive && !close.tooFewSeeds && close.verdictText == "inconclusive")
        let single = Comparison(a: [100], b: [1, 3])
        #expect(single.verdict == .inconclusive && single.tooFewSeeds)
        #expect(single.verdictText == "inconclusive (fewer than 2 finished seeds measured)")
        #expect(Comparison(a: [], b: [1, 3]).verdict == .inconclusive)
    }

    @Test("For a lower-is-better measure the paper's direction is reversed: A lower than B by more than 2·SE is reproduced, higher by more is contradicted; exactly 2·SE is inconclusive")
    func lowerIsBetter() {
        #expect(Comparison(a: [1, 3], b: [5, 7], higherIsBetter: false).verdict == .reproduced)
        #expect(Comparison(a: [5, 7], b: [1, 3], higherIsBetter: false).verdict == .contradicted)
        // d = 2, SE = 1 (a = [0, 0], b = [1, 3]: s²ₚ = 1, 1/2 + 1/2 = 1): exactly 2·SE is not more than it.
        #expect(Comparison(a: [0, 0], b: [1, 3]).standardError == 1)
        #expect(Comparison(a: [0, 0], b: [1, 3], higherIsBetter: false).verdict == .inconclusive)
    }
}
