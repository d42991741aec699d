import Foundation
import Testing
import PropertyBased
import PropertyTesting
import Kernels

@Suite("Softmax and log-softmax")
struct SoftmaxTests {
    typealias Reference = NormalizationReference

    /// Logits for `rows` × `cols` (std 3); with `masked`, about one in five entries is −∞ and row 1 (if any)
    /// is entirely −∞.
    static func logits(rows: Int, cols: Int, masked: Bool) -> [Float] {
        var x: [Float] = ReductionTestData.normals(rows * cols, name: "logits\(rows).\(cols)", scale: 3)
        if masked {
            for j in x.indices where (j * 7 + 3) % 5 == 0 { x[j] = -.infinity }
            if rows > 1 { for j in 0..<cols { x[cols + j] = -.infinity } }
        }
        return x
    }

    static func run(_ x: [Float], rows: Int, cols: Int, log: Bool) -> [Float] {
        var y = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                if log { Float.logSoftmax(xp.baseAddress!, rows: rows, cols: cols, into: yp.baseAddress!) }
                else { Float.softmax(xp.baseAddress!, rows: rows, cols: cols, into: yp.baseAddress!) }
            }
        }
        return y
    }

    static let shapes = zip(Gen.int(in: 0...5), Gen.int(in: 0...80), Gen.int(in: 0...1))

    @Test("softmax rows match a plain-loop Double reference on random shapes, with masked (−∞) entries")
    func softmaxAgainstDouble() async {
        await checkProperty(count: 60, input: Self.shapes) { rows, cols, masked in
            let x = Self.logits(rows: rows, cols: cols, masked: masked == 1)
            let y = Self.run(x, rows: rows, cols: cols, log: false)
            let u = Double(Float.ulpOfOne) / 2
            for (r, row) in Reference.rows(x, cols: cols).enumerated() {
                let d = row.map { Double($0) }
                let reference = Reference.softmax(d)
                let m = d.max()!
                for j in 0..<cols {
                    let got = Double(y[r * cols + j])
                    if row[j] == -.infinity { #expect(got == 0); continue }
                    // x − m (relative error u·|x − m|), exp (≤ 2 ulp), the sum and the division.
                    let bound = (abs(d[j] - m) + Double(cols) + 8) * u * reference[j]
                    #expect(abs(got - reference[j]) <= bound)
                }
            }
        }
    }

    @Test("softmax rows sum to 1 within (cols + 4)·u, and y = e / s with s summed in the documented order")
    func softmaxSumsToOne() async {
        await checkProperty(count: 40, input: Self.shapes) { rows, cols, masked in
            let x = Self.logits(rows: rows, cols: cols, masked: masked == 1)
            let y = Self.run(x, rows: rows, cols: cols, log: false)
            for (r, row) in Reference.rows(x, cols: cols).enumerated() where row.contains(where: { $0 > -.infinity }) {
                let out = Array(y[r * cols..<(r + 1) * cols])
                let total = out.reduce(0.0) { $0 + Double($1) }
                #expect(abs(total - 1) <= Double(cols + 4) * Double(Float.ulpOfOne))
                // Exponentials from Float.vectorExp lane by lane, summed in the documented order.
                let m = row.max()!
                let e = row.map { v -> Float in v == -.infinity ? 0 : Float.vectorExp(SIMD16(repeating: v - m))[0] }
                let s = ReductionTestData.documentedOrder(count: cols, { (e[$0], 1) }, fused: false)
                for j in 0..<cols { #expect(out[j].bitPattern == (e[j] / s).bitPattern) }
            }
        }
    }

    @Test("log-softmax rows match a plain-loop Double reference on random shapes, with masked (−∞) entries")
    func logSoftmaxAgainstDouble() async {
        await checkProperty(count: 60, input: Self.shapes) { rows, cols, masked in
            let x = Self.logits(rows: rows, cols: cols, masked: masked == 1)
            let y = Self.run(x, rows: rows, cols: cols, log: true)
            let u = Double(Float.ulpOfOne) / 2
            for (r, row) in Reference.rows(x, cols: cols).enumerated() {
                let d = row.map { Double($0) }
                let reference = Reference.logSoftmax(d)
                for j in 0..<cols {
                    let got = Double(y[r * cols + j])
                    if reference[j] == -.infinity { #expect(got == -.infinity); continue }
                    #expect(abs(got - reference[j]) <= (abs(reference[j]) + Double(cols) + 8) * 2 * u)
                }
            }
        }
    }

    @Test("an all −∞ row gives zeros (softmax) and −∞ (log-softmax); NaN or +∞ gives NaN; one column gives 1 and 0")
    func edgeRows() {
        let x: [Float] = [-.infinity, -.infinity, -.infinity,
                          1, .nan, 2,
                          1, .infinity, 2,
                          .nan, -.infinity, -.infinity]
        let s = Self.run(x, rows: 4, cols: 3, log: false)
        let l = Self.run(x, rows: 4, cols: 3, log: true)
        #expect(s[0..<3].allSatisfy { $0 == 0 } && l[0..<3].allSatisfy { $0 == -.infinity })
        #expect(s[3...].allSatisfy { $0.isNaN } && l[3...].allSatisfy { $0.isNaN })
        let single: [Float] = [-3, 0, 1e30, -.infinity]
        #expect(Self.run(single, rows: 4, cols: 1, log: false) == [1, 1, 1, 0])
        #expect(Self.run(single, rows: 4, cols: 1, log: true) == [0, 0, 0, -.infinity])
        #expect(Self.run([], rows: 0, cols: 7, log: false).isEmpty)
        // Large logits do not overflow: the row max is subtracted first.
        let large: [Float] = [1000, 998.75, -1000]
        let y = Self.run(large, rows: 1, cols: 3, log: false)
        let p = 1 / (1 + exp(-1.25))
        #expect(abs(Double(y[0]) - p) < 1e-6 && abs(Double(y[1]) - (1 - p)) < 1e-6 && y[2] == 0)
    }

    @Test("softmax and log-softmax rows do not depend on the other rows or on the row count")
    func rowIndependence() {
        let cols = 77
        let x = Self.logits(rows: 6, cols: cols, masked: true)
        for log in [false, true] {
            let batch = Self.run(x, rows: 6, cols: cols, log: log)
            for r in 0..<6 {
                let alone = Self.run(Array(x[r * cols..<(r + 1) * cols]), rows: 1, cols: cols, log: log)
                #expect(alone.map(\.bitPattern) == batch[r * cols..<(r + 1) * cols].map(\.bitPattern))
            }
        }
    }

    /// The two backward kernels in Double, accumulating into a non-zero gx.
    static func backward(_ y: [Double], _ gy: [Double], start gx: [Double], rows: Int, cols: Int, log: Bool) -> [Double] {
        var g = gx
        y.withUnsafeBufferPointer { yp in
            gy.withUnsafeBufferPointer { gp in
                g.withUnsafeMutableBufferPointer { xp in
                    if log { Double.logSoftmaxBackward(yp.baseAddress!, gp.baseAddress!, rows: rows, cols: cols, accumulatingInto: xp.baseAddress!) }
                    else { Double.softmaxBackward(yp.baseAddress!, gp.baseAddress!, rows: rows, cols: cols, accumulatingInto: xp.baseAddress!) }
                }
            }
        }
        return g
    }

    @Test("softmax and log-softmax backward match central finite differences in Double and accumulate into gx")
    func backwardFiniteDifferences() async {
        await checkProperty(count: 30, input: Gen.int(in: 1...3), Gen.int(in: 1...40)) { rows, cols in
            let x: [Double] = ReductionTestData.normals(rows * cols, name: "fd\(rows).\(cols)", scale: 2)
            let gy: [Double] = ReductionTestData.normals(rows * cols, name: "fdgy\(rows).\(cols)")
            let start: [Double] = ReductionTestData.normals(rows * cols, name: "fdgx\(rows).\(cols)")
            for log in [false, true] {
                let forward = { (v: [Double]) -> [Double] in
                    var y = [Double](repeating: 0, count: v.count)
                    v.withUnsafeBufferPointer { vp in
                        y.withUnsafeMutableBufferPointer { yp in
                            if log { Double.logSoftmax(vp.baseAddress!, rows: rows, cols: cols, into: yp.baseAddress!) }
                            else { Double.softmax(vp.baseAddress!, rows: rows, cols: cols, into: yp.baseAddress!) }
                        }
                    }
                    return y
                }
                let loss = { (v: [Double]) in zip(forward(v), gy).reduce(0.0) { $0 + $1.0 * $1.1 } }
                let numeric = Reference.gradient(of: loss, at: x, step: 1e-5)
                let analytic = Self.backward(forward(x), gy, start: start, rows: rows, cols: cols, log: log)
                for k in x.indices { #expect(abs(analytic[k] - start[k] - numeric[k]) < 1e-8) }
            }
        }
    }

    @Test("Float softmax and log-softmax backward match the plain-loop reference formulas in Double")
    func backwardFormulas() async {
        await checkProperty(count: 40, input: Self.shapes) { rows, cols, masked in
            let x = Self.logits(rows: rows, cols: cols, masked: masked == 1)
            let gy: [Float] = ReductionTestData.normals(rows * cols, name: "gy\(rows).\(cols)")
            let start: [Float] = ReductionTestData.normals(rows * cols, name: "gx\(rows).\(cols)")
            for log in [false, true] {
                let y = Self.run(x, rows: rows, cols: cols, log: log)
                var gx = start
                y.withUnsafeBufferPointer { yp in
                    gy.withUnsafeBufferPointer { gp in
                        gx.withUnsafeMutableBufferPointer { xp in
                            if log { Float.logSoftmaxBackward(yp.baseAddress!, gp.baseAddress!, rows: rows, cols: cols, accumulatingInto: xp.baseAddress!) }
                            else { Float.softmaxBackward(yp.baseAddress!, gp.baseAddress!, rows: rows, cols: cols, accumulatingInto: xp.baseAddress!) }
                        }
                    }
                }
                for r in 0..<rows {
                    let range = r * cols..<(r + 1) * cols
                    let (yr, gr) = (y[range].map { Double($0) }, gy[range].map { Double($0) })
                    let p = log ? yr.map { exp($0) } : yr
                    // softmax: y ⊙ (gy − Σ gy·y); log-softmax: gy − exp(y)·Σ gy.
                    let d = log ? gr.reduce(0, +) : zip(gr, yr).reduce(0.0) { $0 + $1.0 * $1.1 }
                    let magnitude = gr.reduce(0.0) { $0 + abs($1) }
                    for (j, k) in range.enumerated() {
                        let expected = Double(start[k]) + (log ? gr[j] - p[j] * d : yr[j] * (gr[j] - d))
                        let bound = (Double(cols) + 8) * Double(Float.ulpOfOne) * (magnitude + abs(Double(start[k])) + 1)
                        #expect(abs(Double(gx[k]) - expected) <= bound)
                    }
                }
            }
        }
    }
}
