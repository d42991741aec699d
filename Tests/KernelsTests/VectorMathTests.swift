import Foundation
import Kernels
import MathVerification
import TestSupport
import Testing

/// The three Float functions under test, with glibc's Double function as the reference and the inputs where
/// their behaviour changes (reduction boundaries, thresholds, branch points), checked with their neighbours.
enum MathFunction: String, CaseIterable, Sendable {
    case exp, log, tanh

    var vector: (SIMD16<Float>) -> SIMD16<Float> {
        switch self {
        case .exp: Float.vectorExp
        case .log: Float.vectorLog
        case .tanh: Float.vectorTanh
        }
    }

    var reference: (Double) -> Double {
        switch self {
        case .exp: Foundation.exp
        case .log: Foundation.log
        case .tanh: Foundation.tanh
        }
    }

    func callAsFunction(_ x: Float) -> Float { vector(SIMD16(repeating: x))[0] }

    /// The points where the implementation or the result changes regime.
    var boundaries: [Float] {
        let common: [Float] = [0, .leastNonzeroMagnitude, .leastNormalMagnitude, 1, 2, .greatestFiniteMagnitude,
                               .infinity, .nan, 0x1p-12, 0x1p-25]
        switch self {
        case .exp:
            // Overflow (88.72284), the least normal result (−87.33655), the least subnormal (−103.27893),
            // underflow to 0 (−103.97208), and reduction boundaries (k + 1/2)·ln2.
            return common + [88.72283935546875, -87.33654, -103.27893, -103.97208, 0.34657359, 1.0397208,
                             -0.34657359, 44.014, -45.0545, 20.1, 0.5 * 0.6931472]
        case .log:
            // The reduction boundaries m = 2/3 and 4/3 at several exponents, and e.
            return common + [Float(bitPattern: 0x3F2A_AAAB), Float(bitPattern: 0x3FAA_AAAB),
                             Float(bitPattern: 0x3EAA_AAAB), Float(bitPattern: 0x7F2A_AAAB),
                             Float(bitPattern: 0x002A_AAAB), 0.5, 2.718281828, 1e-30, 1e30]
        case .tanh:
            // The branch point 1, saturation to 1 (9.0109), the clamp at 10.
            return common + [9.0109, 9.01, 10, 0.5, 0.55, 3]
        }
    }

    /// Each boundary and its 8 neighbours on either side, with both signs.
    var boundaryNeighbourhoods: [UInt32] {
        boundaries.flatMap { b -> [UInt32] in
            let magnitude = b.magnitude.bitPattern
            return (0...16).flatMap { k -> [UInt32] in
                let bits = magnitude &+ UInt32(k) &- 8
                return bits > magnitude + 8 ? [] : [bits, bits | 0x8000_0000]  // no wrap below +0
            }
        }
    }
}

@Suite("exp, log and tanh on Float vectors") struct VectorMathTests {
    @Test("exp, log and tanh are within 1 ulp of the exact value on every 1021st Float and around every boundary point",
          arguments: MathFunction.allCases)
    func sweepWithinOneUlp(function: MathFunction) {
        let stride = 1021
        let sweep = UlpErrorSummary(function.vector, reference: function.reference,
            bitPatterns: Swift.stride(from: 0, to: 1 << 32, by: stride).lazy.map { UInt32($0) })
        let boundaries = UlpErrorSummary(function.vector, reference: function.reference,
                                         bitPatterns: function.boundaryNeighbourhoods)
        let total = sweep.merged(with: boundaries)
        print("\(function): max ulp error \(total.maximum) at x = \(total.argumentOfMaximum) over \(total.count) inputs "
            + "(\(total.correctlyRounded) correctly rounded)")
        #expect(sweep.count > 4_000_000)
        #expect(total.maximum <= 1)
    }

    @Test("exp(±0) = 1, +inf above 88.722839 and for +inf, +0 below −103.972076 and for −inf, subnormals between, NaN → NaN")
    func expSpecialValues() {
        let exp = MathFunction.exp
        #expect(exp(0) == 1 && exp(-0.0) == 1)
        #expect(exp(88.72283935546875) == Float(Foundation.exp(88.72283935546875)))
        #expect(exp(Float(88.72283935546875).nextUp) == .infinity)
        #expect(exp(.greatestFiniteMagnitude) == .infinity && exp(.infinity) == .infinity)
        // e^x rounds to the least subnormal down to −103.972076 (just above ln 2^-150) and to +0 below.
        let leastNonzero: Float = -103.97207641601562
        #expect(exp(leastNonzero) == .leastNonzeroMagnitude && exp(leastNonzero.nextDown).bitPattern == 0)
        #expect(Float(Foundation.exp(Double(leastNonzero.nextDown))) == 0)
        #expect(exp(-.greatestFiniteMagnitude).bitPattern == 0 && exp(-.infinity).bitPattern == 0)
        #expect(exp(-100).isSubnormal && exp(-87.33654).isNormal)
        #expect(exp(.nan).isNaN)
    }

    @Test("log(1) = +0, log(±0) = −inf, log(x < 0) = NaN, log(+inf) = +inf, NaN → NaN, subnormals exact to 1 ulp")
    func logSpecialValues() {
        let log = MathFunction.log
        #expect(log(1).bitPattern == 0)
        #expect(log(0) == -.infinity && log(-0.0) == -.infinity)
        #expect(log(-1).isNaN && log(-.leastNonzeroMagnitude).isNaN && log(-.infinity).isNaN)
        #expect(log(.infinity) == .infinity && log(.nan).isNaN)
        #expect(log(.leastNonzeroMagnitude) == Float(Foundation.log(Double(Float.leastNonzeroMagnitude))))
        #expect(log(2) == Float(Foundation.log(2.0)) && log(.greatestFiniteMagnitude).isFinite)
    }

    @Test("tanh is odd bit for bit, returns x for |x| < 2^-12, ±1 from |x| = 9.0109 and for ±inf, NaN → NaN")
    func tanhSpecialValues() {
        let tanh = MathFunction.tanh
        var random = SplitMix64(state: 1)
        for _ in 0..<100_000 {
            let x = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()) & 0x7FFF_FFFF)
            if x.isNaN { continue }
            #expect(tanh(-x).bitPattern == tanh(x).bitPattern | 0x8000_0000)
            if x < 0x1p-12 { #expect(tanh(x) == x) }
            if x >= 9.0109 { #expect(tanh(x) == 1) }
        }
        #expect(tanh(0).bitPattern == 0 && tanh(-0.0).bitPattern == 0x8000_0000)
        #expect(tanh(Float(9.0109).nextDown) < 1)
        #expect(tanh(.infinity) == 1 && tanh(-.infinity) == -1 && tanh(.nan).isNaN)
    }

    @Test("a value gives the same bits in each of the 16 lanes, whatever the values in the other lanes",
          arguments: MathFunction.allCases)
    func laneIndependence(function: MathFunction) {
        var random = SplitMix64(state: 2)
        let values = function.boundaryNeighbourhoods + (0..<2000).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        for bits in values {
            let alone = function(Float(bitPattern: bits)).bitPattern
            for lane in 0..<16 {
                var x = SIMD16<Float>()
                for other in 0..<16 { x[other] = Float(bitPattern: UInt32(truncatingIfNeeded: random.next())) }
                x[lane] = Float(bitPattern: bits)
                let y = function.vector(x)[lane].bitPattern
                #expect(y == alone, "\(function)(\(Float(bitPattern: bits))) in lane \(lane)")
                if y != alone { return }
            }
        }
    }

    @Test("exp, log and tanh give the committed bits on a fixed 100 000-point grid (FNV-1a 64 of the results)",
          arguments: [(MathFunction.exp, 0xE671_9644_2CCC_AD4E as UInt64), (.log, 0xA23B_3AF5_1A1E_71C8), (.tanh, 0xDE01_21DA_E652_75A8)])
    func goldenHash(function: MathFunction, expected: UInt64) {
        let count = 100_000
        let grid: [Float] = (0..<count).map { i in
            switch function {
            case .exp: Float(-104 + 193 * Double(i) / Double(count))
            case .log: Float(bitPattern: UInt32(UInt64(i) * 0x7F80_0000 / UInt64(count)))
            case .tanh: Float(-10 + 20 * Double(i) / Double(count))
            }
        }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for start in Swift.stride(from: 0, to: count, by: 16) {
            var x = SIMD16<Float>()
            for lane in 0..<16 { x[lane] = grid[start + lane] }
            let y = function.vector(x)
            for lane in 0..<16 {
                for byte in 0..<4 {
                    hash = (hash ^ UInt64((y[lane].bitPattern >> (8 * byte)) & 0xFF)) &* 0x0000_0100_0000_01B3
                }
            }
        }
        print("\(function): FNV-1a 64 of the grid results 0x\(String(hash, radix: 16))")
        #expect(hash == expected)
    }
}
