// Specs/autograd.md, "Optimizers and schedules": AdamW.
import Kernels

/// Adam with decoupled weight decay (Loshchilov & Hutter 2019), as `torch.optim.AdamW` computes it.
///
/// The optimizer owns the first and second moments of each parameter, by position in the parameter list,
/// and updates parameter storage in place. Pass the same parameters in the same order at every step.
public final class AdamW<Scalar: KernelScalar> {
    /// Hyperparameters, with PyTorch's defaults.
    public struct Configuration: Sendable, Equatable {
        public var beta1: Double = 0.9
        public var beta2: Double = 0.999
        public var epsilon: Double = 1e-8
        public var weightDecay: Double = 0.01
        public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01) {
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    public let configuration: Configuration
    /// Number of updates applied so far (t in the paper; the first update uses t = 1).
    public private(set) var stepCount = 0
    private var firstMoments: [TensorStorage<Scalar>] = []
    private var secondMoments: [TensorStorage<Scalar>] = []

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Applies one update with learning rate `learningRate` to `parameters` in place.
    public func update(_ parameters: [Tensor<Scalar>], gradients: [Tensor<Scalar>], learningRate: Double) {
        precondition(parameters.count == gradients.count, "AdamW: \(parameters.count) parameters but \(gradients.count) gradients")
        if firstMoments.isEmpty {
            firstMoments = parameters.map { TensorStorage(repeating: 0, count: $0.count) }
            secondMoments = parameters.map { TensorStorage(repeating: 0, count: $0.count) }
        }
        precondition(firstMoments.count == parameters.count, "AdamW: parameter list changed length between steps")
        stepCount += 1
        let c = configuration
        // Bias corrections in Double by repeated squaring (exact IEEE operations, no libm pow).
        let correction1 = 1 - Self.power(c.beta1, stepCount)
        let correction2 = 1 - Self.power(c.beta2, stepCount)
        for (i, (parameter, gradient)) in zip(parameters, gradients).enumerated() {
            precondition(parameter.shape == gradient.shape, "AdamW: parameter \(i) has shape \(parameter.shape), gradient \(gradient.shape)")
            precondition(firstMoments[i].count == parameter.count, "AdamW: parameter \(i) changed size between steps")
            Scalar.adamWUpdate(
                parameters: parameter.storage.pointer, gradients: gradient.pointer,
                firstMoment: firstMoments[i].pointer, secondMoment: secondMoments[i].pointer, count: parameter.count,
                decayFactor: Scalar(1 - learningRate * c.weightDecay), beta1: Scalar(c.beta1), beta2: Scalar(c.beta2),
                stepSize: Scalar(learningRate / correction1), rsqrtCorrection2: Scalar(1 / correction2.squareRoot()),
                epsilon: Scalar(c.epsilon))
        }
    }

    /// Everything the optimizer carries from one update to the next: the update count and, per parameter in
    /// list order, the first and second moments (empty lists before the first update). Restoring it into an
    /// optimizer with the same configuration continues bit for bit as if the optimizer had never stopped.
    public struct State {
        /// Updates applied so far.
        public var stepCount: Int
        /// m of each parameter, shaped like it.
        public var firstMoments: [Tensor<Scalar>]
        /// v of each parameter, shaped like it.
        public var secondMoments: [Tensor<Scalar>]

        public init(stepCount: Int, firstMoments: [Tensor<Scalar>], secondMoments: [Tensor<Scalar>]) {
            self.stepCount = stepCount
            self.firstMoments = firstMoments
            self.secondMoments = secondMoments
        }
    }

    /// A copy of the state, shaped like `parameters` (the list `update` is given): the moments are stored flat,
    /// so the shapes come from the caller. Before the first update the moment lists are empty.
    public func exportState(shapedLike parameters: [Tensor<Scalar>]) -> State {
        precondition(firstMoments.isEmpty || firstMoments.count == parameters.count, "AdamW: \(parameters.count) parameters but \(firstMoments.count) moments")
        func copies(_ moments: [TensorStorage<Scalar>]) -> [Tensor<Scalar>] {
            zip(moments, parameters).map { moment, parameter in
                precondition(moment.count == parameter.count, "AdamW: a moment of \(moment.count) scalars for a parameter of shape \(parameter.shape)")
                return Tensor(shape: parameter.shape, scalars: Array(moment.buffer))
            }
        }
        return State(stepCount: stepCount, firstMoments: copies(firstMoments), secondMoments: copies(secondMoments))
    }

    /// Replaces the state by a copy of `state` (from `exportState`, possibly read back from a checkpoint).
    /// - Throws: `AdamWStateError` when the step count is negative, the two moment lists differ in length or
    ///   shapes, or moments are missing after an update (or present before one).
    public func restore(_ state: State) throws(AdamWStateError) {
        guard state.stepCount >= 0 else { throw .invalid("step count \(state.stepCount) is negative") }
        guard state.firstMoments.count == state.secondMoments.count else {
            throw .invalid("\(state.firstMoments.count) first moments but \(state.secondMoments.count) second moments")
        }
        guard state.firstMoments.isEmpty == (state.stepCount == 0) else {
            throw .invalid("step count \(state.stepCount) with \(state.firstMoments.count) moments")
        }
        for (i, (m, v)) in zip(state.firstMoments, state.secondMoments).enumerated() where m.shape != v.shape {
            throw .invalid("moments \(i) have shapes \(m.shape) and \(v.shape)")
        }
        stepCount = state.stepCount
        firstMoments = state.firstMoments.map { TensorStorage($0.scalars) }
        secondMoments = state.secondMoments.map { TensorStorage($0.scalars) }
    }

    /// baseᵉˣᵖᵒⁿᵉⁿᵗ by binary exponentiation.
    static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0, factor = base, remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result *= factor }
            factor *= factor
            remaining >>= 1
        }
        return result
    }
}

/// Why `AdamW.restore` refused a state.
public enum AdamWStateError: Error, Equatable, CustomStringConvertible {
    /// The state is inconsistent; the text says how.
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): "AdamW state: \(reason)"
        }
    }
}
