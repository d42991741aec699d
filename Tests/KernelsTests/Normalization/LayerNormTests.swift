import Foundation
import Testing
import PropertyBased
import PropertyTesting
import Kernels

@Suite("Layer norm")
struct LayerNormTests {
    struct Forward<T> { var y: [T], mean: [T], rstd: [T] }

    static func forward<T: KernelScalar>(_ x: [T], _ gamma: [T], _ beta: [T], rows: Int, cols: Int, epsilon: T) -> Forward<T> {
        var out = Forward(y: [T](repeating: .nan, count: x.count), mean: [T](repeating: .nan, count: rows),
                          rstd: [T](repeating: .nan, count: rows))
        x.withUnsafeBufferPointer { xp in
            gamma.withUnsafeBufferPointer { gp in
                beta.withUnsafeBufferPointer { bp in
                    out.y.withUnsafeMutableBufferPointer { yp in
                        out.mean.withUnsafeMutableBufferPointer { mp in
                            out.rstd.withUnsafeMutableBufferPointer { rp in
                                T.layerNorm(xp.baseAddress!, gamma: gp.baseAddress!, beta: bp.baseAddress!, rows: rows, cols: cols,
                                            epsilon: epsilon, into: yp.baseAddress!, mean: mp.baseAddress!, rstd: rp.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// gx, gGamma, gBeta accumulated onto the given starting values.
    static func backward<T: KernelScalar>(_ x: [T], _ gamma: [T], _ f: Forward<T>, _ gy: [T], rows: Int, cols: Int,
                                          start: (gx: [T], gGamma: [T], gBeta: [T])) -> (gx: [T], gGamma: [T], gBeta: [T]) {
        var (gx, gGamma, gBeta) = start
        x.withUnsafeBufferPointer { xp in
            gamma.withUnsafeBufferPointer { gp in
                f.mean.withUnsafeBufferPointer { mp in
                    f.rstd.withUnsafeBufferPointer { rp in
                        gy.withUnsafeBufferPointer { gyp in
                            gx.withUnsafeMutableBufferPointer { gxp in
                                gGamma.withUnsafeMutableBufferPointer { ggp in
                                    gBeta.withUnsafeMutableBufferPointer { gbp in
                                        T.layerNormBackward(xp.baseAddress!, gamma: gp.baseAddress!, mean: mp.baseAddress!, rstd: rp.baseAddress!,
                                                            gyp.baseAddress!, rows: rows, cols: cols, accumulatingInto: gxp.baseAddress!,
                                                            gammaGradient: ggp.baseAddress!, betaGradient: gbp.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (gx, gGamma, gBeta)
    }

    /// Plain-loop Double reference of one row: (x̂, mean, rstd).
    static func reference(_ x: [Double], epsilon: Double) -> (xHat: [Double], mean: Double, rstd: Double) {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let variance = x.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let rstd = 1 / (variance + epsilon).squareRoot()
        return (x.map { ($0 - mean) * rstd }, mean, rstd)
    }

    static func inputs<T: RandomKernels>(_ rows: Int, _ cols: Int, offset: T = 0) -> (x: [T], gamma: [T], beta: [T], gy: [T]) {
        let tag = "\(rows).\(cols)"
        let x: [T] = ReductionTestData.normals(rows * cols, name: "ln.x" + tag, scale: 2).map { $0 + offset }
        return (x, ReductionTestData.normals(cols, name: "ln.gamma" + tag).map { $0 + 1 },
                ReductionTestData.normals(cols, name: "ln.beta" + tag), ReductionTestData.normals(rows * cols, name: "ln.gy" + tag))
    }

    @Test("layer norm output, mean and rstd match a plain-loop Double reference on random shapes (also far from 0)")
    func forwardAgainstDouble() async {
        await checkProperty(count: 60, input: Gen.int(in: 0...5), Gen.int(in: 1...90), Gen.int(in: 0...1)) { rows, cols, shifted in
            let offset: Float = shifted == 1 ? 1000 : 0
            let (x, gamma, beta, _) = Self.inputs(rows, cols, offset: offset) as ([Float], [Float], [Float], [Float])
            let epsilon: Float = 1e-5
            let f = Self.forward(x, gamma, beta, rows: rows, cols: cols, epsilon: epsilon)
            let u = Double(Float.ulpOfOne) / 2
            for r in 0..<rows {
                let row = x[r * cols..<(r + 1) * cols].map { Double($0) }
                let (xHat, mean, rstd) = Self.reference(row, epsilon: Double(epsilon))
                // The mean carries (cols + 1)·u·|x|; centring magnifies it by rstd (|x| = offset + a few std).
                let scale = Double(offset) + 10
                #expect(abs(Double(f.mean[r]) - mean) <= (Double(cols) + 2) * u * scale)
                #expect(abs(Double(f.rstd[r]) - rstd) <= 4 * (Double(cols) + 8) * u * rstd * (1 + scale * rstd))
                for j in 0..<cols {
                    let expected = xHat[j] * Double(gamma[j]) + Double(beta[j])
                    let bound = 4 * (Double(cols) + 8) * u * (1 + scale * rstd) * (abs(Double(gamma[j])) * (abs(xHat[j]) + 1) + abs(Double(beta[j])))
                    #expect(abs(Double(f.y[r * cols + j]) - expected) <= bound)
                }
            }
        }
    }

    @Test("layer norm backward matches central finite differences in Double for x, gamma and beta")
    func backwardFiniteDifferences() async {
        await checkProperty(count: 25, input: Gen.int(in: 1...3), Gen.int(in: 1...35)) { rows, cols in
            let (x, gamma, beta, gy) = Self.inputs(rows, cols) as ([Double], [Double], [Double], [Double])
            let epsilon = 1e-3
            func loss(_ x: [Double], _ gamma: [Double], _ beta: [Double]) -> Double {
                zip(Self.forward(x, gamma, beta, rows: rows, cols: cols, epsilon: epsilon).y, gy).reduce(0.0) { $0 + $1.0 * $1.1 }
            }
            let start = (gx: [Double](repeating: 0.5, count: x.count), gGamma: [Double](repeating: -0.25, count: cols),
                         gBeta: [Double](repeating: 2, count: cols))
            let f = Self.forward(x, gamma, beta, rows: rows, cols: cols, epsilon: epsilon)
            let g = Self.backward(x, gamma, f, gy, rows: rows, cols: cols, start: start)
            let h = 1e-5
            let gx = NormalizationReference.gradient(of: { loss($0, gamma, beta) }, at: x, step: h)
            let gGamma = NormalizationReference.gradient(of: { loss(x, $0, beta) }, at: gamma, step: h)
            let gBeta = NormalizationReference.gradient(of: { loss(x, gamma, $0) }, at: beta, step: h)
            for k in x.indices { #expect(abs(g.gx[k] - start.gx[k] - gx[k]) < 1e-7) }
            for j in 0..<cols {
                #expect(abs(g.gGamma[j] - start.gGamma[j] - gGamma[j]) < 1e-7)
                #expect(abs(g.gBeta[j] - start.gBeta[j] - gBeta[j]) < 1e-7)
            }
        }
    }

    @Test("Float layer norm backward matches the plain-loop reference formulas in Double")
    func backwardFormulas() async {
        await checkProperty(count: 40, input: Gen.int(in: 0...5), Gen.int(in: 1...90)) { rows, cols in
            let (x, gamma, beta, gy) = Self.inputs(rows, cols) as ([Float], [Float], [Float], [Float])
            let f = Self.forward(x, gamma, beta, rows: rows, cols: cols, epsilon: 1e-5)
            let start: (gx: [Float], gGamma: [Float], gBeta: [Float]) =
                (ReductionTestData.normals(rows * cols, name: "ln.gx"), ReductionTestData.normals(cols, name: "ln.gg"),
                 ReductionTestData.normals(cols, name: "ln.gb"))
            let g = Self.backward(x, gamma, f, gy, rows: rows, cols: cols, start: start)
            var gGamma = start.gGamma.map { Double($0) }, gBeta = start.gBeta.map { Double($0) }
            let u = Double(Float.ulpOfOne) / 2
            for r in 0..<rows {
                let range = r * cols..<(r + 1) * cols
                let (xHat, _, rstd) = Self.reference(x[range].map { Double($0) }, epsilon: 1e-5)
                let dn = range.enumerated().map { j, k in Double(gy[k]) * Double(gamma[j]) }
                let a = dn.reduce(0, +) / Double(cols)
                let b = zip(dn, xHat).reduce(0.0) { $0 + $1.0 * $1.1 } / Double(cols)
                let magnitude = dn.reduce(0.0) { $0 + abs($1) }
                for (j, k) in range.enumerated() {
                    let expected = Double(start.gx[k]) + (dn[j] - a - xHat[j] * b) * rstd
                    let bound = 8 * (Double(cols) + 8) * u * (abs(Double(start.gx[k])) + rstd * (magnitude + abs(dn[j]) * 4))
                    #expect(abs(Double(g.gx[k]) - expected) <= bound)
                    gGamma[j] += Double(gy[k]) * xHat[j]
                    gBeta[j] += Double(gy[k])
                }
            }
            for j in 0..<cols {
                #expect(abs(Double(g.gGamma[j]) - gGamma[j]) <= 16 * Double(rows + 2) * u * (abs(gGamma[j]) + Double(rows) * 8 + 1))
                #expect(abs(Double(g.gBeta[j]) - gBeta[j]) <= 4 * Double(rows + 2) * u * (abs(gBeta[j]) + Double(rows) * 4 + 1))
            }
        }
    }

    @Test("layer norm rows do not depend on the other rows; an empty row saves NaN mean and rstd")
    func rowIndependence() {
        let (rows, cols) = (5, 70)
        let (x, gamma, beta, gy) = Self.inputs(rows, cols) as ([Float], [Float], [Float], [Float])
        let batch = Self.forward(x, gamma, beta, rows: rows, cols: cols, epsilon: 1e-5)
        let zeros = (gx: [Float](repeating: 0, count: cols), gGamma: [Float](repeating: 0, count: cols), gBeta: [Float](repeating: 0, count: cols))
        let batchGrad = Self.backward(x, gamma, batch, gy, rows: rows, cols: cols,
                                      start: ([Float](repeating: 0, count: x.count), zeros.gGamma, zeros.gBeta))
        for r in 0..<rows {
            let range = r * cols..<(r + 1) * cols
            let alone = Self.forward(Array(x[range]), gamma, beta, rows: 1, cols: cols, epsilon: 1e-5)
            #expect(alone.y.map(\.bitPattern) == batch.y[range].map(\.bitPattern))
            #expect(alone.mean[0].bitPattern == batch.mean[r].bitPattern && alone.rstd[0].bitPattern == batch.rstd[r].bitPattern)
            let grad = Self.backward(Array(x[range]), gamma, alone, Array(gy[range]), rows: 1, cols: cols, start: zeros)
            #expect(grad.gx.map(\.bitPattern) == batchGrad.gx[range].map(\.bitPattern))
        }
        let empty = Self.forward([Float](), [], [], rows: 2, cols: 0, epsilon: 1e-5)
        #expect(empty.mean.allSatisfy { $0.isNaN } && empty.rstd.allSatisfy { $0.isNaN })
        let constant = Self.forward([Float](repeating: 3, count: 4), [1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5], rows: 1, cols: 4, epsilon: 1e-4)
        #expect(constant.y == [0.5, 0.5, 0.5, 0.5] && constant.mean == [3] && abs(constant.rstd[0] - 100) < 1e-4)
    }
}
