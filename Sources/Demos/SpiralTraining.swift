// Specs/autograd.md, "Determinism and end-to-end": AdamW on the two-spirals MLP.
import Autograd
import Kernels

/// Trains a `MultilayerPerceptron` on `TwoSpirals` with AdamW and full-batch cross-entropy: the library's
/// end-to-end demonstration (forward, tape, backward, clipping, optimizer, schedule).
public struct SpiralTraining {
    public struct Configuration: Sendable {
        public var seed: UInt64 = 0
        public var points = 400
        public var hiddenWidth = 32
        public var steps = 600
        public var learningRate = 0.02
        public var warmupSteps = 20
        public var maxGradientNorm: Float = 1
        public init() {}
    }

    /// One line of progress.
    public struct Progress: Sendable {
        public let step: Int
        public let loss: Float
        public let accuracy: Float
        public let gradientNorm: Float
    }

    public let configuration: Configuration
    public let data: TwoSpirals
    public private(set) var model: MultilayerPerceptron<Float>
    let optimizer: AdamW<Float>
    let schedule: WarmupCosineSchedule

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        let root = RandomStream(seed: configuration.seed, name: "spiral-demo")
        data = TwoSpirals(count: configuration.points, stream: root.child("data"))
        let h = configuration.hiddenWidth
        model = MultilayerPerceptron(widths: [2, h, h, 2], stream: root.child("model"))
        optimizer = AdamW(.init(weightDecay: 1e-4))
        schedule = WarmupCosineSchedule(
            peak: configuration.learningRate, warmupSteps: configuration.warmupSteps,
            totalSteps: configuration.steps, floor: configuration.learningRate / 10)
    }

    /// Runs one optimizer step and reports the loss and accuracy before it.
    public mutating func step(_ index: Int) -> Progress {
        let tape = Tape<Float>()
        let variables = model.parameters.map { tape.variable($0) }
        let logits = MultilayerPerceptron.apply(variables, to: data.points)
        let loss = logits.crossEntropy(targets: data.labels)
        let gradients = tape.gradients(of: loss, withRespectTo: variables)
        let (clipped, norm) = clipByGlobalNorm(gradients, maxNorm: configuration.maxGradientNorm)
        optimizer.update(model.parameters, gradients: clipped, learningRate: schedule.learningRate(atStep: index))
        return Progress(step: index, loss: loss.scalar, accuracy: accuracy(logits), gradientNorm: norm)
    }

    func accuracy(_ logits: Tensor<Float>) -> Float {
        let values = logits.scalars
        let correct = data.labels.indices.filter { i in (values[2 * i + 1] > values[2 * i] ? 1 : 0) == data.labels[i] }
        return Float(correct.count) / Float(data.labels.count)
    }
}
