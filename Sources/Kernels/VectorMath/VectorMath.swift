// Specs/kernels.md, "exp, log, tanh and GELU": exp, log and tanh on 16 lanes.
#if canImport(Glibc)
import Glibc
#endif

/// exp, log and tanh on 16 lanes at once.
///
/// `Float` uses this module's own polynomial implementations (see `Specs/kernels.md`): only +, ×, FMA,
/// division and bit operations, each exactly specified by IEEE 754, so the bits are the same on every CPU
/// and every vector width. `Double` is the gradient-checking path and calls the platform's libm per lane.
public protocol VectorMath: BinaryFloatingPoint, SIMDScalar, Codable {
    /// e^x on each lane.
    static func vectorExp(_ x: SIMD16<Self>) -> SIMD16<Self>
    /// The natural logarithm of each lane.
    static func vectorLog(_ x: SIMD16<Self>) -> SIMD16<Self>
    /// The hyperbolic tangent of each lane.
    static func vectorTanh(_ x: SIMD16<Self>) -> SIMD16<Self>
}

extension Double: VectorMath {
    @inlinable public static func vectorExp(_ x: SIMD16<Double>) -> SIMD16<Double> { laneWise(x, Glibc.exp) }
    @inlinable public static func vectorLog(_ x: SIMD16<Double>) -> SIMD16<Double> { laneWise(x, Glibc.log) }
    @inlinable public static func vectorTanh(_ x: SIMD16<Double>) -> SIMD16<Double> { laneWise(x, Glibc.tanh) }

    @inlinable static func laneWise(_ x: SIMD16<Double>, _ f: (Double) -> Double) -> SIMD16<Double> {
        var y = SIMD16<Double>()
        for lane in 0..<16 { y[lane] = f(x[lane]) }
        return y
    }
}

// The implementations are in Exp.swift, Log.swift and Tanh.swift.
extension Float: VectorMath {}
