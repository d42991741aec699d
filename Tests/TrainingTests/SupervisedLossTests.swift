import Autograd
import Foundation
import Kernels
import Tasks
import TestSupport
import Testing
import Training
import Transformer

@Suite("Supervised loss and masking")
struct SupervisedLossTests {
    static func problems() throws -> [Problem] {
        let addition = ColumnAddition()
        return [try addition.problem(prompt: "5+7="), try addition.problem(prompt: "34+9="), try addition.problem(prompt: "99+99=")]
    }

    @Test("a batch pads with PAD to one length, predicts token t + 1 at position t, and counts only response tokens")
    func layout() throws {
        let problems = try Self.problems()
        let length = 45
        let batch = SFTBatch(problems: problems, length: length)
        #expect(batch.inputs.batch == 3 && batch.inputs.length == length - 1)
        for (b, problem) in problems.enumerated() {
            let padded = problem.tokens + [Int](repeating: Tokenizer.pad, count: length - problem.tokenCount)
            let prompt = problem.promptTokens.count
            for t in 0..<(length - 1) {
                #expect(batch.inputs[b, t] == padded[t])
                #expect(batch.targets[b * (length - 1) + t] == padded[t + 1])
                // Response tokens are positions prompt ..< tokenCount of the sequence: trace, #, answer, EOS.
                #expect(batch.responseMask[b * (length - 1) + t] == (t + 1 >= prompt && t + 1 < problem.tokenCount))
            }
        }
        #expect(batch.responseTokenCount == problems.map { $0.responseTokens.count }.reduce(0, +))
    }

    @Test("the loss is the mean next-token cross-entropy over the response tokens of the whole batch")
    func lossIsResponseMean() throws {
        let problems = try Self.problems()
        let model = try GPT<Float>(configuration: Fixtures.tinyModel, head: .languageModel, stream: RandomStream(seed: 3))
        let batch = SFTBatch(problems: problems, length: 45)
        let logits = model.logits(batch.inputs).scalars.map(Double.init)
        let v = Fixtures.tinyModel.vocabulary
        var sum = 0.0, count = 0
        for row in 0..<batch.targets.count where batch.responseMask[row] {
            let z = logits[(row * v)..<((row + 1) * v)]
            let top = z.max()!
            let logSumExp = top + Foundation.log(z.map { Foundation.exp($0 - top) }.reduce(0, +))
            sum += logSumExp - z[z.startIndex + batch.targets[row]]
            count += 1
        }
        #expect(count == batch.responseTokenCount)
        let loss = Double(model.supervisedLoss(batch).scalar)
        #expect(abs(loss - sum / Double(count)) <= 1e-5 * sum / Double(count))
    }

    /// The loss and every parameter gradient, as bits.
    static func lossAndGradients(_ model: GPT<Float>, _ batch: SFTBatch) -> (UInt32, [[UInt32]]) {
        let tape = Tape<Float>()
        let variables = model.parameters.map { tape.variable($0) }
        let loss = model.supervisedLoss(batch, parameters: variables)
        return (loss.scalar.bitPattern, Fixtures.bits(tape.gradients(of: loss, withRespectTo: variables)))
    }

    @Test("prompt and padding get no gradient: changing their targets, or the padding tokens themselves, changes neither the loss nor any gradient bit; changing a response target does")
    func maskedPositionsGetNoGradient() throws {
        let problems = try Self.problems()
        let model = try GPT<Float>(configuration: Fixtures.tinyModel, head: .languageModel, stream: RandomStream(seed: 4))
        let batch = SFTBatch(problems: problems, length: 48)
        let (loss, gradients) = Self.lossAndGradients(model, batch)
        #expect(gradients.contains { $0.contains { $0 != 0 } })
        var random = SplitMix64(seed: 5)
        let width = batch.inputs.length
        // Every masked target (prompt tokens and padding) replaced by a random token.
        var targets = batch.targets
        for i in targets.indices where !batch.responseMask[i] { targets[i] = random.index(Tokenizer.vocabularySize) }
        // Every padding input (after EOS) replaced by a random token: only masked positions read them.
        var inputs = batch.inputs.ids
        for (b, problem) in problems.enumerated() {
            for t in problem.tokenCount..<width { inputs[b * width + t] = random.index(Tokenizer.vocabularySize) }
        }
        let changed = SFTBatch(inputs: TokenBatch(ids: inputs, batch: 3, length: width), targets: targets, responseMask: batch.responseMask)
        #expect(changed.targets != batch.targets && changed.inputs != batch.inputs)
        let (changedLoss, changedGradients) = Self.lossAndGradients(model, changed)
        #expect(changedLoss == loss)
        #expect(changedGradients == gradients)
        // A response target counts.
        var responseTargets = batch.targets
        let first = batch.responseMask.firstIndex(of: true)!
        responseTargets[first] = (responseTargets[first] + 1) % Tokenizer.vocabularySize
        let (otherLoss, otherGradients) = Self.lossAndGradients(
            model, SFTBatch(inputs: batch.inputs, targets: responseTargets, responseMask: batch.responseMask))
        #expect(otherLoss != loss && otherGradients != gradients)
    }
}
