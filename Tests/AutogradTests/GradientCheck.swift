import Autograd
import TestSupport

/// Test data from the shared SplitMix64, so a failing case is reproducible from the seed the property
/// test prints.
typealias TestRandom = SplitMix64

extension SplitMix64 {
    mutating func tensor(_ shape: [Int], _ range: ClosedRange<Double> = -2...2) -> Tensor<Double> {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { _ in uniform(range) })
    }

    /// Values at least `gap` apart from 0, for ops with a kink at 0.
    mutating func tensorAwayFromZero(_ shape: [Int], gap: Double = 0.05) -> Tensor<Double> {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { _ in
            let magnitude = uniform(gap...2)
            return next() & 1 == 0 ? magnitude : -magnitude
        })
    }

    /// Distinct values, any two at least 0.01 apart, in random order (no ties for max/min).
    mutating func tensorOfDistinctValues(_ shape: [Int]) -> Tensor<Double> {
        let count = shape.reduce(1, *)
        var values = (0..<count).map { Double($0) * 0.01 + uniform(0...0.005) - Double(count) * 0.005 }
        for i in values.indices.reversed() where i > 0 { values.swapAt(i, index(i + 1)) }
        return Tensor(shape: shape, scalars: values)
    }
}

/// The largest norm-wise relative error, over all inputs, between the tape's gradient of ⟨w, f(inputs)⟩
/// (w random, passed as the seed) and central finite differences of the same function in Double:
/// ‖g_tape − g_fd‖₂ / max(‖g_tape‖₂, ‖g_fd‖₂).
///
/// With step h = 1e-6·max(1, |x|), truncation error is O(h²) ≈ 1e-12 and rounding error O(ε/h) ≈ 1e-10
/// relative to the function's magnitude, so a correct gradient lands far below the 1e-6 the tests demand —
/// unless a gradient component is itself tiny next to the function. So each component's disagreement first
/// drops its rounding bound, 64·ε·(|f(x+h)| + |f(x−h)|)/(2h) (about 1e-8·|f|): what the quotient cannot
/// resolve is not counted as error, and anything larger still is.
func gradientError(_ inputs: [Tensor<Double>], seed: Int, _ f: ([Tensor<Double>]) -> Tensor<Double>) -> Double {
    let tape = Tape<Double>()
    let variables = inputs.map { tape.variable($0) }
    let output = f(variables)
    var random = TestRandom(seed: seed ^ 0x5EED)
    let weights = random.tensor(output.shape, -1...1)
    let analytic = tape.gradients(of: output, seed: weights, withRespectTo: variables)

    func objective(_ values: [Tensor<Double>]) -> Double {
        zip(f(values).scalars, weights.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }
    var worst = 0.0
    for (i, input) in inputs.enumerated() {
        var numeric = [Double](repeating: 0, count: input.count)
        var roundingBound = [Double](repeating: 0, count: input.count)
        for j in 0..<input.count {
            let x = input.scalars[j]
            let h = 1e-6 * Swift.max(1, Swift.abs(x))
            var values = input.scalars
            values[j] = x + h
            var shifted = inputs
            shifted[i] = Tensor(shape: input.shape, scalars: values)
            let plus = objective(shifted)
            values[j] = x - h
            shifted[i] = Tensor(shape: input.shape, scalars: values)
            let minus = objective(shifted)
            numeric[j] = (plus - minus) / (2 * h)
            roundingBound[j] = 64 * Double.ulpOfOne * (Swift.abs(plus) + Swift.abs(minus)) / (2 * h)
        }
        let exact = analytic[i].scalars
        // Only the disagreement beyond the quotient's rounding counts: a component whose gradient is tiny next to
        // the objective (the cube's slope near 0 while another output is e⁸) is known only to ε·|f|/h.
        let difference = exact.indices.reduce(0) {
            let beyond = Swift.max(0, Swift.abs(exact[$1] - numeric[$1]) - roundingBound[$1])
            return $0 + beyond * beyond
        }.squareRoot()
        let scale = Swift.max(norm(exact), norm(numeric))
        if scale > 0 { worst = Swift.max(worst, difference / scale) }
    }
    return worst
}

func norm(_ values: [Double]) -> Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
