// Specs/kernels.md, "Elementwise, layout and optimizer kernels": unary maps and their backward.
/// The smooth unary primitives, each with its forward map and the derivative its backward needs.
public enum UnaryFunction: Sendable, CaseIterable {
    /// y = eˣ,  dy/dx = y
    case exp
    /// y = ln x,  dy/dx = 1/x
    case log
    /// y = √x,  dy/dx = 1/(2y)
    case sqrt
    /// y = tanh x,  dy/dx = 1 − y²
    case tanh
    /// y = 1/x,  dy/dx = −y²
    case reciprocal
}

/// Elementwise forward maps and their backward (vector-Jacobian) products.
public protocol UnaryKernels: VectorMath, Codable {
    /// y[i] = f(x[i]).
    static func map(_ f: UnaryFunction, _ x: UnsafePointer<Self>, count: Int, into y: UnsafeMutablePointer<Self>)
    /// gx[i] += gy[i] · f′(x[i]), with f′ written through x or y = f(x), whichever is exact and cheaper.
    static func mapBackward(
        _ f: UnaryFunction, x: UnsafePointer<Self>, y: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, count: Int,
        accumulatingInto gx: UnsafeMutablePointer<Self>)
}

extension UnaryKernels {
    public static func map(_ f: UnaryFunction, _ x: UnsafePointer<Self>, count: Int, into y: UnsafeMutablePointer<Self>) {
        switch f {
        case .exp: apply(x, count, y, padding: 0) { vectorExp($0) }
        case .log: apply(x, count, y, padding: 1) { vectorLog($0) }
        case .sqrt: apply(x, count, y, padding: 0) { $0.squareRoot() }
        case .tanh: apply(x, count, y, padding: 0) { vectorTanh($0) }
        case .reciprocal: apply(x, count, y, padding: 1) { 1 / $0 }
        }
    }

    public static func mapBackward(
        _ f: UnaryFunction, x: UnsafePointer<Self>, y: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, count: Int,
        accumulatingInto gx: UnsafeMutablePointer<Self>
    ) {
        forEachVectorInParallel(count) { i, lanes in
            let g = gy.load16(i, count: lanes)
            let old = gx.load16(i, count: lanes)
            let new: SIMD16<Self>
            switch f {
            case .exp: new = old.addingProduct(g, y.load16(i, count: lanes))                      // gx += gy·y
            case .log: new = old + g / x.load16(i, count: lanes, padding: 1)                      // gx += gy/x
            case .sqrt: new = old + (g * 0.5) / y.load16(i, count: lanes, padding: 1)             // gx += gy/(2y)
            case .tanh:
                let yv = y.load16(i, count: lanes)
                new = old.addingProduct(g, (1 as Self) - yv * yv)                        // gx += gy·(1 − y²)
            case .reciprocal:
                let yv = y.load16(i, count: lanes)
                new = old.addingProduct(-g, yv * yv)                                     // gx += −gy·y²
            }
            gx.store16(new, i, count: lanes)
        }
    }

    @inlinable @inline(__always)
    static func apply(
        _ x: UnsafePointer<Self>, _ count: Int, _ y: UnsafeMutablePointer<Self>, padding: Self,
        _ f: (SIMD16<Self>) -> SIMD16<Self>
    ) {
        forEachVectorInParallel(count) { i, lanes in y.store16(f(x.load16(i, count: lanes, padding: padding)), i, count: lanes) }
    }
}
