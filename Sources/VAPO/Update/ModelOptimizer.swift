// Specs/vapo.md, "The loop, step by step": one model's guarded AdamW update (step 5).
import Autograd
import Kernels

/// One model's optimizer: AdamW with a warm-up-then-constant learning rate and global gradient-norm clipping,
/// guarded against numerical faults (`NumericalFault`).
final class ModelOptimizer<Scalar: KernelScalar> {
    private let adam: AdamW<Scalar>
    private let schedule: WarmupConstantSchedule
    private let maxNorm: Scalar
    /// Whether a mini-batch with a non-finite loss or gradient is skipped (`skipNonFiniteBatches`) instead of
    /// stopping the run.
    let skipsNonFiniteBatches: Bool

    init(learningRate: Double, warmupSteps: Int, gradientClip: Double, skipsNonFiniteBatches: Bool = false) {
        adam = AdamW()
        schedule = WarmupConstantSchedule(peak: learningRate, warmupSteps: warmupSteps)
        maxNorm = Scalar(gradientClip)
        self.skipsNonFiniteBatches = skipsNonFiniteBatches
    }

    /// The learning rate at `scheduleStep`.
    func learningRate(at scheduleStep: Int) -> Double { schedule.learningRate(atStep: scheduleStep) }

    /// Clips `gradients` and applies one AdamW update to `parameters` (named `names`) in place; returns the
    /// norm before clipping, or nil when the mini-batch was skipped.
    ///
    /// Checked first: `loss` (named `lossName`) and every gradient must be finite; otherwise the update is
    /// skipped (nil) with `skipsNonFiniteBatches`, else a `NumericalFault` is thrown before anything changes.
    /// Checked after the update: every parameter must be finite, else a `NumericalFault` (never skipped: the
    /// update is already applied, and only a stopped run keeps its last good checkpoint meaningful).
    func apply(
        _ gradients: [Tensor<Scalar>], to parameters: [Tensor<Scalar>], names: [String], loss: Double?, lossName: String,
        scheduleStep: Int, site: FaultSite
    ) throws(NumericalFault) -> Double? {
        var bad: String? = nil
        var clipping: (gradients: [Tensor<Scalar>], norm: Scalar)? = nil
        if let loss, !loss.isFinite {
            bad = lossName
        } else {
            // The clipping norm sums every gradient's squares, so it is finite when every gradient is: only a
            // non-finite norm (a fault, or finite squares that overflow) sends the gradients to be looked at.
            clipping = clipByGlobalNorm(gradients, maxNorm: maxNorm)
            if !clipping!.norm.isFinite, let index = gradients.firstIndex(where: { !$0.isFinite }) {
                bad = "gradient of \(names[index])"
            }
        }
        if let bad {
            if skipsNonFiniteBatches { return nil }
            throw NumericalFault(site: site, tensor: bad)
        }
        let (clipped, norm) = clipping!
        adam.update(parameters, gradients: clipped, learningRate: learningRate(at: scheduleStep))
        if let index = parameters.firstIndex(where: { !$0.isFinite }) {
            throw NumericalFault(site: site, tensor: "parameter \(names[index]) after the update")
        }
        return Double(norm)
    }

    /// AdamW's state, shaped like `parameters`.
    func state(shapedLike parameters: [Tensor<Scalar>]) -> AdamW<Scalar>.State { adam.exportState(shapedLike: parameters) }

    /// Replaces AdamW's state (a resumed run).
    func restore(_ state: AdamW<Scalar>.State) throws(AdamWStateError) { try adam.restore(state) }
}

extension Tensor {
    /// Whether every element is finite (no NaN, no infinity). Fast path: the vectorised `sumOfSquares` kernel is
    /// finite when every element is (a NaN or an infinity makes it NaN or infinite); only when it is not (a fault,
    /// or finite elements whose squares overflow) are the elements looked at one by one.
    var isFinite: Bool {
        withUnsafeBufferPointer { elements in
            guard let base = elements.baseAddress, !Scalar.sumOfSquares(base, count: elements.count).isFinite else { return true }
            return elements.allSatisfy { $0.isFinite }
        }
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
