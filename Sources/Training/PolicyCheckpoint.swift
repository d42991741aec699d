// Specs/training.md, "Runs, stopping and checkpoints": a policy checkpoint.
import Autograd
import Checkpoints
import Foundation
import Kernels
import Transformer

/// A trained policy as a safetensors checkpoint: every parameter as an `F32` tensor under its name
/// (Specs/model.md), and in the metadata the model configuration (`config`, JSON), the head
/// (`vapo.head` = `language_model`), the SFT configuration that trained it (`vapo.sft`, JSON) and the number
/// of updates (`vapo.step`).
public struct PolicyCheckpoint {
    /// The policy.
    public var model: GPT<Float>
    /// The configuration it was trained with (its task, difficulties, seed and evaluation settings).
    public var configuration: SFTConfiguration
    /// Updates applied.
    public var step: Int

    /// A checkpoint of `model` after `step` updates of `configuration`.
    public init(model: GPT<Float>, configuration: SFTConfiguration, step: Int) {
        self.model = model
        self.configuration = configuration
        self.step = step
    }

    static let headKey = "vapo.head", stepKey = "vapo.step", configKey = "config"
    /// The metadata key of the SFT configuration, the mark of a checkpoint written by `vapo sft`.
    public static let sftKey = "vapo.sft"

    /// Writes the checkpoint atomically to `path` (see `Checkpoint.write(to:)`).
    public func write(to path: String) throws {
        let tensors = zip(model.names, model.parameters).map { NamedTensor($0, $1) }
        let metadata = [
            Self.configKey: try Self.json(model.configuration), Self.headKey: GPTHead.languageModel.rawValue,
            Self.sftKey: try Self.json(configuration), Self.stepKey: String(step),
        ]
        try Checkpoint(tensors: tensors, metadata: metadata).write(to: path)
    }

    /// Reads the policy at `path`: the checksum must match, the metadata must hold a valid configuration, and
    /// the tensors must be exactly the layout of that configuration (names, `F32`, shapes). Any difference is
    /// a `CheckpointError` or `PolicyCheckpointError` naming the file and what is wrong.
    public static func read(from path: String) throws -> PolicyCheckpoint {
        try read(Checkpoint.read(from: path), path: path)
    }

    /// The policy of `checkpoint`, already read from `path` (named in errors), checked as `read(from:)` checks it.
    public static func read(_ checkpoint: Checkpoint, path: String) throws -> PolicyCheckpoint {
        let modelConfiguration = try decode(GPTConfiguration.self, key: configKey, in: checkpoint, path: path)
        let sftText = try metadata(sftKey, in: checkpoint, path: path)
        let configuration: SFTConfiguration
        do { configuration = try SFTConfiguration.decode(stored: sftText) } catch {
            throw PolicyCheckpointError.invalidMetadata(path: path, key: sftKey, reason: "not readable: \(error)")
        }
        guard let stepText = checkpoint.metadata[stepKey], let step = Int(stepText), step >= 0 else {
            throw PolicyCheckpointError.invalidMetadata(path: path, key: stepKey, reason: "not a non-negative integer")
        }
        let layout: GPTConfiguration
        do { layout = try modelConfiguration.validated() } catch {
            throw PolicyCheckpointError.invalidMetadata(path: path, key: configKey, reason: error.description)
        }
        let specifications = layout.parameterSpecifications(head: .languageModel)
        let expectation = CheckpointExpectation(
            tensors: specifications.map { ($0.name, DType.f32, $0.shape) },
            metadata: [headKey: GPTHead.languageModel.rawValue])
        try expectation.check(checkpoint, path: path)
        let parameters = Dictionary(uniqueKeysWithValues: checkpoint.tensors.map { ($0.name, $0.tensor.floatTensor!) })
        let model = try GPT<Float>(configuration: layout, head: .languageModel, parameters: parameters)
        return PolicyCheckpoint(model: model, configuration: configuration, step: step)
    }

    /// Sorted-key JSON text of `value`.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The metadata value of `key`; missing, an error naming the file and the key.
    private static func metadata(_ key: String, in checkpoint: Checkpoint, path: String) throws(PolicyCheckpointError) -> String {
        guard let text = checkpoint.metadata[key] else { throw .invalidMetadata(path: path, key: key, reason: "missing") }
        return text
    }

    private static func decode<T: Decodable>(_ type: T.Type, key: String, in checkpoint: Checkpoint, path: String) throws -> T {
        let text = try metadata(key, in: checkpoint, path: path)
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw PolicyCheckpointError.invalidMetadata(path: path, key: key, reason: "not a valid \(T.self) in JSON")
        }
    }
}

/// A checkpoint that is a valid safetensors file but not a policy this library wrote.
public enum PolicyCheckpointError: Error, Equatable, CustomStringConvertible {
    /// Metadata `key` is missing or unreadable.
    case invalidMetadata(path: String, key: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidMetadata(path, key, reason): "checkpoint \(path): metadata \(key) is \(reason)"
        }
    }
}
