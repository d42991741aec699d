import Foundation
import Kernels
import PropertyBased
import PropertyTesting
import TestSupport
import Testing

/// GELU's tanh approximation in Double, from the definition: 0.5·x·(1 + tanh(u)) = x·σ(2u), and its
/// derivative σ(2u) + 0.5·x·u'·sech²(u), written with exp and cosh so that neither cancels for negative x.
enum GELUReference {
    static let c = (2 / Double.pi).squareRoot()
    static let k = 0.044715

    static func u(_ x: Double) -> Double { c * (x + k * x * x * x) }
    static func value(_ x: Double) -> Double { x / (1 + Foundation.exp(-2 * u(x))) }
    static func derivativeTerms(_ x: Double) -> (gate: Double, slope: Double) {
        let cosh = Foundation.cosh(u(x))
        return (1 / (1 + Foundation.exp(-2 * u(x))), 0.5 * x * c * (1 + 3 * k * x * x) / (cosh * cosh))
    }
}

/// Runs `body` on Float and on Double, with the unit roundoff and the least normal magnitude of each
/// (below which results keep only an absolute accuracy).
func forBothScalars(_ body: (any ActivationKernels.Type, _ roundoff: Double, _ tiny: Double) async -> Void) async {
    await body(Float.self, 0x1p-24, Double(Float.leastNormalMagnitude))
    await body(Double.self, 0x1p-53, Double.leastNormalMagnitude)
}

@Suite("GELU forward and backward") struct GELUTests {
    static let sizes = Gen.int(in: 0...80)
    static let inputs = Gen.double(in: -8...8).array(of: 80)

    @Test("the Double reference equals 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) to 1e-13 where that form does not cancel")
    func referenceMatchesDefinition() {
        for x in stride(from: -3.0, through: 8, by: 0.001) {
            let literal = 0.5 * x * (1 + Foundation.tanh(GELUReference.u(x)))
            #expect((GELUReference.value(x) - literal).magnitude <= 1e-13 * max(literal.magnitude, 1e-3))
        }
    }

    // Error budget: u carries ≤ 4 roundings, so E = e^{−2u} and 1/(1 + E) are off by ≤ 8|u| roundoffs, plus a few for
    // exp, the divisions and the products; measured on 10^6 points of [−8, 8]: ≤ 4.7·(1 + |u|) roundoffs for
    // Float and ≤ 7.7·(1 + |u|) for Double, forward and backward alike (the bounds leave a factor 2 to spare).
    @Test("gelu is within (16 + 16|u|)·unit roundoff (relative, plus the least normal magnitude) of the Double reference, Float and Double, sizes 0...80 incl. 0, 1, 15, 16, 17")
    func forwardMatchesReference() async {
        await forBothScalars { scalar, roundoff, tiny in
            await checkProperty(count: 60, input: Self.sizes, Self.inputs) { size, values in
                for n in [size, 0, 1, 15, 16, 17] {
                    for (x, y) in zip(values.prefix(n), geluOutputs(scalar, Array(values.prefix(n)))) {
                        let reference = GELUReference.value(x)
                        let bound = (16 + 16 * GELUReference.u(x).magnitude) * roundoff * reference.magnitude + tiny
                        #expect((y - reference).magnitude <= bound, "gelu(\(x)) on \(scalar), size \(n)")
                    }
                }
            }
        }
    }

    @Test("geluBackward adds gy·gelu'(x) to gx within (16 + 16|u|)·unit roundoff of the magnitudes of its terms (plus the least normal magnitude), Float and Double")
    func backwardMatchesReference() async {
        await forBothScalars { scalar, roundoff, tiny in
            await checkProperty(count: 60, input: Self.sizes, Self.inputs, Self.inputs, Self.inputs) { size, x, gy, gx in
                for n in [size, 0, 1, 15, 16, 17] {
                    let x = Array(x.prefix(n)), gy = Array(gy.prefix(n)), gx = Array(gx.prefix(n))
                    let result = geluGradients(scalar, x, gy, gx)
                    for i in 0..<n {
                        // Inputs are rounded to the scalar first: the reference sees what the kernel sees.
                        let (xi, gyi, gxi) = (rounded(scalar, x[i]), rounded(scalar, gy[i]), rounded(scalar, gx[i]))
                        let (gate, slope) = GELUReference.derivativeTerms(xi)
                        let reference = gxi + gyi * (gate + slope)
                        let magnitude = gxi.magnitude + gyi.magnitude * (gate + slope.magnitude)
                        let bound = (16 + 16 * GELUReference.u(xi).magnitude) * roundoff * magnitude + tiny
                        #expect((result[i] - reference).magnitude <= bound, "gelu'(\(xi)) on \(scalar), size \(n)")
                    }
                }
            }
        }
    }

    @Test("geluBackward in Double matches a central finite difference of gelu in Double to 1e-8")
    func backwardMatchesFiniteDifference() async {
        await checkProperty(count: 200, input: Gen.double(in: -8...8)) { x in
            let h = 1e-5
            let ends = geluOutputs(Double.self, [x - h, x + h])
            let difference = (ends[1] - ends[0]) / (2 * h)
            let derivative = geluGradients(Double.self, [x], [1], [0])[0]
            #expect((derivative - difference).magnitude <= 1e-8, "gelu'(\(x))")
        }
    }

    @Test("a value's gelu and gelu' are the same bits at every index of buffers of every size 1...40, and in place")
    func indexIndependence() {
        var random = SplitMix64(state: 3)
        let values = (0..<40).map { _ in Float.random(in: -8...8, using: &random) }
        let alone = values.map { geluOutputs(Float.self, [Double($0)])[0] }
        let aloneDerivative = values.map { geluGradients(Float.self, [Double($0)], [1], [0])[0] }
        for n in 1...40 {
            let offset = n % 7
            let x = (0..<n).map { Double(values[($0 + offset) % 40]) }
            #expect(geluOutputs(Float.self, x) == (0..<n).map { alone[($0 + offset) % 40] })
            #expect(geluGradients(Float.self, x, Array(repeating: 1, count: n), Array(repeating: 0, count: n))
                == (0..<n).map { aloneDerivative[($0 + offset) % 40] })
        }
        var inPlace = values
        inPlace.withUnsafeMutableBufferPointer { Float.gelu($0.baseAddress!, count: 40, into: $0.baseAddress!) }
        #expect(inPlace.map(Double.init) == alone)
    }

    @Test("geluBackward without accumulation writes the bits of accumulating into zeros, whatever the buffer held")
    func overwriting() async {
        await checkProperty(count: 30, input: Gen.int(in: 0...70), Gen.int(in: 0...1_000_000)) { count, seed in
            var random = SplitMix64(seed: seed)
            let x = (0..<count).map { _ in Float(random.uniform(-6...6)) }, gy = (0..<count).map { _ in Float(random.uniform(-2...2)) }
            var intoZeros = [Float](repeating: 0, count: count), overwritten = [Float](repeating: .nan, count: count)
            Float.geluBackward(x, gy, count: count, into: &intoZeros, accumulate: true)
            Float.geluBackward(x, gy, count: count, into: &overwritten, accumulate: false)
            #expect(overwritten.map(\.bitPattern) == intoZeros.map(\.bitPattern))
        }
    }

    @Test("geluBackward is finite and gelu' tends to 1 and 0 far out: gelu'(±1e30) = 1 and 0, gelu(1e30) = 1e30, gelu(−1e30) = −0")
    func farOut() {
        #expect(geluGradients(Float.self, [1e30, -1e30, 50, -50], [1, 1, 1, 1], [0, 0, 0, 0]) == [1, 0, 1, 0])
        #expect(geluOutputs(Float.self, [1e30, -1e30]) == [Double(Float(1e30)), 0])
    }
}

func rounded(_ scalar: any ActivationKernels.Type, _ x: Double) -> Double {
    scalar == Float.self ? Double(Float(x)) : x
}

/// gelu of `x` rounded to `scalar`, returned as Doubles.
func geluOutputs(_ scalar: any ActivationKernels.Type, _ x: [Double]) -> [Double] {
    func run<S: ActivationKernels>(_: S.Type) -> [Double] {
        let input = x.map { S($0) }
        var output = [S](repeating: .nan, count: x.count)
        input.withUnsafeBufferPointer { xb in
            output.withUnsafeMutableBufferPointer { yb in S.gelu(xb.baseAddress!, count: x.count, into: yb.baseAddress!) }
        }
        return output.map { Double($0) }
    }
    return run(scalar)
}

/// gx + gy·gelu'(x) computed by geluBackward on `scalar`, returned as Doubles.
func geluGradients(_ scalar: any ActivationKernels.Type, _ x: [Double], _ gy: [Double], _ gx: [Double]) -> [Double] {
    func run<S: ActivationKernels>(_: S.Type) -> [Double] {
        let input = x.map { S($0) }, upstream = gy.map { S($0) }
        var gradient = gx.map { S($0) }
        input.withUnsafeBufferPointer { xb in
            upstream.withUnsafeBufferPointer { gyb in
                gradient.withUnsafeMutableBufferPointer { gxb in
                    S.geluBackward(xb.baseAddress!, gyb.baseAddress!, count: x.count, into: gxb.baseAddress!, accumulate: true)
                }
            }
        }
        return gradient.map { Double($0) }
    }
    return run(scalar)
}
