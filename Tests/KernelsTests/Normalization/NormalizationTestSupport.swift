import Kernels

/// Plain-loop Double references and finite differences for the softmax and layer-norm tests.
enum NormalizationReference {
    /// softmax of one row in Double: exp(x − max) / Σ exp(x − max); all −∞ gives zeros.
    static func softmax(_ x: [Double]) -> [Double] {
        guard let m = x.max(), m > -.infinity else { return x.map { _ in 0 } }
        let e = x.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// log-softmax of one row in Double: x − max − log Σ exp(x − max).
    static func logSoftmax(_ x: [Double]) -> [Double] {
        guard let m = x.max(), m > -.infinity else { return x.map { _ in -.infinity } }
        let s = x.map { exp($0 - m) }.reduce(0, +)
        return x.map { $0 - m - log(s) }
    }

    /// Central differences (f(x + h e_k) − f(x − h e_k)) / 2h of a scalar function, for every k.
    static func gradient(of f: ([Double]) -> Double, at x: [Double], step h: Double) -> [Double] {
        x.indices.map { k in
            var plus = x, minus = x
            plus[k] += h
            minus[k] -= h
            return (f(plus) - f(minus)) / (2 * h)
        }
    }

    /// Rows of `values` with `cols` columns.
    static func rows<T>(_ values: [T], cols: Int) -> [[T]] {
        cols == 0 ? [] : stride(from: 0, to: values.count, by: cols).map { Array(values[$0..<$0 + cols]) }
    }
}

import Foundation
