// Specs/rl-math.md, "RL math": the scalar protocols the RL math is generic over.
import Kernels

/// The arithmetic the RL math needs: an ordered field with integers. `Float` and `Double` train with it;
/// exact rationals (Verification/) run the very same code in tests and must equal the closed forms exactly.
public protocol RLScalar: Comparable, Sendable, CustomStringConvertible {
    static var zero: Self { get }
    static var one: Self { get }
    init(_ value: Int)
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func / (lhs: Self, rhs: Self) -> Self
    static prefix func - (operand: Self) -> Self
}

extension RLScalar {
    public static var one: Self { Self(1) }
}

/// An `RLScalar` with the transcendental functions a few formulas need (whitening and GRPO's standard
/// deviation, the policy ratio exp(logp − old), the k3 KL estimator). Rationals are not closed under these,
/// so those formulas are checked against closed forms in Double instead.
public protocol RLRealScalar: RLScalar {
    func squareRoot() -> Self
    /// eˣ. Float uses this project's own vectorised exp (bit-reproducible everywhere).
    static func exp(_ x: Self) -> Self
    /// ln x. Float uses this project's own vectorised log.
    static func log(_ x: Self) -> Self
}

extension Float: RLRealScalar {
    public static func exp(_ x: Float) -> Float { Float.vectorExp(SIMD16(repeating: x))[0] }
    public static func log(_ x: Float) -> Float { Float.vectorLog(SIMD16(repeating: x))[0] }
}

extension Double: RLRealScalar {
    public static func exp(_ x: Double) -> Double { Double.vectorExp(SIMD16(repeating: x))[0] }
    public static func log(_ x: Double) -> Double { Double.vectorLog(SIMD16(repeating: x))[0] }
}
