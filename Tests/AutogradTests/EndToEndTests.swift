import Autograd
import Demos
import Kernels
import Testing

@Suite("End to end")
struct EndToEndTests {
    /// The loss, every gradient and the updated parameters of one forward + backward + AdamW step of the
    /// demo MLP, as bit patterns.
    static func oneStepBits(hiddenWidth: Int) -> [UInt32] {
        var configuration = SpiralTraining.Configuration()
        configuration.points = 256
        configuration.hiddenWidth = hiddenWidth
        var training = SpiralTraining(configuration)
        let tape = Tape<Float>()
        let variables = training.model.parameters.map { tape.variable($0) }
        let loss = MultilayerPerceptron.apply(variables, to: training.data.points).crossEntropy(targets: training.data.labels)
        let gradients = tape.gradients(of: loss, withRespectTo: variables)
        _ = training.step(0)
        return ([loss] + gradients + training.model.parameters).flatMap { $0.scalars.map(\.bitPattern) }
    }

    @Test("a forward + backward + update of an MLP gives the same bits with 1 and 2 threads (a pool worker running chunks of the 2-thread runs) and on every run")
    func mlpStepIsBitReproducible() {
        for width in [1, 17, 96] {
            let reference = Parallel.withThreadCount(1) { Self.oneStepBits(hiddenWidth: width) }
            for threads in [1, 2, 2, 1] {
                let (bits, chunksOffCaller) = Parallel.observingWorkers(threadCount: threads) { Self.oneStepBits(hiddenWidth: width) }
                #expect(bits == reference, "width \(width), \(threads) thread(s)")
                #expect((chunksOffCaller > 0) == (threads == 2), "width \(width): \(chunksOffCaller) chunks off the caller with \(threads) thread(s)")
            }
        }
    }

    @Test("AdamW drives the cross-entropy of an MLP on two spirals from ~0.69 to below 0.1")
    func adamWLearnsTwoSpirals() {
        var configuration = SpiralTraining.Configuration()
        configuration.steps = 300
        var training = SpiralTraining(configuration)
        let history = (0..<configuration.steps).map { training.step($0) }
        #expect(abs(history[0].loss - 0.693) < 0.05, "an untrained classifier is near chance: \(history[0].loss)")
        #expect(history.last!.loss < 0.1, "final loss \(history.last!.loss)")
        #expect(history.last!.accuracy > 0.95, "final accuracy \(history.last!.accuracy)")
    }
}
