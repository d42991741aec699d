// Unaligned SIMD16 loads and stores through raw pointers.
//
// Building a SIMD vector from a buffer slice (`SIMD16(x[i..<i+16])`) goes through a generic collection
// initialiser and runs ~10x slower than a single vector load; every kernel uses these instead.

extension UnsafePointer where Pointee: SIMDScalar {
    /// The 16 scalars starting at `self + offset`, in one unaligned vector load.
    @inlinable @inline(__always)
    func load16(_ offset: Int) -> SIMD16<Pointee> {
        UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD16<Pointee>.self)
    }

    /// The `count` < 16 scalars starting at `self + offset` in the first lanes, zeros in the others: the
    /// tail of a buffer goes through the same vector code as the rest, so a value's result never depends
    /// on its index.
    @inlinable @inline(__always)
    func load16(_ offset: Int, count: Int) -> SIMD16<Pointee> {
        var v = SIMD16<Pointee>()
        for lane in 0..<count { v[lane] = self[offset + lane] }
        return v
    }
}

extension UnsafeMutablePointer where Pointee: SIMDScalar {
    /// The 16 scalars starting at `self + offset`, in one unaligned vector load.
    @inlinable @inline(__always)
    func load16(_ offset: Int) -> SIMD16<Pointee> {
        UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD16<Pointee>.self)
    }

    /// Writes the 16 lanes of `value` to `self + offset ..< self + offset + 16`.
    @inlinable @inline(__always)
    func store16(_ value: SIMD16<Pointee>, _ offset: Int) {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: SIMD16<Pointee>.self)
    }

    /// The `count` < 16 scalars starting at `self + offset` in the first lanes, zeros in the others.
    @inlinable @inline(__always)
    func load16(_ offset: Int, count: Int) -> SIMD16<Pointee> {
        UnsafePointer(self).load16(offset, count: count)
    }

    /// Writes the first `count` < 16 lanes of `value` to `self + offset ..< self + offset + count`.
    @inlinable @inline(__always)
    func store16(_ value: SIMD16<Pointee>, _ offset: Int, count: Int) {
        for lane in 0..<count { self[offset + lane] = value[lane] }
    }
}
