import Foundation
import Testing
import Kernels

@Suite("Random: categorical sampling")
struct CategoricalTests {
    /// Pearson's chi-square statistic of observed counts against expected probabilities (Double).
    static func chiSquare(counts: [Int], probabilities: [Double]) -> (statistic: Double, degrees: Int) {
        let n = Double(counts.reduce(0, +))
        var statistic = 0.0, degrees = -1
        for (c, p) in zip(counts, probabilities) where p > 0 {
            statistic += (Double(c) - n * p) * (Double(c) - n * p) / (n * p)
            degrees += 1
        }
        return (statistic, degrees)
    }

    /// A bound the statistic exceeds with probability far below 1e-6 (mean k, sd sqrt(2k); 7 sd).
    static func bound(_ degrees: Int) -> Double { Double(degrees) + 7 * (2 * Double(degrees)).squareRoot() }

    @Test("categorical frequencies from weights match the probabilities (chi-square) and zero weights are never drawn")
    func probabilitiesFrequencies() {
        var weights = [Float](repeating: 0, count: 37)
        for i in 0..<37 where i % 5 != 2 { weights[i] = Float(1 + (i * 7) % 11) }   // 7 zero weights, unnormalised
        let total = weights.reduce(0.0) { $0 + Double($1) }
        var counts = [Int](repeating: 0, count: 37)
        var stream = RandomStream(seed: 11, name: "categorical")
        weights.withUnsafeBufferPointer { w in
            for _ in 0..<200_000 { counts[stream.categorical(probabilities: w.baseAddress!, count: 37)] += 1 }
        }
        for i in 0..<37 where weights[i] == 0 { #expect(counts[i] == 0) }
        let (statistic, degrees) = Self.chiSquare(counts: counts, probabilities: weights.map { Double($0) / total })
        #expect(degrees == 29)
        #expect(statistic < Self.bound(degrees))
    }

    @Test("categorical frequencies from logits follow softmax(logits / temperature); −∞ logits are never drawn")
    func logitsFrequencies() {
        let logits: [Double] = [0.5, -.infinity, 2, -1, 0, -.infinity, 1.5, -3, 0.25, 1, -0.5, 3, -2, 0.75, -.infinity, 2.5, 1.25, -1.5]
        for temperature in [0.7, 1.0, 2.5] {
            let m = logits.max()!
            let weights = logits.map { exp(($0 - m) / temperature) }
            let probabilities = weights.map { $0 / weights.reduce(0, +) }
            for useFloat in [false, true] {
                var counts = [Int](repeating: 0, count: logits.count)
                var stream = RandomStream(seed: 3, name: "logits").child(Int(temperature * 10))
                if useFloat {
                    let l = logits.map { Float($0) }
                    l.withUnsafeBufferPointer { p in
                        for _ in 0..<100_000 {
                            counts[stream.categorical(logits: p.baseAddress!, count: l.count, temperature: Float(temperature))] += 1
                        }
                    }
                } else {
                    logits.withUnsafeBufferPointer { p in
                        for _ in 0..<100_000 {
                            counts[stream.categorical(logits: p.baseAddress!, count: logits.count, temperature: temperature)] += 1
                        }
                    }
                }
                for i in logits.indices where logits[i] == -.infinity { #expect(counts[i] == 0) }
                let (statistic, degrees) = Self.chiSquare(counts: counts, probabilities: probabilities)
                #expect(statistic < Self.bound(degrees))
            }
        }
    }

    @Test("the drawn index is the first whose left-to-right running sum exceeds u·total, for any u in [0, 1)")
    func inverseTransformRule() {
        let weights: [Float] = [0, 0.3, 0, 0, 0.1, 0.25, 0, 0.35, 0]
        let largestBelowOne: Float = 1 - Float.ulpOfOne / 2
        var stream = RandomStream(seed: 8, name: "rule")
        var us: [Float] = [0, largestBelowOne, 0.3 / 1.0, 0.4, 0.3999, 0.65]
        for _ in 0..<2000 { us.append(stream.nextUniform()) }
        weights.withUnsafeBufferPointer { w in
            for u in us {
                // Plain-loop reference in the documented order.
                var total: Float = 0
                for x in weights { total += x }
                var running: Float = 0, expected = -1
                for (i, x) in weights.enumerated() {
                    running += x
                    if running > u * total { expected = i; break }
                }
                let drawn = Float.sampleCategorical(probabilities: w.baseAddress!, count: weights.count, uniform: u)
                #expect(drawn == expected)
                #expect(weights[drawn] > 0)
            }
            #expect(Float.sampleCategorical(probabilities: w.baseAddress!, count: weights.count, uniform: 0) == 1)
            #expect(Float.sampleCategorical(probabilities: w.baseAddress!, count: weights.count, uniform: largestBelowOne) == 7)
        }
        let single: [Double] = [-.infinity, 4, -.infinity]
        single.withUnsafeBufferPointer { p in
            #expect(Double.sampleCategorical(logits: p.baseAddress!, count: 3, temperature: 1, uniform: 0.999) == 1)
        }
    }
}
