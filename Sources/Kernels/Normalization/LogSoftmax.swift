// Specs/kernels.md, "Softmax and log-softmax": log-softmax.
// Log-softmax, forward and backward; the conventions are those of `SoftmaxKernels` (Softmax.swift).

extension SoftmaxKernels {
    @inlinable
    public static func logSoftmax(_ x: UnsafePointer<Self>, rows: Int, cols: Int, into y: UnsafeMutablePointer<Self>) {
        Parallel.forEachRange(rows, grain: Parallel.rowGrain(cols: cols)) { range in
            for r in range {
                let (xr, yr) = (x + r * cols, y + r * cols)
                let m = rowMax(xr, count: cols)
                if m == -Self.infinity {
                    yr.update(repeating: -Self.infinity, count: cols)
                    continue
                }
                let shift = SIMD16<Self>(repeating: m)
                let s = fixedOrderReduce(count: cols) { acc, start, valid in
                    acc += expOrZero(xr.load16(start, count: valid, padding: -Self.infinity) - shift)
                }
                let logS = SIMD16<Self>(repeating: vectorLog(SIMD16(repeating: s))[0])
                for start in stride(from: 0, to: cols, by: 16) {
                    let valid = Swift.min(16, cols - start)
                    yr.store16((xr.load16(start, count: valid, padding: 0) - shift) - logS, start, count: valid)
                }
            }
        }
    }

    @inlinable
    public static func logSoftmaxBackward(_ y: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, rows: Int, cols: Int,
                                          accumulatingInto gx: UnsafeMutablePointer<Self>) {
        Parallel.forEachRange(rows, grain: Parallel.rowGrain(cols: cols)) { range in
            for r in range {
                let (yr, gyr, gxr) = (y + r * cols, gy + r * cols, gx + r * cols)
                let g = SIMD16<Self>(repeating: fixedOrderSum(gyr, count: cols))
                for start in stride(from: 0, to: cols, by: 16) {
                    let valid = Swift.min(16, cols - start)
                    let p = expOrZero(yr.load16(start, count: valid, padding: 0))
                    let term = gyr.load16(start, count: valid, padding: 0).addingProduct(-p, g)
                    gxr.store16(gxr.load16(start, count: valid, padding: 0) + term, start, count: valid)
                }
            }
        }
    }
}
