// Specs/autograd.md, "Determinism and end-to-end": `vapo demo`.
import ArgumentParser
import Demos
import Foundation
import Kernels

/// `vapo demo`: trains a small network on the two-spirals problem and prints its loss falling.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train a small MLP on the two-spirals problem with the autodiff library and AdamW.")

    @Option(parsing: .unconditional, help: "Master random seed.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Optimizer steps (1...100000).") var steps = 600
    @Option(parsing: .unconditional, help: "Training points, an even number (2...100000).") var points = 400
    @Option(parsing: .unconditional, help: "Width of each of the two hidden layers (1...4096).") var hidden = 32
    @Option(parsing: .unconditional, help: "Peak learning rate (0 < lr ≤ 1).") var learningRate = 0.02
    @Option(parsing: .unconditional, help: threadsHelp) var threads: Int?
    @Option(parsing: .unconditional, help: "Print a progress line every this many steps (≥ 1).") var every = 50

    func validate() throws {
        guard (1...100_000).contains(steps) else { throw CommandError("--steps is \(steps); allowed: 1...100000") }
        guard (2...100_000).contains(points), points % 2 == 0 else {
            throw CommandError("--points is \(points); allowed: an even number in 2...100000")
        }
        guard (1...4096).contains(hidden) else { throw CommandError("--hidden is \(hidden); allowed: 1...4096") }
        guard learningRate > 0, learningRate <= 1 else {
            throw CommandError("--learning-rate is \(learningRate); allowed: (0, 1]")
        }
        if let threads, !(1...Parallel.maximumThreadCount).contains(threads) {
            throw CommandError("--threads is \(threads); allowed: 1...\(Parallel.maximumThreadCount)")
        }
        guard every >= 1 else { throw CommandError("--every is \(every); allowed: 1 or more") }
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
        print("two spirals: \(points) points, MLP 2-\(hidden)-\(hidden)-2, AdamW, \(plural(steps, "step")), \(plural(Parallel.threadCount, "thread"))")
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
