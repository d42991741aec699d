import Foundation
import Testing
import Kernels

/// Moments of a sample, accumulated in Double.
struct Moments {
    var mean = 0.0, variance = 0.0, kurtosis = 0.0

    init<T: BinaryFloatingPoint>(_ x: [T]) {
        let n = Double(x.count)
        mean = x.reduce(0.0) { $0 + Double($1) } / n
        var m2 = 0.0, m4 = 0.0
        for v in x {
            let d = Double(v) - mean
            m2 += d * d
            m4 += d * d * d * d
        }
        variance = m2 / n
        kurtosis = (m4 / n) / (variance * variance)
    }
}

@Suite("Random: distributions")
struct DistributionTests {
    static let draws = 1_000_000

    @Test("uniform Float and Double fills lie in [0, 1) with mean 1/2 and variance 1/12 (5-sigma bounds, 1e6 draws)")
    func uniformMoments() {
        func check<T: RandomKernels>(_: T.Type, name: String) {
            var stream = RandomStream(seed: 2024, name: name)
            var x = [T](repeating: 0, count: Self.draws)
            x.withUnsafeMutableBufferPointer { stream.fillUniform($0.baseAddress!, count: $0.count) }
            #expect(x.allSatisfy { $0 >= 0 && $0 < 1 })
            let m = Moments(x)
            let n = Double(Self.draws)
            #expect(abs(m.mean - 0.5) < 5 * (1.0 / 12 / n).squareRoot())
            // Var of (X − 1/2)^2 for U(0, 1) is 1/80 − 1/144.
            #expect(abs(m.variance - 1.0 / 12) < 5 * ((1.0 / 80 - 1.0 / 144) / n).squareRoot())
        }
        check(Float.self, name: "uniform.float")
        check(Double.self, name: "uniform.double")
    }

    @Test("uniform fills in a range map u to low + (high − low)·u and stay in [low, high]")
    func uniformRange() {
        var x = [Float](repeating: 0, count: 1000)
        var stream = RandomStream(seed: 5, name: "range")
        let start = stream
        x.withUnsafeMutableBufferPointer { stream.fillUniform($0.baseAddress!, count: $0.count, low: -3, high: 2) }
        for (e, v) in x.enumerated() {
            let u: Float = start.uniform(at: UInt64(e))
            #expect(v == (-3 as Float).addingProduct(5, u))
            #expect(v == start.uniform(low: -3, high: 2, at: UInt64(e)))
            #expect(v >= -3 && v <= 2)
        }
    }

    @Test("normal Float and Double fills have mean 0, variance 1, kurtosis 3 (5-sigma bounds, 1e6 draws)")
    func normalMoments() {
        func check<T: RandomKernels>(_: T.Type, name: String) {
            var stream = RandomStream(seed: 2024, name: name)
            var x = [T](repeating: 0, count: Self.draws)
            x.withUnsafeMutableBufferPointer { stream.fillNormal($0.baseAddress!, count: $0.count) }
            #expect(x.allSatisfy { $0.isFinite })
            let m = Moments(x)
            let n = Double(Self.draws)
            #expect(abs(m.mean) < 5 / n.squareRoot())
            #expect(abs(m.variance - 1) < 5 * (2 / n).squareRoot())
            #expect(abs(m.kurtosis - 3) < 5 * (24 / n).squareRoot())
        }
        check(Float.self, name: "normal.float")
        check(Double.self, name: "normal.double")
    }

    @Test("normal fills with mean and std map z to mean + std·z, and Double normals match the Python reference")
    func normalRecipe() {
        let stream = RandomStream(seed: 42, name: "layer0.weight")
        // Verification/Random/philox_reference.py (Box–Muller with Python's math.log and math.cos).
        let reference = [-0.94691835343194208, -0.61133845174457524, 0.95486573124063023, -0.93991689614528806]
        for (counter, expected) in reference.enumerated() {
            let z: Double = stream.normal(at: UInt64(counter))
            #expect(abs(z - expected) < 1e-14)
        }
        var x = [Double](repeating: 0, count: 40)
        var s = stream
        x.withUnsafeMutableBufferPointer { s.fillNormal($0.baseAddress!, count: $0.count, mean: 3, std: 0.5) }
        for (e, v) in x.enumerated() { #expect(v == (3 as Double).addingProduct(0.5, stream.normal(at: UInt64(e)))) }
    }

    @Test("a fill gives the same values in one call as in several consecutive calls")
    func fillsSplitAnywhere() {
        func check<T: RandomKernels>(_: T.Type) {
            let parts = [1, 17, 0, 30, 16, 52, 3]
            let total = parts.reduce(0, +)
            for normal in [false, true] {
                var whole = [T](repeating: 0, count: total)
                var one = RandomStream(seed: 9, name: "split").child(4)
                one.counter = 1000
                var many = one
                whole.withUnsafeMutableBufferPointer { p in
                    normal ? one.fillNormal(p.baseAddress!, count: total) : one.fillUniform(p.baseAddress!, count: total)
                }
                var pieces = [T](repeating: 0, count: total)
                pieces.withUnsafeMutableBufferPointer { p in
                    var offset = 0
                    for n in parts {
                        normal ? many.fillNormal(p.baseAddress! + offset, count: n)
                               : many.fillUniform(p.baseAddress! + offset, count: n)
                        offset += n
                    }
                }
                #expect(whole == pieces)
                #expect(one.counter == 1000 + UInt64(total) && many.counter == one.counter)
                // Element e is block counter + e: the scalar draws agree.
                let start = RandomStream(key: one.key, counter: 1000)
                for e in [0, 1, 15, 16, total - 1] {
                    let v: T = normal ? start.normal(at: 1000 + UInt64(e)) : start.uniform(at: 1000 + UInt64(e))
                    #expect(whole[e] == v)
                }
            }
        }
        check(Float.self)
        check(Double.self)
    }

    @Test("cosineOfTwoPi matches cos(2πu) to within 4 ulp (Double) and 2 ulp of 1 (Float) on [0, 1)")
    func cosineAccuracy() {
        func maxError<T: RandomKernels>(_: T.Type) -> Double {
            var stream = RandomStream(seed: 1, name: "cos")
            var worst = 0.0
            for start in stride(from: 0, to: 1 << 16, by: 16) {
                var u = T.uniforms(stream.blocks(from: UInt64(start)))
                if start == 0 { u = SIMD16(0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 0.999, 1.0 / 3, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7) }
                let c = T.cosineOfTwoPi(u)
                for lane in 0..<16 {
                    worst = Swift.max(worst, abs(Double(c[lane]) - cos(2 * Double.pi * Double(u[lane]))))
                }
            }
            stream.counter = 0
            return worst
        }
        #expect(maxError(Double.self) < 4 * Double.ulpOfOne)
        #expect(maxError(Float.self) < 2 * Double(Float.ulpOfOne))
    }
}
