// The one loop shape every elementwise kernel uses: whole SIMD16 vectors, then the tail as one more vector
// padded with `padding`. Padding the tail (instead of a scalar loop) gives a value the same bits whatever its
// index, because the vector functions are lane-independent.

extension SIMDScalar where Self: BinaryFloatingPoint {
    /// Loads `count < 16` scalars from `p` into the low lanes of a vector whose other lanes hold `padding`.
    @inlinable @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Self>, _ count: Int, padding: Self) -> SIMD16<Self> {
        var v = SIMD16<Self>(repeating: padding)
        for lane in 0..<count { v[lane] = p[lane] }
        return v
    }

    /// Stores the low `count < 16` lanes of `v` to `p`.
    @inlinable @inline(__always)
    static func storePartial(_ v: SIMD16<Self>, _ p: UnsafeMutablePointer<Self>, _ count: Int) {
        for lane in 0..<count { p[lane] = v[lane] }
    }
}

/// Calls `body(offset, lanes)` for each block of 16 elements of `0..<count`, then once for the tail
/// (`lanes < 16`) if there is one.
@inlinable @inline(__always)
func forEachVector(_ count: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void) {
    var offset = 0
    while offset + 16 <= count {
        body(offset, 16)
        offset += 16
    }
    if offset < count { body(offset, count - offset) }
}

extension UnsafePointer where Pointee: SIMDScalar & BinaryFloatingPoint {
    /// `lanes` scalars from `self + offset` (16 in one load, fewer padded with `padding`).
    @inlinable @inline(__always)
    func load(_ offset: Int, _ lanes: Int, padding: Pointee = 0) -> SIMD16<Pointee> {
        lanes == 16 ? load16(offset) : Pointee.loadPartial(self + offset, lanes, padding: padding)
    }
}

extension UnsafeMutablePointer where Pointee: SIMDScalar & BinaryFloatingPoint {
    /// `lanes` scalars from `self + offset` (16 in one load, fewer padded with `padding`).
    @inlinable @inline(__always)
    func load(_ offset: Int, _ lanes: Int, padding: Pointee = 0) -> SIMD16<Pointee> {
        UnsafePointer(self).load(offset, lanes, padding: padding)
    }

    /// Writes the first `lanes` lanes of `value` to `self + offset`.
    @inlinable @inline(__always)
    func store(_ value: SIMD16<Pointee>, _ offset: Int, _ lanes: Int) {
        if lanes == 16 { store16(value, offset) } else { Pointee.storePartial(value, self + offset, lanes) }
    }
}
