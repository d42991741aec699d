import Foundation
import PropertyBased
import PropertyTesting
import RLMath
import Testing

@Suite("Whitening")
struct WhiteningTests {
    /// A batch of up to 6 sequences of up to 60 tokens, values a + b·uniform(−1, 1) with a random offset a
    /// and spread b (so mean and spread are of comparable size).
    static let batch = zip(
        Gen.double(in: -3...3), Gen.double(in: 0.01...10),
        zip(Gen.double(in: -1...1), Gen.bool(0.7)).array(of: 0...60).array(of: 0...6)
    ).map { offset, spread, sequences in
        (sequences.map { $0.map { offset + spread * $0.0 } }, sequences.map { $0.map(\.1) })
    }

    /// The valid values, in batch order.
    static func valid<S>(_ values: [[S]], _ masks: [[Bool]]) -> [S] {
        zip(values, masks).flatMap { x, m in m.indices.filter { m[$0] }.map { x[$0] } }
    }

    @Test("n ≥ 2 valid tokens: the whitened valid values (Double) have mean 0 and unbiased variance s²/(s² + 1e-8), within the rounding bound; masked are 0")
    func meanAndVariance() async {
        await checkProperty(count: 200, input: Self.batch) { values, masks in
            let out = whiten(values, masks: masks)
            let x = Self.valid(values, masks)
            let y = Self.valid(out, masks)
            for (o, m) in zip(out, masks) { #expect(m.indices.allSatisfy { m[$0] || o[$0] == 0 }) }
            guard x.count >= 2 else { return }
            let n = Double(x.count)
            let mean = x.reduce(0, +) / n
            let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
            let scale = (variance + 1e-8).squareRoot()
            let yMax = y.map(abs).max()!
            // Each ŷ is within e of its exact value, and the exact values have mean 0 and the stated variance;
            // the sums below add their own n·u·max|y| (mean) and n·u·max|y|² (variance).
            let meanMagnitude = x.reduce(0) { $0 + abs($1) } / n
            let e = RLTestData.normalizationBound(
                y: yMax, count: n, meanMagnitude: meanMagnitude, scale: scale, u: Double.ulpOfOne / 2)
            let yMean = y.reduce(0, +) / n
            let yVariance = y.reduce(0) { $0 + ($1 - yMean) * ($1 - yMean) } / (n - 1)
            #expect(abs(yMean) <= e + n * Double.ulpOfOne * yMax)
            let varianceTolerance = 3 * (yMax + e) * e * n / (n - 1) + 2 * n * Double.ulpOfOne * yMax * yMax
            #expect(abs(yVariance - variance / (variance + 1e-8)) <= varianceTolerance)
        }
    }

    @Test("Float whitening is within (n + 8)·u·(|y| + a/s) + 2|y|·((n + 1)·u·a/s)² of the closed form in Double")
    func floatAgainstDouble() async {
        await checkProperty(count: 200, input: Self.batch) { values, masks in
            let floats = values.map { $0.map { Float($0) } }
            let out = whiten(floats, masks: masks)
            let x = Self.valid(floats, masks).map(Double.init)
            guard x.count >= 2 else { return }
            let n = Double(x.count)
            let mean = x.reduce(0, +) / n
            let scale = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) + 1e-8).squareRoot()
            let meanMagnitude = x.reduce(0) { $0 + abs($1) } / n
            for (i, m) in masks.enumerated() {
                for t in m.indices where m[t] {
                    let y = (Double(floats[i][t]) - mean) / scale
                    let bound = RLTestData.normalizationBound(
                        y: y, count: n, meanMagnitude: meanMagnitude, scale: scale, u: Double(Float.ulpOfOne) / 2)
                    #expect(abs(Double(out[i][t]) - y) <= bound)
                }
            }
        }
    }

    @Test("zero or one valid token gives all zeros; equal values give finite values near 0; never NaN")
    func degenerateBatches() {
        let masks: [[Bool]] = [[false, false], [], [false, true, false]]
        let noneValid: [[Bool]] = [[false, false], [], [false, false, false]]
        #expect(whiten([[Float.nan, 3], [], [0, 5, 7]], masks: noneValid) == [[0, 0], [], [0, 0, 0]])
        #expect(whiten([[Float.nan, 3], [], [0, 5, 7]], masks: masks) == [[0, 0], [], [0, 0, 0]])
        let equal = whiten([[Float(0.1), 0.1, 0.1], [0.1]], masks: [[true, true, true], [true]])
        #expect(equal.joined().allSatisfy { !$0.isNaN && abs($0) <= 1e-2 })
        #expect(whiten([[Double](), []], masks: [[], []]) == [[], []])
    }
}
