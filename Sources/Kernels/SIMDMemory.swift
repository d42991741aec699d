// Specs/kernels.md, "Elementwise, layout and optimizer kernels": SIMD16 loads and stores, padded tails (`load16`).
// Unaligned SIMD16 loads and stores through raw pointers, whole or partial.
//
// Building a SIMD vector from a buffer slice (`SIMD16(x[i..<i+16])`) goes through a generic collection
// initialiser and runs ~10x slower than a single vector load; every kernel uses these instead.
//
// The partial forms serve the last chunk of a row (fewer than 16 valid scalars): it is loaded into a vector
// whose missing lanes hold a chosen padding (0 for sums, −∞ for maxima, ...), so the tail goes through the
// same vector code as the rest and a value's result never depends on its index.

extension UnsafePointer where Pointee: SIMDScalar {
    /// The 16 scalars starting at `self + offset`, in one unaligned vector load.
    @inlinable @inline(__always)
    func load16(_ offset: Int) -> SIMD16<Pointee> {
        UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD16<Pointee>.self)
    }

    /// The `count` (0...16) scalars at `self + offset` in lanes 0..<count; the other lanes hold `padding`.
    @inlinable @inline(__always)
    func load16(_ offset: Int, count: Int, padding: Pointee) -> SIMD16<Pointee> {
        if count >= 16 { return load16(offset) }
        var v = SIMD16<Pointee>(repeating: padding)
        for lane in 0..<count { v[lane] = self[offset + lane] }
        return v
    }

    /// The `count` (0...16) scalars at `self + offset` in lanes 0..<count; zeros in the other lanes.
    @inlinable @inline(__always)
    func load16(_ offset: Int, count: Int) -> SIMD16<Pointee> {
        if count >= 16 { return load16(offset) }
        var v = SIMD16<Pointee>()
        for lane in 0..<count { v[lane] = self[offset + lane] }
        return v
    }
}

extension UnsafeMutablePointer where Pointee: SIMDScalar {
    /// The 16 scalars starting at `self + offset`, in one unaligned vector load.
    @inlinable @inline(__always)
    func load16(_ offset: Int) -> SIMD16<Pointee> { UnsafePointer(self).load16(offset) }

    /// The `count` (0...16) scalars at `self + offset` in lanes 0..<count; the other lanes hold `padding`.
    @inlinable @inline(__always)
    func load16(_ offset: Int, count: Int, padding: Pointee) -> SIMD16<Pointee> {
        UnsafePointer(self).load16(offset, count: count, padding: padding)
    }

    /// The `count` (0...16) scalars at `self + offset` in lanes 0..<count; zeros in the other lanes.
    @inlinable @inline(__always)
    func load16(_ offset: Int, count: Int) -> SIMD16<Pointee> { UnsafePointer(self).load16(offset, count: count) }

    /// Writes the 16 lanes of `value` to `self + offset ..< self + offset + 16`.
    @inlinable @inline(__always)
    func store16(_ value: SIMD16<Pointee>, _ offset: Int) {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: SIMD16<Pointee>.self)
    }

    /// Writes lanes 0..<count (0...16) of `value` to `self + offset ..< self + offset + count`.
    @inlinable @inline(__always)
    func store16(_ value: SIMD16<Pointee>, _ offset: Int, count: Int) {
        if count >= 16 { return store16(value, offset) }
        for lane in 0..<count { self[offset + lane] = value[lane] }
    }
}
