// Specs/kernels.md, "Layer norm".
/// Layer normalisation over the last axis of x[rows, cols], forward and backward.
///
/// Per row, in the fixed order of `fixedOrderReduce` (so a row never depends on other rows):
///   mean = (Σ_j x_j) / cols,  var = (Σ_j (x_j − mean)²) / cols  (two passes, biased variance, FMA),
///   rstd = 1 / sqrt(var + epsilon),  x̂_j = (x_j − mean) · rstd,  y_j = fma(x̂_j, gamma_j, beta_j).
/// The two-pass variance never goes negative and does not lose the digits that E[x²] − E[x]² would.
/// An empty row (cols = 0) saves mean = rstd = NaN.
public protocol LayerNormKernels: BinaryFloatingPoint, SIMDScalar, Codable {
    /// The forward pass; saves mean[r] and rstd[r] for the backward pass. y may alias x.
    static func layerNorm(_ x: UnsafePointer<Self>, gamma: UnsafePointer<Self>, beta: UnsafePointer<Self>,
                          rows: Int, cols: Int, epsilon: Self, into y: UnsafeMutablePointer<Self>,
                          mean: UnsafeMutablePointer<Self>, rstd: UnsafeMutablePointer<Self>)

    /// Accumulates the gradients of the forward pass (as in llm.c), per row with dn_j = gy_j · gamma_j:
    ///   a = (Σ_j gy_j·gamma_j) / cols (FMA),  b = (Σ_j dn_j·x̂_j) / cols (FMA),
    ///   gx_j += (dn_j − a − x̂_j·b) · rstd, computed as fma(fma(−x̂_j, b, dn_j − a), rstd, gx_j);
    /// and, over rows in increasing order, gGamma_j = fma(gy_j, x̂_j, gGamma_j), gBeta_j += gy_j.
    static func layerNormBackward(_ x: UnsafePointer<Self>, gamma: UnsafePointer<Self>,
                                  mean: UnsafePointer<Self>, rstd: UnsafePointer<Self>, _ gy: UnsafePointer<Self>,
                                  rows: Int, cols: Int, accumulatingInto gx: UnsafeMutablePointer<Self>,
                                  gammaGradient gGamma: UnsafeMutablePointer<Self>,
                                  betaGradient gBeta: UnsafeMutablePointer<Self>)
}

extension LayerNormKernels {
    @inlinable
    public static func layerNorm(_ x: UnsafePointer<Self>, gamma: UnsafePointer<Self>, beta: UnsafePointer<Self>,
                                 rows: Int, cols: Int, epsilon: Self, into y: UnsafeMutablePointer<Self>,
                                 mean: UnsafeMutablePointer<Self>, rstd: UnsafeMutablePointer<Self>) {
        let n = Self(cols)
        Parallel.forEachRange(rows, grain: Parallel.rowGrain(cols: cols)) { range in
            for r in range {
                let (xr, yr) = (x + r * cols, y + r * cols)
                let mu = fixedOrderSum(xr, count: cols) / n
                let center = SIMD16<Self>(repeating: mu)
                // Padded lanes load the mean itself, so they contribute (mean − mean)² = 0.
                let variance = fixedOrderReduce(count: cols) { acc, start, valid in
                    let d = xr.load16(start, count: valid, padding: mu) - center
                    acc.addProduct(d, d)
                } / n
                let rs = 1 / (variance + epsilon).squareRoot()
                mean[r] = mu
                rstd[r] = rs
                let scale = SIMD16<Self>(repeating: rs)
                for start in stride(from: 0, to: cols, by: 16) {
                    let valid = Swift.min(16, cols - start)
                    let xHat = (xr.load16(start, count: valid, padding: 0) - center) * scale
                    yr.store16(beta.load16(start, count: valid, padding: 0)
                        .addingProduct(xHat, gamma.load16(start, count: valid, padding: 0)), start, count: valid)
                }
            }
        }
    }

    @inlinable
    public static func layerNormBackward(_ x: UnsafePointer<Self>, gamma: UnsafePointer<Self>,
                                         mean: UnsafePointer<Self>, rstd: UnsafePointer<Self>, _ gy: UnsafePointer<Self>,
                                         rows: Int, cols: Int, accumulatingInto gx: UnsafeMutablePointer<Self>,
                                         gammaGradient gGamma: UnsafeMutablePointer<Self>,
                                         betaGradient gBeta: UnsafeMutablePointer<Self>) {
        let n = Self(cols)
        // Input gradients: each row from that row alone, in parallel over ranges of rows.
        Parallel.forEachRange(rows, grain: Parallel.rowGrain(cols: cols)) { range in
            for r in range {
                let (xr, gyr, gxr) = (x + r * cols, gy + r * cols, gx + r * cols)
                let center = SIMD16<Self>(repeating: mean[r])
                let scale = SIMD16<Self>(repeating: rstd[r])
                // Padded lanes load 0 for gy, so they contribute 0 to both sums.
                func load(_ start: Int, _ valid: Int) -> (gy: SIMD16<Self>, gamma: SIMD16<Self>, xHat: SIMD16<Self>) {
                    (gyr.load16(start, count: valid, padding: 0), gamma.load16(start, count: valid, padding: 0),
                     (xr.load16(start, count: valid, padding: 0) - center) * scale)
                }
                let a = SIMD16<Self>(repeating: fixedOrderDot(gyr, gamma, count: cols) / n)
                let b = SIMD16<Self>(repeating: fixedOrderReduce(count: cols) { acc, start, valid in
                    let (g, w, xHat) = load(start, valid)
                    acc.addProduct(g * w, xHat)
                } / n)
                for start in stride(from: 0, to: cols, by: 16) {
                    let valid = Swift.min(16, cols - start)
                    let (g, w, xHat) = load(start, valid)
                    let inner = (g * w - a).addingProduct(-xHat, b)
                    gxr.store16(gxr.load16(start, count: valid, padding: 0).addingProduct(inner, scale), start, count: valid)
                }
            }
        }
        // Scale and shift gradients: sums over the rows in increasing order, in parallel over 16 columns.
        Parallel.forEachRange(cols, grain: 16) { columns in
            let (start, valid) = (columns.lowerBound, columns.count)
            var gG = gGamma.load16(start, count: valid, padding: 0), gB = gBeta.load16(start, count: valid, padding: 0)
            for r in 0..<rows {
                let g = gy.load16(r * cols + start, count: valid, padding: 0)
                let xHat = (x.load16(r * cols + start, count: valid, padding: 0) - SIMD16(repeating: mean[r])) * SIMD16(repeating: rstd[r])
                gG = gG.addingProduct(g, xHat)
                gB = gB + g
            }
            gGamma.store16(gG, start, count: valid)
            gBeta.store16(gB, start, count: valid)
        }
    }
}

extension Float: LayerNormKernels {}
extension Double: LayerNormKernels {}
