// Specs/training.md, "Runs, stopping and checkpoints": resuming a warm-up.
import Autograd
import Checkpoints
import Foundation
import Kernels
import Transformer

/// A supervised warm-up's full state as a safetensors checkpoint, and a run continued from one bit for bit
/// (Specs/training.md, "Resuming a warm-up"). The data of step s is a function of the seed and s alone
/// (`SFTTrainer.problems(forStep:)`), so the step IS the data position: the state is the policy, AdamW's
/// moments and count, the loss summed since the last evaluation, and whether the run has stopped.
extension SFTRun {
    /// The metadata key of the checkpoint's kind, and this kind's value.
    public static var stateKind: (key: String, value: String) { ("vapo.kind", "sft-state") }

    static let stepKey = "vapo.step", adamStepKey = "vapo.adam.step", lossSumKey = "vapo.loss_since_evaluation.bits",
        lossCountKey = "vapo.loss_since_evaluation.count", stopKey = "vapo.stop"

    /// The state: tensors `policy.<name>`, then `adam.m.<name>` and `adam.v.<name>` (after the first update);
    /// metadata `vapo.kind` = `sft-state`, `config` (the model configuration, as in a policy checkpoint), `vapo.sft`
    /// (the SFT configuration), `vapo.step`, `vapo.adam.step`, the loss since the last evaluation (its sum's
    /// `Float` bit pattern and its count) and `vapo.stop` (why the run stopped, empty while it runs), plus
    /// `extraMetadata` (e.g. the command line's own settings). Same state, same bytes.
    public func checkpoint(extraMetadata: [String: String] = [:]) throws -> Checkpoint {
        let model = trainer.model
        let state = trainer.optimizer.exportState(shapedLike: model.parameters)
        // Copies: the parameters' storage is updated in place by later steps, and a checkpoint is a snapshot.
        var tensors = zip(model.names, model.parameters).map { NamedTensor("policy." + $0, Tensor(shape: $1.shape, scalars: $1.scalars)) }
        tensors += zip(model.names, state.firstMoments).map { NamedTensor("adam.m." + $0, $1) }
        tensors += zip(model.names, state.secondMoments).map { NamedTensor("adam.v." + $0, $1) }
        let metadata = [
            Self.stateKind.key: Self.stateKind.value, PolicyCheckpoint.configKey: try PolicyCheckpoint.json(model.configuration),
            PolicyCheckpoint.sftKey: try PolicyCheckpoint.json(resolved.configuration), Self.stepKey: "\(trainer.step)",
            Self.adamStepKey: "\(state.stepCount)", Self.lossSumKey: "\(lossSinceEvaluation.sum.bitPattern)",
            Self.lossCountKey: "\(lossSinceEvaluation.count)", Self.stopKey: stop?.rawValue ?? "",
        ]
        return Checkpoint(tensors: tensors, metadata: metadata.merging(extraMetadata) { current, _ in current })
    }

    /// The run `checkpoint` (read from `path`) holds, continuing exactly where it stopped: `train` then gives
    /// the updates, progress lines and bits the original run would have. Anything missing or malformed is one
    /// `SFTStateError` naming the file and what is wrong.
    public convenience init(resumingFrom checkpoint: Checkpoint, path: String) throws(SFTStateError) {
        func fail(_ reason: String) -> SFTStateError { SFTStateError(path: path, reason: reason) }
        func text(_ key: String) throws(SFTStateError) -> String {
            guard let value = checkpoint.metadata[key] else { throw fail("metadata \(key) is missing") }
            return value
        }
        func count(_ key: String) throws(SFTStateError) -> Int {
            let value = try text(key)
            guard let number = Int(value), number >= 0 else { throw fail("metadata \(key) is \(value.debugDescription); allowed: an integer, 0 or more") }
            return number
        }
        let kind = checkpoint.metadata[Self.stateKind.key] ?? "(none)"
        guard kind == Self.stateKind.value else { throw fail("metadata \(Self.stateKind.key) is \(kind); allowed: \(Self.stateKind.value), a checkpoint written by vapo sft") }
        let configuration: SFTConfiguration
        do { configuration = try SFTConfiguration.decode(stored: try text(PolicyCheckpoint.sftKey)) } catch {
            throw fail("metadata \(PolicyCheckpoint.sftKey): \(error)")
        }
        let trainer: SFTTrainer
        do { trainer = try SFTTrainer(configuration) } catch { throw fail("metadata \(PolicyCheckpoint.sftKey): \(error)") }
        let specifications = trainer.model.configuration.parameterSpecifications(head: .languageModel)
        func tensors(_ prefix: String) throws(SFTStateError) -> [Tensor<Float>] {
            var result: [Tensor<Float>] = []
            for specification in specifications {
                let name = prefix + specification.name
                guard let stored = checkpoint.tensor(named: name) else { throw fail("tensor \(name) is missing") }
                guard let tensor = stored.floatTensor, tensor.shape == specification.shape else {
                    throw fail("tensor \(name) is \(stored.dtype.rawValue) \(stored.shape); allowed: F32 \(specification.shape)")
                }
                result.append(tensor)
            }
            return result
        }
        let adamStep = try count(Self.adamStepKey)
        let parameters = try tensors("policy.")
        do {
            trainer.model = try GPT(configuration: trainer.model.configuration, head: .languageModel,
                parameters: Dictionary(uniqueKeysWithValues: zip(specifications.map(\.name), parameters)))
            try trainer.optimizer.restore(AdamW<Float>.State(
                stepCount: adamStep, firstMoments: adamStep == 0 ? [] : try tensors("adam.m."), secondMoments: adamStep == 0 ? [] : try tensors("adam.v.")))
        } catch let error as SFTStateError {
            throw error
        } catch {
            throw fail("\(error)")
        }
        let expected = specifications.count * (adamStep == 0 ? 1 : 3)
        guard checkpoint.tensors.count == expected else { throw fail("\(checkpoint.tensors.count) tensors; allowed: \(expected), the policy's (and AdamW's moments after an update)") }
        trainer.step = try count(Self.stepKey)
        guard trainer.step <= configuration.steps else { throw fail("metadata \(Self.stepKey) is \(trainer.step); allowed: 0...\(configuration.steps), the run's steps") }
        self.init(trainer: trainer)
        guard let bits = UInt32(try text(Self.lossSumKey)) else { throw fail("metadata \(Self.lossSumKey) is not a 32-bit pattern") }
        lossSinceEvaluation = (Float(bitPattern: bits), try count(Self.lossCountKey))
        let stopText = try text(Self.stopKey)
        guard stopText.isEmpty || Stop(rawValue: stopText) != nil else {
            throw fail("metadata \(Self.stopKey) is \(stopText.debugDescription); allowed: empty, \(Stop.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        stop = Stop(rawValue: stopText)
    }
}

/// A checkpoint that is not a warm-up's state this library wrote, or is damaged.
public struct SFTStateError: Error, Equatable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What is wrong, and what is allowed.
    public let reason: String

    public var description: String { "\(path): \(reason)" }
}
