import Autograd
import Checkpoints
import Foundation
import Kernels
import Testing
import Training
import Transformer

@Suite("Policy checkpoints")
struct PolicyCheckpointTests {
    @Test("a saved policy loads with the same parameter bits, configuration and step, and computes the same logits")
    func roundTrip() throws {
        let configuration = Fixtures.tinyConfiguration(steps: 3)
        let trainer = try SFTTrainer(configuration)
        for _ in 0..<3 { trainer.trainStep() }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("policy.safetensors").path
        try PolicyCheckpoint(model: trainer.model, configuration: configuration, step: trainer.step).write(to: path)
        let loaded = try PolicyCheckpoint.read(from: path)
        #expect(loaded.step == 3 && loaded.configuration == configuration)
        #expect(loaded.model.configuration == trainer.model.configuration && loaded.model.names == trainer.model.names)
        #expect(Fixtures.bits(loaded.model.parameters) == Fixtures.bits(trainer.model.parameters))
        let tokens = TokenBatch([[1, 9, 14, 8, 18, 7]])
        #expect(loaded.model.logits(tokens).scalars.map(\.bitPattern) == trainer.model.logits(tokens).scalars.map(\.bitPattern))
        // The metadata a reader in another language needs: the model configuration as JSON, the head.
        let raw = try Checkpoint.read(from: path)
        let model = try JSONDecoder().decode(GPTConfiguration.self, from: Data(raw.metadata["config"]!.utf8))
        #expect(model == Fixtures.tinyModel && raw.metadata["vapo.head"] == "language_model")
    }

    @Test("a policy written before SFT's keys took the RL names (evaluateEvery, maxGradientNorm, samples, evaluationProblems, temperature) loads with the same configuration")
    func formerKeys() throws {
        var configuration = Fixtures.tinyConfiguration(steps: 3)
        configuration.evalEvery = 7
        configuration.gradientClip = 0.5
        configuration.evalSamples = 3
        configuration.evalProblems = 11
        configuration.evalTemperature = 0.9
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("policy.safetensors").path
        let model = try GPT<Float>(configuration: configuration.model, head: .languageModel, stream: RandomStream(seed: 1))
        try PolicyCheckpoint(model: model, configuration: configuration, step: 0).write(to: path)
        var raw = try Checkpoint.read(from: path)
        var text = try #require(raw.metadata["vapo.sft"])
        for (new, old) in [("evalEvery", "evaluateEvery"), ("gradientClip", "maxGradientNorm"), ("evalSamples", "samples"),
                           ("evalProblems", "evaluationProblems"), ("evalTemperature", "temperature")] {
            #expect(text.contains("\"\(new)\""), "\(new) is written")
            text = text.replacingOccurrences(of: "\"\(new)\"", with: "\"\(old)\"")
        }
        raw.metadata["vapo.sft"] = text
        try raw.write(to: path)
        #expect(try PolicyCheckpoint.read(from: path).configuration == configuration)
        // A file the user types gets no such grace: the old key is refused, naming the new one.
        #expect(throws: (any Error).self) { try SFTConfiguration.decode(json: Data(text.utf8)) }
    }

    @Test("a missing file, missing metadata, a configuration that does not match the tensors, or a corrupted byte is an error naming the file and the problem")
    func errors() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("policy.safetensors").path
        #expect(throws: CheckpointError.fileMissing(path: path)) { try PolicyCheckpoint.read(from: path) }

        let model = try GPT<Float>(configuration: Fixtures.tinyModel, head: .languageModel, stream: RandomStream(seed: 1))
        let policy = PolicyCheckpoint(model: model, configuration: Fixtures.tinyConfiguration(), step: 0)
        try policy.write(to: path)
        var raw = try Checkpoint.read(from: path)

        var withoutSFT = raw
        withoutSFT.metadata["vapo.sft"] = nil
        try withoutSFT.write(to: path)
        #expect(throws: PolicyCheckpointError.invalidMetadata(path: path, key: "vapo.sft", reason: "missing")) {
            try PolicyCheckpoint.read(from: path)
        }
        #expect(PolicyCheckpointError.invalidMetadata(path: path, key: "vapo.sft", reason: "missing").description
            == "checkpoint \(path): metadata vapo.sft is missing")

        var wider = raw
        wider.metadata["config"] = #"{"context":48,"heads":2,"layers":2,"vocabulary":26,"width":64}"#
        try wider.write(to: path)
        do {
            _ = try PolicyCheckpoint.read(from: path)
            Issue.record("a width-64 configuration over width-32 tensors was accepted")
        } catch let error as CheckpointError {
            guard case .mismatch(let errorPath, let problems) = error else { Issue.record("\(error)"); return }
            #expect(errorPath == path && problems.contains(.shape(tensor: "token_embedding", found: [26, 32], expected: [26, 64])))
        }

        raw.metadata["config"] = "{not json"
        try raw.write(to: path)
        #expect(throws: PolicyCheckpointError.invalidMetadata(path: path, key: "config", reason: "not a valid GPTConfiguration in JSON")) {
            try PolicyCheckpoint.read(from: path)
        }

        try policy.write(to: path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count - 3] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect {
            try PolicyCheckpoint.read(from: path)
        } throws: { error in
            guard case .checksumMismatch? = error as? CheckpointError else { return false }
            return true
        }
    }
}
