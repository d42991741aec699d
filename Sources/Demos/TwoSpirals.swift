// Specs/autograd.md, "Determinism and end-to-end": the two-spirals problem.
import Autograd
import Kernels

/// The two-spirals problem (Lang & Witbrock, 1988): points on two interleaved spiral arms, labelled by arm.
/// A linear model gets half of them right; a small network has to bend its decision boundary around the
/// centre twice, so the loss falls visibly over a few hundred steps.
public struct TwoSpirals {
    /// Points, shape [count, 2].
    public let points: Tensor<Float>
    /// The arm (0 or 1) of each point.
    public let labels: [Int]

    /// `count` points (half per arm) with Gaussian jitter `noise`, drawn from `stream`.
    public init(count: Int, noise: Float = 0.05, stream: RandomStream) {
        precondition(count >= 2 && count % 2 == 0, "TwoSpirals needs an even count ≥ 2, got \(count)")
        var jitter = stream
        var coordinates = [Float](repeating: 0, count: count * 2)
        coordinates.withUnsafeMutableBufferPointer { jitter.fillNormal($0.baseAddress!, count: count * 2, std: noise) }
        var labels = [Int]()
        let perArm = count / 2
        for i in 0..<count {
            let arm = i % 2
            let t = Float(i / 2) / Float(perArm)             // 0 … 1 along the arm
            let radius = 0.1 + 0.9 * t
            let angle = 3 * Float.pi * t + Float(arm) * Float.pi
            let (cosine, sine) = Self.cosineAndSine(angle)
            coordinates[2 * i] += radius * cosine
            coordinates[2 * i + 1] += radius * sine
            labels.append(arm)
        }
        points = Tensor(shape: [count, 2], scalars: coordinates)
        self.labels = labels
    }

    /// cos and sin from Double Taylor series (exact IEEE arithmetic, as everything that feeds the numbers).
    static func cosineAndSine(_ angle: Float) -> (Float, Float) {
        // Reduce to [−π, π] by whole turns, then sum the series in Double; |x| ≤ π needs ~25 terms.
        var x = Double(angle)
        while x > .pi { x -= 2 * .pi }
        var term = 1.0, cosine = 1.0, sine = 0.0, sineTerm = x
        for k in 1...14 {
            sine += sineTerm
            sineTerm *= -x * x / Double((2 * k) * (2 * k + 1))
            term *= -x * x / Double((2 * k - 1) * (2 * k))
            cosine += term
        }
        return (Float(cosine), Float(sine))
    }
}
