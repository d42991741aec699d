// Error of a Float function against a Double reference, in units in the last place.
//
// Shared by the sweep tests (Tests/KernelsTests/VectorMathTests.swift) and the exhaustive check
// (`swift run -c release exhaustive-math`), so both measure the same thing.

/// |y − exact| in units of the spacing of Floats at `exact`: the ulp of the Float binade that contains
/// |exact| (2^-149 below the least normal), so that an error is not halved where `exact` lies just below a
/// power of two and rounds up to it.
///
/// NaN against NaN and equal infinities are 0; a NaN against a number, or an infinity where `exact` rounds
/// to a finite Float (or the reverse), is +inf.
@inlinable
public func ulpError(_ y: Float, exact: Double) -> Double {
    if y.isNaN || exact.isNaN { return y.isNaN && exact.isNaN ? 0 : .infinity }
    let rounded = Float(exact)
    if rounded.isInfinite || y.isInfinite { return y == rounded ? 0 : .infinity }
    var binadeFloor = Float(exact.magnitude)
    if Double(binadeFloor) > exact.magnitude { binadeFloor = binadeFloor.nextDown }
    return (Double(y) - exact).magnitude / Double(binadeFloor.ulp)
}

/// The largest ulp error of a 16-lane Float function over some inputs, where it occurs, and how many
/// results were correctly rounded (error ≤ 0.5 ulp).
public struct UlpErrorSummary: Sendable {
    /// The largest ulp error seen (0 before any input).
    public var maximum: Double = 0
    /// The first input, in measurement order, where `maximum` occurred.
    public var argumentOfMaximum: Float = 0
    /// The number of inputs measured.
    public var count = 0
    /// The number of inputs whose result was within 0.5 ulp.
    public var correctlyRounded = 0

    /// The summary of no inputs.
    public init() {}

    /// Measures `f` on the Floats whose bit patterns are `bitPatterns`, 16 at a time (the last vector padded
    /// with copies of its first input). Inlinable, so that it is specialised for the caller's sequence type.
    @inlinable
    public init<Inputs: Sequence<UInt32>>(
        _ f: (SIMD16<Float>) -> SIMD16<Float>, reference: (Double) -> Double, bitPatterns: Inputs
    ) {
        var x = SIMD16<Float>()
        var filled = 0
        for bits in bitPatterns {
            x[filled] = Float(bitPattern: bits)
            filled += 1
            if filled == 16 {
                add(x, f(x), lanes: 16, reference: reference)
                filled = 0
            }
        }
        if filled > 0 {
            for lane in filled..<16 { x[lane] = x[0] }
            add(x, f(x), lanes: filled, reference: reference)
        }
    }

    @inlinable
    mutating func add(_ x: SIMD16<Float>, _ y: SIMD16<Float>, lanes: Int, reference: (Double) -> Double) {
        for lane in 0..<lanes {
            let error = ulpError(y[lane], exact: reference(Double(x[lane])))
            count += 1
            if error <= 0.5 { correctlyRounded += 1 }
            if error > maximum { maximum = error; argumentOfMaximum = x[lane] }
        }
    }

    /// The summary of the union of the inputs of `self` and `other`.
    public func merged(with other: UlpErrorSummary) -> UlpErrorSummary {
        var result = maximum >= other.maximum ? self : other
        result.count = count + other.count
        result.correctlyRounded = correctlyRounded + other.correctlyRounded
        return result
    }
}
