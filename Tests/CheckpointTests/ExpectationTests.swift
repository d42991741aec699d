import Autograd
import Checkpoints
import Foundation
import Testing

@Suite("Checkpoint expectations (config mismatch)")
struct ExpectationTests {
    static let expectation = CheckpointExpectation(
        tensors: [("wte", .f32, [2, 3]), ("empty", .f32, [0, 4]), ("step", .f64, [])],
        metadata: ["config": "{\"width\":8}"])

    @Test("a checkpoint with exactly the expected tensors, dtypes, shapes and metadata passes")
    func matching() throws {
        #expect(Self.expectation.mismatches(in: Fixtures.small).isEmpty)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        try Fixtures.small.write(to: path)
        #expect(try Checkpoint.read(from: path, expecting: Self.expectation).tensors.count == 3)
    }

    @Test("every difference is listed: missing, unexpected, wrong shape, wrong dtype, missing or different metadata")
    func mismatches() throws {
        let expectation = CheckpointExpectation(
            tensors: [("wte", .f32, [3, 2]), ("blocks.0.x", .f32, [4]), ("step", .f32, [])],
            metadata: ["config": "{\"width\":16}", "tokenizer": nil])
        #expect(expectation.mismatches(in: Fixtures.small) == [
            .shape(tensor: "wte", found: [2, 3], expected: [3, 2]),
            .missingTensor("blocks.0.x"),
            .dtype(tensor: "step", found: .f64, expected: .f32),
            .unexpectedTensor("empty"),
            .metadataValue(key: "config", found: "{\"width\":8}", expected: "{\"width\":16}"),
            .missingMetadata(key: "tokenizer"),
        ])
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        try Fixtures.small.write(to: path)
        do {
            _ = try Checkpoint.read(from: path, expecting: expectation)
            Issue.record("a mismatching checkpoint loaded")
        } catch {
            let message = "\(error)"
            #expect(message.contains(path))
            #expect(message.contains("tensor wte has shape [2, 3], expected [3, 2]"))
            #expect(message.contains("missing tensor blocks.0.x"))
            #expect(message.contains("unexpected tensor empty"))
        }
    }
}
