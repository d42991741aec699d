import Foundation
import Kernels
import Tasks
import Testing
import Training
import Transformer
import VAPO

/// Long runs keep their memory flat: no tape, cache or history grows with the step count. Each test runs in
/// its own process (see `MemoryProbe`) and prints its measures.
@Suite("Bounded memory")
struct MemoryTests {
    @Test("400 steps of the VAPO trainer on a tiny model: after 100 of warm-up, 300 more grow the resident set by under 2 MiB and the live heap by under 64 KiB")
    func reinforcementLearning() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            var configuration = try! TrainingConfiguration.preset(named: "vapo")
            configuration.promptsPerStep = 2
            configuration.samplesPerPrompt = 2
            configuration.miniBatchSize = 2
            configuration.microBatchSize = 1
            configuration.maxNewTokens = 8
            configuration.overlongMaxLength = 8
            configuration.overlongCacheLength = 3
            configuration.rewardModelSteps = 2
            configuration.valuePretrainingSteps = 2
            configuration.evalEvery = 4
            configuration.evalProblems = 3
            configuration.minDifficulty = 1
            configuration.maxDifficulty = 1
            let shape = GPTConfiguration(layers: 1, width: 16, heads: 2, context: 32, vocabulary: Tokenizer.vocabularySize)
            let policy = try! GPT<Float>(configuration: shape, head: .languageModel, stream: RandomStream(seed: 1, name: "memory"))
            let trainer = try! Trainer(configuration: configuration, policy: policy)
            MemoryProbe.exitIfGrowing("vapo trainer", warmUp: 100, measured: 300, residentBound: 2 << 20, heapBound: 64 << 10) {
                _ = try trainer.step()
            }
        }
        print(String(decoding: result?.standardOutputContent ?? [], as: UTF8.self))
    }

    @Test("250 steps of supervised fine-tuning on a tiny model: after 50 of warm-up, 200 more grow the resident set by under 2 MiB and the live heap by under 64 KiB")
    func supervised() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            var configuration = SFTConfiguration()
            configuration.model = GPTConfiguration(layers: 1, width: 16, heads: 2, context: 48, vocabulary: Tokenizer.vocabularySize)
            configuration.maxDifficulty = 2
            configuration.steps = 250
            configuration.batchSize = 8
            let trainer = try! SFTTrainer(configuration)
            MemoryProbe.exitIfGrowing("sft trainer", warmUp: 50, measured: 200, residentBound: 2 << 20, heapBound: 64 << 10) {
                _ = trainer.trainStep()
            }
        }
        print(String(decoding: result?.standardOutputContent ?? [], as: UTF8.self))
    }

    @Test("250 rounds of KV-cache sampling of 8 sequences: after 50 of warm-up, 200 more grow the resident set by under 2 MiB and the live heap by under 64 KiB")
    func sampling() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            let shape = GPTConfiguration(layers: 1, width: 16, heads: 2, context: 48, vocabulary: Tokenizer.vocabularySize)
            let model = try! GPT<Float>(configuration: shape, head: .languageModel, stream: RandomStream(seed: 2, name: "memory"))
            let prompts = try! ColumnAddition().trainingSet(count: 4, seed: 3, difficulties: 1...2).map(\.promptTokens)
            var round = 0
            MemoryProbe.exitIfGrowing("sampling", warmUp: 50, measured: 200, residentBound: 2 << 20, heapBound: 64 << 10) {
                round += 1
                let options = SamplingOptions(seed: 4, step: round, maxNewTokens: 24, endOfSequence: Tokenizer.eos)
                _ = try model.sample(prompts: prompts, samplesPerPrompt: 2, options: options)
            }
        }
        print(String(decoding: result?.standardOutputContent ?? [], as: UTF8.self))
    }

    @Test("the check fails on a step that leaks 1 KiB (one 256-element tensor) per step, which the resident set alone would miss")
    func catchesLeaks() async {
        let result = await #expect(processExitsWith: .exitCode(1), observing: [\.standardOutputContent]) {
            var kept: [[UInt8]] = []
            MemoryProbe.exitIfGrowing("leaky step", warmUp: 50, measured: 200, residentBound: 2 << 20, heapBound: 64 << 10) {
                kept.append([UInt8](repeating: 1, count: 1 << 10))
            }
        }
        print(String(decoding: result?.standardOutputContent ?? [], as: UTF8.self))
    }
}
