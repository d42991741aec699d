// Specs/kernels.md, "Elementwise, layout and optimizer kernels": strided copies and row gathers.
/// Data movement: strided copies (permute, slice, concatenate, expand) and row gathers (embedding lookup,
/// picking one entry per row).
public protocol LayoutKernels: BinaryFloatingPoint, SIMDScalar, Codable {
    /// For every index (i₀, …, iₙ₋₁) of `shape` in row-major order:
    /// `dst[Σ iₖ·dstStrides[k]] (+)= src[Σ iₖ·srcStrides[k]]`.
    ///
    /// A source stride of 0 repeats (expands) an axis. With `accumulate`, a destination stride of 0 sums
    /// over that axis, sequentially in increasing index order.
    static func copyStrided(
        shape: [Int], from src: UnsafePointer<Self>, strides srcStrides: [Int],
        to dst: UnsafeMutablePointer<Self>, strides dstStrides: [Int], accumulate: Bool)

    /// out[r, :] = table[indices[r], :] for r in 0..<count, rows of `rowLength` scalars.
    static func gatherRows(
        _ table: UnsafePointer<Self>, rowLength: Int, indices: UnsafePointer<Int>, count: Int,
        into out: UnsafeMutablePointer<Self>)

    /// table[indices[r], :] += g[r, :] for r = 0, 1, …, count − 1 in that order (repeated indices accumulate
    /// in increasing r, so the result does not depend on anything but the inputs).
    static func scatterAddRows(
        _ g: UnsafePointer<Self>, rowLength: Int, indices: UnsafePointer<Int>, count: Int,
        into table: UnsafeMutablePointer<Self>)
}

extension LayoutKernels {
    public static func copyStrided(
        shape: [Int], from src: UnsafePointer<Self>, strides srcStrides: [Int],
        to dst: UnsafeMutablePointer<Self>, strides dstStrides: [Int], accumulate: Bool
    ) {
        precondition(shape.count == srcStrides.count && shape.count == dstStrides.count, "copyStrided: rank mismatch")
        if shape.contains(0) { return }
        if shape.isEmpty {
            dst.pointee = accumulate ? dst.pointee + src.pointee : src.pointee
            return
        }
        let rank = shape.count
        let inner = shape[rank - 1], sInner = srcStrides[rank - 1], dInner = dstStrides[rank - 1]
        var index = [Int](repeating: 0, count: rank - 1)
        var s = 0, d = 0
        while true {
            copyRow(src + s, sInner, dst + d, dInner, inner, accumulate)
            // Odometer over the outer axes.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                s += srcStrides[axis]
                d += dstStrides[axis]
                if index[axis] < shape[axis] { break }
                s -= srcStrides[axis] * shape[axis]
                d -= dstStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    @inlinable @inline(__always)
    static func copyRow(
        _ src: UnsafePointer<Self>, _ sStride: Int, _ dst: UnsafeMutablePointer<Self>, _ dStride: Int,
        _ count: Int, _ accumulate: Bool
    ) {
        if sStride == 1 && dStride == 1 {
            forEachVector(count) { i, lanes in
                let v = src.load16(i, count: lanes)
                dst.store16(accumulate ? dst.load16(i, count: lanes) + v : v, i, count: lanes)
            }
        } else if dStride == 0 && accumulate {
            var total = dst.pointee
            for i in 0..<count { total += src[i * sStride] }
            dst.pointee = total
        } else {
            for i in 0..<count {
                let v = src[i * sStride]
                dst[i * dStride] = accumulate ? dst[i * dStride] + v : v
            }
        }
    }

    public static func gatherRows(
        _ table: UnsafePointer<Self>, rowLength: Int, indices: UnsafePointer<Int>, count: Int,
        into out: UnsafeMutablePointer<Self>
    ) {
        Parallel.forEachRange(count, grain: Parallel.rowGrain(cols: rowLength)) { range in
            for r in range { (out + r * rowLength).update(from: table + indices[r] * rowLength, count: rowLength) }
        }
    }

    public static func scatterAddRows(
        _ g: UnsafePointer<Self>, rowLength: Int, indices: UnsafePointer<Int>, count: Int,
        into table: UnsafeMutablePointer<Self>
    ) {
        // In parallel over blocks of 16 columns: every column still takes the rows in increasing r.
        Parallel.forEachRange(rowLength, grain: 16) { columns in
            let (start, lanes) = (columns.lowerBound, columns.count)
            for r in 0..<count {
                let row = table + indices[r] * rowLength, source = g + r * rowLength
                row.store16(row.load16(start, count: lanes) + source.load16(start, count: lanes), start, count: lanes)
            }
        }
    }
}
