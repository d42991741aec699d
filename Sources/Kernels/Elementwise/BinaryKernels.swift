// Specs/kernels.md, "Elementwise, layout and optimizer kernels" and "Rows and columns: bias adds and bias gradients".
/// Comparisons that produce a 0/1 mask (non-differentiable).
public enum Comparison: Sendable, CaseIterable {
    case less, lessOrEqual, greater, greaterOrEqual, equal
}

/// Same-shape binary maps, the accumulations backward passes are made of, and mask selection.
///
/// Broadcasting is not done here: the autodiff layer expands operands to a common shape first, so these
/// loops stay flat and the derivative table stays short.
public protocol BinaryKernels: BinaryFloatingPoint, SIMDScalar, Codable {
    /// out[i] = a[i] + b[i]
    static func add(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>)
    /// out[i] = a[i] · b[i]
    static func multiply(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>)
    /// out[i] = c · x[i]
    static func scale(_ x: UnsafePointer<Self>, by c: Self, count: Int, into out: UnsafeMutablePointer<Self>)
    /// out[i] += c · x[i], as one fused multiply-add per element.
    static func scaleAccumulate(_ x: UnsafePointer<Self>, by c: Self, count: Int, into out: UnsafeMutablePointer<Self>)
    /// out[i] += a[i] · b[i], as one fused multiply-add per element.
    static func multiplyAccumulate(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>)
    /// out[i] = mask[i] ≠ 0 ? a[i] : b[i]
    static func select(_ mask: UnsafePointer<Self>, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>)
    /// ga[i] += mask[i] ≠ 0 ? g[i] : 0 and gb[i] += mask[i] ≠ 0 ? 0 : g[i]; either output may be nil.
    static func selectBackward(_ mask: UnsafePointer<Self>, _ g: UnsafePointer<Self>, count: Int, a ga: UnsafeMutablePointer<Self>?, b gb: UnsafeMutablePointer<Self>?)
    /// x[r, j] = x[r, j] + row[j] for every row r of x[rows, cols] (a bias added to a batch of rows), in
    /// parallel over ranges of rows.
    static func addToRows(_ row: UnsafePointer<Self>, rows: Int, cols: Int, into x: UnsafeMutablePointer<Self>)
    /// mask[i] = (a[i] ⋄ b[i]) ? 1 : 0
    static func compare(_ op: Comparison, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into mask: UnsafeMutablePointer<Self>)
}

extension BinaryKernels {
    public static func add(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>) {
        forEachVectorInParallel(count) { i, lanes in out.store16(a.load16(i, count: lanes) + b.load16(i, count: lanes), i, count: lanes) }
    }

    public static func multiply(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>) {
        forEachVectorInParallel(count) { i, lanes in out.store16(a.load16(i, count: lanes) * b.load16(i, count: lanes), i, count: lanes) }
    }

    public static func scale(_ x: UnsafePointer<Self>, by c: Self, count: Int, into out: UnsafeMutablePointer<Self>) {
        forEachVectorInParallel(count) { i, lanes in out.store16(x.load16(i, count: lanes) * c, i, count: lanes) }
    }

    public static func scaleAccumulate(_ x: UnsafePointer<Self>, by c: Self, count: Int, into out: UnsafeMutablePointer<Self>) {
        let cv = SIMD16<Self>(repeating: c)
        forEachVectorInParallel(count) { i, lanes in out.store16(out.load16(i, count: lanes).addingProduct(x.load16(i, count: lanes), cv), i, count: lanes) }
    }

    public static func multiplyAccumulate(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>) {
        forEachVectorInParallel(count) { i, lanes in out.store16(out.load16(i, count: lanes).addingProduct(a.load16(i, count: lanes), b.load16(i, count: lanes)), i, count: lanes) }
    }

    public static func select(_ mask: UnsafePointer<Self>, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>) {
        forEachVectorInParallel(count) { i, lanes in
            out.store16(b.load16(i, count: lanes).replacing(with: a.load16(i, count: lanes), where: mask.load16(i, count: lanes) .!= 0), i, count: lanes)
        }
    }

    public static func selectBackward(_ mask: UnsafePointer<Self>, _ g: UnsafePointer<Self>, count: Int, a ga: UnsafeMutablePointer<Self>?, b gb: UnsafeMutablePointer<Self>?) {
        forEachVectorInParallel(count) { i, lanes in
            let chosen = mask.load16(i, count: lanes) .!= 0
            let gv = g.load16(i, count: lanes)
            let zero = SIMD16<Self>()
            if let ga { ga.store16(ga.load16(i, count: lanes) + zero.replacing(with: gv, where: chosen), i, count: lanes) }
            if let gb { gb.store16(gb.load16(i, count: lanes) + gv.replacing(with: zero, where: chosen), i, count: lanes) }
        }
    }

    public static func addToRows(_ row: UnsafePointer<Self>, rows: Int, cols: Int, into x: UnsafeMutablePointer<Self>) {
        Parallel.forEachRange(rows, grain: Parallel.rowGrain(cols: cols)) { range in
            for r in range {
                let xr = x + r * cols
                forEachVector(cols) { i, lanes in xr.store16(xr.load16(i, count: lanes) + row.load16(i, count: lanes), i, count: lanes) }
            }
        }
    }

    public static func compare(_ op: Comparison, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into mask: UnsafeMutablePointer<Self>) {
        forEachVectorInParallel(count) { i, lanes in
            let x = a.load16(i, count: lanes), y = b.load16(i, count: lanes)
            let holds: SIMDMask<SIMD16<Self.SIMDMaskScalar>>
            switch op {
            case .less: holds = x .< y
            case .lessOrEqual: holds = x .<= y
            case .greater: holds = x .> y
            case .greaterOrEqual: holds = x .>= y
            case .equal: holds = x .== y
            }
            mask.store16(SIMD16<Self>().replacing(with: 1, where: holds), i, count: lanes)
        }
    }
}
