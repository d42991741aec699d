import Foundation
import Kernels
import PropertyBased
import PropertyTesting
import TestSupport
import Testing

@Suite("Causal attention")
struct CausalAttentionTests {
    struct Shape: CustomStringConvertible {
        let batch: Int, length: Int, heads: Int, headWidth: Int
        var width: Int { heads * headWidth }
        var qkvCount: Int { batch * length * 3 * width }
        var outputCount: Int { batch * length * width }
        var probabilityCount: Int { batch * heads * length * length }
        var scale: Double { 1 / Double(headWidth).squareRoot() }
        var description: String { "batch \(batch) length \(length) heads \(heads) headWidth \(headWidth)" }
    }

    /// Plain loops in Double: output [B, T, d], probabilities [B, H, T, T] and, given the output gradient,
    /// the qkv gradient [B, T, 3d] (from the textbook formulas, with the causal mask as s ≤ t).
    static func reference(_ shape: Shape, qkv: [Double], gOutput: [Double])
        -> (output: [Double], probabilities: [Double], gqkv: [Double]) {
        let (t, hd, d) = (shape.length, shape.headWidth, shape.width)
        var output = [Double](repeating: 0, count: shape.outputCount)
        var probabilities = [Double](repeating: 0, count: shape.probabilityCount)
        var gqkv = [Double](repeating: 0, count: shape.qkvCount)
        func index(_ b: Int, _ row: Int, _ part: Int, _ h: Int, _ i: Int) -> Int { (b * t + row) * 3 * d + part * d + h * hd + i }
        for b in 0..<shape.batch {
            for h in 0..<shape.heads {
                func q(_ r: Int, _ i: Int) -> Double { qkv[index(b, r, 0, h, i)] }
                func k(_ r: Int, _ i: Int) -> Double { qkv[index(b, r, 1, h, i)] }
                func v(_ r: Int, _ i: Int) -> Double { qkv[index(b, r, 2, h, i)] }
                func gO(_ r: Int, _ i: Int) -> Double { gOutput[(b * t + r) * d + h * hd + i] }
                var p = [[Double]](repeating: [Double](repeating: 0, count: t), count: t)
                for row in 0..<t {
                    let scores = (0...row).map { s in (0..<hd).reduce(0.0) { $0 + q(row, $1) * k(s, $1) } * shape.scale }
                    let m = scores.max()!
                    let e = scores.map { exp($0 - m) }
                    let total = e.reduce(0, +)
                    for s in 0...row { p[row][s] = e[s] / total }
                    for i in 0..<hd { output[(b * t + row) * d + h * hd + i] = (0...row).reduce(0.0) { $0 + p[row][$1] * v($1, i) } }
                    for s in 0..<t { probabilities[((b * shape.heads + h) * t + row) * t + s] = p[row][s] }
                }
                for row in 0..<t {
                    let dP = (0...row).map { s in (0..<hd).reduce(0.0) { $0 + gO(row, $1) * v(s, $1) } }
                    let c = (0...row).reduce(0.0) { $0 + p[row][$1] * dP[$1] }
                    for s in 0...row {
                        let dS = p[row][s] * (dP[s] - c) * shape.scale
                        for i in 0..<hd {
                            gqkv[index(b, row, 0, h, i)] += dS * k(s, i)
                            gqkv[index(b, s, 1, h, i)] += dS * q(row, i)
                            gqkv[index(b, s, 2, h, i)] += p[row][s] * gO(row, i)
                        }
                    }
                }
            }
        }
        return (output, probabilities, gqkv)
    }

    /// The kernels' forward outputs and the backward's gradient accumulated onto `gStart`.
    static func kernels<T: KernelScalar>(_ shape: Shape, qkv: [T], gOutput: [T], gStart: [T])
        -> (output: [T], probabilities: [T], gqkv: [T]) {
        var output = [T](repeating: .nan, count: shape.outputCount)
        var probabilities = [T](repeating: .nan, count: shape.probabilityCount)
        var gqkv = gStart
        let scale = 1 / T(shape.headWidth).squareRoot()
        T.causalAttention(
            qkv: qkv, batch: shape.batch, length: shape.length, heads: shape.heads, headWidth: shape.headWidth,
            scale: scale, into: &output, probabilities: &probabilities)
        T.causalAttentionBackward(
            qkv: qkv, probabilities: probabilities, outputGradient: gOutput, batch: shape.batch, length: shape.length,
            heads: shape.heads, headWidth: shape.headWidth, scale: scale, into: &gqkv, accumulate: true)
        return (output, probabilities, gqkv)
    }

    static func relativeError(_ x: [Double], _ y: [Double]) -> Double {
        let difference = zip(x, y).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let scale = max(x.reduce(0.0) { $0 + $1 * $1 }, y.reduce(0.0) { $0 + $1 * $1 }).squareRoot()
        return scale == 0 ? difference : difference / scale
    }

    static func randomShape(_ random: inout SplitMix64, maximumLength: Int) -> Shape {
        Shape(batch: random.integer(0...3), length: random.integer(1...maximumLength), heads: random.integer(1...3),
              headWidth: random.pick([1, 3, 5, 16, 17, 32]))
    }

    @Test("forward and backward match a plain-loop Double reference on random shapes (lengths 1–70, head widths not multiples of 16)")
    func againstReference() async {
        await checkProperty(count: 25, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = SplitMix64(seed: seed)
            let shape = Self.randomShape(&random, maximumLength: 70)
            let qkv = (0..<shape.qkvCount).map { _ in random.uniform(-2...2) }
            let gOutput = (0..<shape.outputCount).map { _ in random.uniform(-1...1) }
            let gStart = (0..<shape.qkvCount).map { _ in random.uniform(-1...1) }
            let want = Self.reference(shape, qkv: qkv, gOutput: gOutput)
            let wantG = zip(want.gqkv, gStart).map { $0 + $1 }
            let double = Self.kernels(shape, qkv: qkv, gOutput: gOutput, gStart: gStart)
            #expect(Self.relativeError(double.output, want.output) <= 1e-13, "\(shape)")
            #expect(Self.relativeError(double.probabilities, want.probabilities) <= 1e-13, "\(shape)")
            #expect(Self.relativeError(double.gqkv, wantG) <= 1e-13, "\(shape)")
            let float = Self.kernels(shape, qkv: qkv.map { Float($0) }, gOutput: gOutput.map { Float($0) }, gStart: gStart.map { Float($0) })
            #expect(Self.relativeError(float.output.map { Double($0) }, want.output) <= 1e-5, "\(shape)")
            #expect(Self.relativeError(float.gqkv.map { Double($0) }, wantG) <= 1e-5, "\(shape)")
            // Masked probabilities are exactly 0.
            let t = shape.length
            for (j, value) in float.probabilities.enumerated() where j % t > (j / t) % t { #expect(value == 0) }
        }
    }

    @Test("the backward without accumulation overwrites any previous contents with the bits of accumulating into zeros")
    func overwriting() async {
        await checkProperty(count: 15, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = SplitMix64(seed: seed)
            let shape = Self.randomShape(&random, maximumLength: 40)
            let qkv = (0..<shape.qkvCount).map { _ in Float(random.uniform(-2...2)) }
            let gOutput = (0..<shape.outputCount).map { _ in Float(random.uniform(-1...1)) }
            let intoZeros = Self.kernels(shape, qkv: qkv, gOutput: gOutput, gStart: [Float](repeating: 0, count: shape.qkvCount))
            var overwritten = [Float](repeating: .nan, count: shape.qkvCount)
            Float.causalAttentionBackward(
                qkv: qkv, probabilities: intoZeros.probabilities, outputGradient: gOutput, batch: shape.batch,
                length: shape.length, heads: shape.heads, headWidth: shape.headWidth,
                scale: 1 / Float(shape.headWidth).squareRoot(), into: &overwritten, accumulate: false)
            #expect(overwritten.map(\.bitPattern) == intoZeros.gqkv.map(\.bitPattern), "\(shape)")
        }
    }

    @Test("each output row equals cachedAttention over the row's visible keys and values, bit for bit (Float and Double)")
    func equalsCachedAttention() async {
        func check<T: KernelScalar>(_: T.Type, seed: Int) {
            var random = SplitMix64(seed: seed)
            let shape = Self.randomShape(&random, maximumLength: 70)
            let (t, hd, d) = (shape.length, shape.headWidth, shape.width)
            let qkv = (0..<shape.qkvCount).map { _ in T(random.uniform(-2...2)) }
            let ours = Self.kernels(shape, qkv: qkv, gOutput: [T](repeating: 0, count: shape.outputCount),
                                    gStart: [T](repeating: 0, count: shape.qkvCount))
            let tiles = (t + 15) / 16
            for b in 0..<shape.batch {
                // One sequence's cache, filled row by row as sampling fills it.
                var cacheKeys = [T](repeating: .nan, count: tiles * 16 * d)
                var cacheValues = [T](repeating: .nan, count: t * d)
                for row in 0..<t {
                    let base = (b * t + row) * 3 * d
                    let (query, key, value) = (Array(qkv[base..<(base + d)]), Array(qkv[(base + d)..<(base + 2 * d)]),
                                               Array(qkv[(base + 2 * d)..<(base + 3 * d)]))
                    var scratch = [T](repeating: .nan, count: shape.heads * tiles * 16)
                    var cached = [T](repeating: .nan, count: d)
                    T.cachedAttention(
                        query: query, key: key, value: value, position: row, cacheKeys: &cacheKeys,
                        cacheValues: &cacheValues, heads: shape.heads, headWidth: hd, scale: 1 / T(hd).squareRoot(),
                        scratch: &scratch, into: &cached)
                    let full = Array(ours.output[((b * t + row) * d)...].prefix(d))
                    let identical = zip(full, cached).allSatisfy { $0 == $1 && $0.sign == $1.sign }
                    #expect(identical, "\(T.self) \(shape) b \(b) row \(row)")
                }
            }
        }
        await checkProperty(count: 15, input: Gen.int(in: 0...1_000_000)) { seed in
            check(Float.self, seed: seed)
            check(Double.self, seed: seed)
        }
    }
}
