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
