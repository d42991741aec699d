// Specs/kernels.md, "exp, log, tanh and GELU": bit-level views of Float vectors.
// Bit-level views of Float vectors, for the exponent and sign manipulations of exp, log and tanh.
//
// The standard library has `Float.bitPattern` but no vector form; SIMD16<Float> and SIMD16<UInt32> have
// the same size and layout, so a bit cast reinterprets all 16 lanes at once without leaving the registers.

extension SIMD16 where Scalar == Float {
    /// The IEEE 754 binary32 encodings of the lanes.
    @inlinable @inline(__always)
    var bitPattern: SIMD16<UInt32> { unsafeBitCast(self, to: SIMD16<UInt32>.self) }

    /// The Floats whose IEEE 754 binary32 encodings are the lanes of `bits`.
    @inlinable @inline(__always)
    init(bitPattern bits: SIMD16<UInt32>) { self = unsafeBitCast(bits, to: SIMD16<Float>.self) }
}
