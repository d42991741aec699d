// Specs/kernels.md, "Elementwise, layout and optimizer kernels": the AdamW update.
/// The AdamW parameter update (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", Algorithm 2),
/// in the form PyTorch's `torch.optim.AdamW` uses.
public protocol OptimizerKernels: BinaryFloatingPoint, SIMDScalar, Codable {
    /// For each i, in this order and rounding:
    /// ```
    /// p ← p · decayFactor                    (decoupled weight decay: decayFactor = 1 − lr·λ)
    /// m ← β₁·m + (1 − β₁)·g
    /// v ← β₂·v + (1 − β₂)·g²
    /// p ← p − stepSize · m / fma(√v, rsqrtCorrection2, ε)
    /// ```
    /// where the caller passes `stepSize = lr / (1 − β₁ᵗ)` and `rsqrtCorrection2 = 1/√(1 − β₂ᵗ)`, so that
    /// m/(1−β₁ᵗ) / (√(v/(1−β₂ᵗ)) + ε) is computed without a per-element division by the corrections.
    static func adamWUpdate(
        parameters p: UnsafeMutablePointer<Self>, gradients g: UnsafePointer<Self>,
        firstMoment m: UnsafeMutablePointer<Self>, secondMoment v: UnsafeMutablePointer<Self>, count: Int,
        decayFactor: Self, beta1: Self, beta2: Self, stepSize: Self, rsqrtCorrection2: Self, epsilon: Self)
}

extension OptimizerKernels {
    public static func adamWUpdate(
        parameters p: UnsafeMutablePointer<Self>, gradients g: UnsafePointer<Self>,
        firstMoment m: UnsafeMutablePointer<Self>, secondMoment v: UnsafeMutablePointer<Self>, count: Int,
        decayFactor: Self, beta1: Self, beta2: Self, stepSize: Self, rsqrtCorrection2: Self, epsilon: Self
    ) {
        let oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2
        forEachVectorInParallel(count) { i, lanes in
            let gv = g.load16(i, count: lanes)
            let mv = (m.load16(i, count: lanes) * beta1).addingProduct(gv, SIMD16(repeating: oneMinusBeta1))
            let vv = (v.load16(i, count: lanes) * beta2).addingProduct(gv * gv, SIMD16(repeating: oneMinusBeta2))
            let decayed = p.load16(i, count: lanes) * decayFactor
            let denominator = SIMD16(repeating: epsilon).addingProduct(vv.squareRoot(), SIMD16(repeating: rsqrtCorrection2))
            m.store16(mv, i, count: lanes)
            v.store16(vv, i, count: lanes)
            p.store16(decayed - stepSize * mv / denominator, i, count: lanes)
        }
    }
}
