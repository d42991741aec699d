/// Comparisons that produce a 0/1 mask (non-differentiable).
public enum Comparison: Sendable, CaseIterable {
    case less, lessOrEqual, greater, greaterOrEqual, equal
}

/// Same-shape binary maps, the accumulations backward passes are made of, and mask selection.
///
/// Broadcasting is not done here: the autodiff layer expands operands to a common shape first, so these
/// loops stay flat and the derivative table stays short.
public protocol BinaryKernels: BinaryFloatingPoint, SIMDScalar {
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
    /// mask[i] = (a[i] ⋄ b[i]) ? 1 : 0
    static func compare(_ op: Comparison, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into mask: UnsafeMutablePointer<Self>)
}

extension BinaryKernels {
    public static func add(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>) {
        forEachVector(count) { i, lanes in out.store(a.load(i, lanes) + b.load(i, lanes), i, lanes) }
    }

    public static func multiply(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>) {
        forEachVector(count) { i, lanes in out.store(a.load(i, lanes) * b.load(i, lanes), i, lanes) }
    }

    public static func scale(_ x: UnsafePointer<Self>, by c: Self, count: Int, into out: UnsafeMutablePointer<Self>) {
        forEachVector(count) { i, lanes in out.store(x.load(i, lanes) * c, i, lanes) }
    }

    public static func scaleAccumulate(_ x: UnsafePointer<Self>, by c: Self, count: Int, into out: UnsafeMutablePointer<Self>) {
        let cv = SIMD16<Self>(repeating: c)
        forEachVector(count) { i, lanes in out.store(out.load(i, lanes).addingProduct(x.load(i, lanes), cv), i, lanes) }
    }

    public static func multiplyAccumulate(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>) {
        forEachVector(count) { i, lanes in out.store(out.load(i, lanes).addingProduct(a.load(i, lanes), b.load(i, lanes)), i, lanes) }
    }

    public static func select(_ mask: UnsafePointer<Self>, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into out: UnsafeMutablePointer<Self>) {
        forEachVector(count) { i, lanes in
            out.store(b.load(i, lanes).replacing(with: a.load(i, lanes), where: mask.load(i, lanes) .!= 0), i, lanes)
        }
    }

    public static func selectBackward(_ mask: UnsafePointer<Self>, _ g: UnsafePointer<Self>, count: Int, a ga: UnsafeMutablePointer<Self>?, b gb: UnsafeMutablePointer<Self>?) {
        forEachVector(count) { i, lanes in
            let chosen = mask.load(i, lanes) .!= 0
            let gv = g.load(i, lanes)
            let zero = SIMD16<Self>()
            if let ga { ga.store(ga.load(i, lanes) + zero.replacing(with: gv, where: chosen), i, lanes) }
            if let gb { gb.store(gb.load(i, lanes) + gv.replacing(with: zero, where: chosen), i, lanes) }
        }
    }

    public static func compare(_ op: Comparison, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, into mask: UnsafeMutablePointer<Self>) {
        forEachVector(count) { i, lanes in
            let x = a.load(i, lanes), y = b.load(i, lanes)
            let holds: SIMDMask<SIMD16<Self.SIMDMaskScalar>>
            switch op {
            case .less: holds = x .< y
            case .lessOrEqual: holds = x .<= y
            case .greater: holds = x .> y
            case .greaterOrEqual: holds = x .>= y
            case .equal: holds = x .== y
            }
            mask.store(SIMD16<Self>().replacing(with: 1, where: holds), i, lanes)
        }
    }
}
