import ArgumentParser
import Demos
import Foundation
import Kernels

/// `vapo demo`: trains a small network on the two-spirals problem and prints its loss falling.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train a small MLP on the two-spirals problem with the autodiff library and AdamW.")

    @Option(help: "Master random seed.") var seed: UInt64 = 0
    @Option(help: "Optimizer steps (1...100000).") var steps = 600
    @Option(help: "Training points, an even number (2...100000).") var points = 400
    @Option(help: "Width of each of the two hidden layers (1...4096).") var hidden = 32
    @Option(help: "Peak learning rate (0 < lr ≤ 1).") var learningRate = 0.02
    @Option(help: "Worker threads (1...\(Parallel.maximumThreadCount)); results do not depend on it.")
    var threads: Int?
    @Option(help: "Print a progress line every this many steps (≥ 1).") var every = 50

    func validate() throws {
        guard (1...100_000).contains(steps) else { throw ValidationError("--steps must be in 1...100000, got \(steps)") }
        guard (2...100_000).contains(points), points % 2 == 0 else {
            throw ValidationError("--points must be an even number in 2...100000, got \(points)")
        }
        guard (1...4096).contains(hidden) else { throw ValidationError("--hidden must be in 1...4096, got \(hidden)") }
        guard learningRate > 0, learningRate <= 1 else {
            throw ValidationError("--learning-rate must be in (0, 1], got \(learningRate)")
        }
        if let threads, !(1...Parallel.maximumThreadCount).contains(threads) {
            throw ValidationError("--threads must be in 1...\(Parallel.maximumThreadCount), got \(threads)")
        }
        guard every >= 1 else { throw ValidationError("--every must be ≥ 1, got \(every)") }
    }

    func run() throws {
        onThreads(threads) { train() }
    }

    /// The training, on the threads asked for.
    private func train() {
        var configuration = SpiralTraining.Configuration()
        configuration.seed = seed
        configuration.steps = steps
        configuration.points = points
        configuration.hiddenWidth = hidden
        configuration.learningRate = learningRate
        var training = SpiralTraining(configuration)
        print("two spirals: \(points) points, MLP 2-\(hidden)-\(hidden)-2, AdamW, \(steps) steps, \(Parallel.threadCount) thread(s)")
        print(" step      loss  accuracy  grad-norm")
        let start = Date()
        var last: SpiralTraining.Progress?
        for step in 0..<steps {
            let progress = training.step(step)
            if step % every == 0 || step == steps - 1 {
                print(String(format: "%5d  %8.5f  %7.1f%%  %9.4f", step, progress.loss, 100 * progress.accuracy, progress.gradientNorm))
            }
            last = progress
        }
        if let last {
            print(String(format: "done in %.1f s: loss %.5f, accuracy %.1f%%", Date().timeIntervalSince(start), last.loss, 100 * last.accuracy))
        }
    }
}
