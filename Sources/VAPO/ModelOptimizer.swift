import Autograd
import Kernels

/// One model's optimizer: AdamW with a warm-up-then-constant learning rate and global gradient-norm clipping.
final class ModelOptimizer<Scalar: KernelScalar> {
    private let adam: AdamW<Scalar>
    private let schedule: WarmupConstantSchedule
    private let maxNorm: Scalar

    init(learningRate: Double, warmupSteps: Int, gradientClip: Double) {
        adam = AdamW()
        schedule = WarmupConstantSchedule(peak: learningRate, warmupSteps: warmupSteps)
        maxNorm = Scalar(gradientClip)
    }

    /// The learning rate at `scheduleStep`.
    func learningRate(at scheduleStep: Int) -> Double { schedule.learningRate(atStep: scheduleStep) }

    /// Clips `gradients` and applies one AdamW update to `parameters` in place; returns the norm before clipping.
    func apply(_ gradients: [Tensor<Scalar>], to parameters: [Tensor<Scalar>], scheduleStep: Int) -> Double {
        let (clipped, norm) = clipByGlobalNorm(gradients, maxNorm: maxNorm)
        adam.update(parameters, gradients: clipped, learningRate: learningRate(at: scheduleStep))
        return Double(norm)
    }
}

/// Adds `gradients` into `total` tensor by tensor (the first call takes them as they are): the gradient of
/// a mini-batch accumulated over its micro-batches, in micro-batch order.
func accumulate<Scalar: KernelScalar>(_ gradients: [Tensor<Scalar>], into total: inout [Tensor<Scalar>]?) {
    guard let sum = total else {
        total = gradients
        return
    }
    total = zip(sum, gradients).map { $0 + $1 }
}
