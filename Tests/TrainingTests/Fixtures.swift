import Autograd
import Foundation
import Kernels
import Tasks
import TestSupport
import Training
import Transformer

enum Fixtures {
    /// A tiny policy shape for fast tests: 2 layers, width 32, 2 heads, context 48 (addition up to 2 digits
    /// needs 45), the tasks' vocabulary.
    static let tinyModel = GPTConfiguration(layers: 2, width: 32, heads: 2, context: 48, vocabulary: Tokenizer.vocabularySize)

    /// An SFT configuration of the tiny model on addition with operands of 1 or 2 digits.
    static func tinyConfiguration(steps: Int = 10, seed: UInt64 = 1) -> SFTConfiguration {
        var c = SFTConfiguration()
        c.model = tinyModel
        c.task = "addition"
        c.minDifficulty = 1
        c.maxDifficulty = 2
        c.steps = steps
        c.batchSize = 8
        c.warmupSteps = 5
        c.learningRate = 3e-3
        c.seed = seed
        c.evalProblems = 16
        c.evalSamples = 2
        return c
    }

    /// Bit patterns of every parameter, for exact comparisons (−0 and +0 differ).
    static func bits(_ tensors: [Tensor<Float>]) -> [[UInt32]] {
        tensors.map { $0.scalars.map(\.bitPattern) }
    }

    /// A fresh empty directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("training-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
