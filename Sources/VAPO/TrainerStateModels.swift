// Specs/vapo.md, "Trainer state": the models of a checkpoint, for a reader that does not resume.
import Checkpoints
import Foundation
import Kernels
import Transformer

/// The models of a trainer-state checkpoint (`Trainer.checkpoint()`, Specs/vapo.md "Trainer state") for a
/// reader that does not resume the run: the policy, the critic when the checkpoint has one, the training
/// configuration and the step. Used by `vapo probe-critic`.
///
/// The policy's shape is the metadata `config`; the critic's is `critic_config` when the checkpoint records
/// one (a critic whose shape differs from the policy's), else `config`. Optimizer moments and the other
/// state are not read.
public struct TrainerStateModels<Scalar: KernelScalar> {
    /// The policy (tensors `policy.<name>`, a language-model head).
    public let policy: GPT<Scalar>
    /// The critic (tensors `critic.<name>`, a scalar head); nil when the checkpoint has none (GRPO, DAPO, or a
    /// VAPO/PPO state written before `prepare()`).
    public let critic: GPT<Scalar>?
    /// The run's configuration (metadata `vapo.configuration`).
    public let configuration: TrainingConfiguration
    /// The RL steps done (metadata `vapo.step`).
    public let step: Int

    /// The metadata key of the critic's own model configuration, when it differs from the policy's `config`.
    public static var criticConfigurationKey: String { "critic_config" }

    /// Reads the models of `checkpoint`. Another kind of checkpoint, a missing or unreadable configuration, or
    /// tensors that do not fit their model configuration (missing, misshapen, another dtype than `Scalar`) is
    /// one `TrainingError.checkpoint` line.
    public init(checkpoint: Checkpoint) throws(TrainingError) {
        let kind = checkpoint.metadata[Trainer<Float>.stateKind.key] ?? "(none)"
        guard kind == Trainer<Float>.stateKind.value else {
            throw .checkpoint(
                reason: "\(Trainer<Float>.stateKind.key) is \(kind); allowed: a \(Trainer<Float>.stateKind.value) checkpoint written by vapo train")
        }
        do {
            var reader = StateReader<Scalar>(checkpoint: checkpoint)
            configuration = try reader.configuration()
            step = try reader.count("vapo.step")
            let shape: GPTConfiguration = try reader.json("config")
            policy = try reader.model("policy.", shape: shape, head: .languageModel)
            if checkpoint.tensors.contains(where: { $0.name.hasPrefix("critic.") }) {
                critic = try reader.model("critic.", shape: try reader.criticShape(policyShape: shape), head: .scalar)
            } else {
                critic = nil
            }
        } catch {
            if case .resume(let reason) = error { throw .checkpoint(reason: reason) }
            throw error
        }
    }
}
