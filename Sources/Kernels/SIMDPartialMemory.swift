// Loads and stores of the last, partial SIMD16 chunk of a row (fewer than 16 valid scalars).
//
// Kernels process rows in chunks of 16; the tail chunk is loaded into a vector whose missing lanes hold a
// chosen padding value (0 for sums, −∞ for maxima, ...), so the same vector code handles it.

extension UnsafePointer where Pointee: SIMDScalar {
    /// The `count` (0...16) scalars at `self + offset` in lanes 0..<count; the other lanes hold `padding`.
    @inlinable @inline(__always)
    func load16(_ offset: Int, count: Int, padding: Pointee) -> SIMD16<Pointee> {
        if count >= 16 { return load16(offset) }
        var v = SIMD16<Pointee>(repeating: padding)
        for lane in 0..<count { v[lane] = self[offset + lane] }
        return v
    }
}

extension UnsafeMutablePointer where Pointee: SIMDScalar {
    /// The `count` (0...16) scalars at `self + offset` in lanes 0..<count; the other lanes hold `padding`.
    @inlinable @inline(__always)
    func load16(_ offset: Int, count: Int, padding: Pointee) -> SIMD16<Pointee> {
        UnsafePointer(self).load16(offset, count: count, padding: padding)
    }

    /// Writes lanes 0..<count (0...16) of `value` to `self + offset ..< self + offset + count`.
    @inlinable @inline(__always)
    func store16(_ value: SIMD16<Pointee>, _ offset: Int, count: Int) {
        if count >= 16 { return store16(value, offset) }
        for lane in 0..<count { self[offset + lane] = value[lane] }
    }
}
