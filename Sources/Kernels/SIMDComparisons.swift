// Specs/kernels.md, "Elementwise, layout and optimizer kernels": lane-wise comparisons for masks and selects.
/// Lane-wise comparisons of SIMD16 vectors, one implementation per concrete scalar type.
///
/// In code generic over the scalar, `a .> b` and `a .== b` bind to the generic SIMD operators, which compile
/// (even after specialisation) to a loop over the 16 lanes with a branch per lane; measured here, that made
/// softmax 5x slower than its exponentials. The concrete operators of `SIMD16<Float>` and `SIMD16<Double>`
/// are one vector compare. Kernels call these requirements instead (`replacing(with:where:)` is fine).
public protocol SIMDComparisons: BinaryFloatingPoint, SIMDScalar, Codable {
    /// Lane l is set where a[l] > b[l] (false if either is NaN).
    static func lanes(_ a: SIMD16<Self>, greaterThan b: SIMD16<Self>) -> SIMDMask<SIMD16<Self>.MaskStorage>
    /// Lane l is set where a[l] == b[l] (false if either is NaN).
    static func lanes(_ a: SIMD16<Self>, equalTo b: SIMD16<Self>) -> SIMDMask<SIMD16<Self>.MaskStorage>
}

extension Float: SIMDComparisons {
    @inlinable @inline(__always)
    public static func lanes(_ a: SIMD16<Float>, greaterThan b: SIMD16<Float>) -> SIMDMask<SIMD16<Int32>> { a .> b }
    @inlinable @inline(__always)
    public static func lanes(_ a: SIMD16<Float>, equalTo b: SIMD16<Float>) -> SIMDMask<SIMD16<Int32>> { a .== b }
}

extension Double: SIMDComparisons {
    @inlinable @inline(__always)
    public static func lanes(_ a: SIMD16<Double>, greaterThan b: SIMD16<Double>) -> SIMDMask<SIMD16<Int64>> { a .> b }
    @inlinable @inline(__always)
    public static func lanes(_ a: SIMD16<Double>, equalTo b: SIMD16<Double>) -> SIMDMask<SIMD16<Int64>> { a .== b }
}

extension SIMDComparisons where Self: VectorMath {
    /// exp(v) lane-wise, exactly 0 where v is −∞ (masked logits, padding), whatever `vectorExp` does there.
    /// A NaN lane stays NaN.
    ///
    /// The −∞ lanes are exponentiated as 0 and then replaced: `vectorExp(−∞)` would underflow to 0 through
    /// its final multiplication, and on Intel cores an underflowing multiplication takes a microcode assist
    /// of about a hundred cycles. Every row of masked attention scores has such lanes (a cached row's
    /// padding, the causal mask), so those assists cost more than the exponentials themselves.
    @inlinable @inline(__always)
    static func expOrZero(_ v: SIMD16<Self>) -> SIMD16<Self> {
        let masked = lanes(v, equalTo: SIMD16(repeating: -Self.infinity))
        return vectorExp(v.replacing(with: 0, where: masked)).replacing(with: 0, where: masked)
    }
}
