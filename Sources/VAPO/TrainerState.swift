// Specs/vapo.md, "Trainer state".
import Autograd
import Checkpoints
import Foundation
import Kernels
import RLMath
import Tasks
import Transformer

/// The trainer's full state as a safetensors checkpoint, and a trainer continued from one bit for bit
/// (Specs/vapo.md, "Trainer state"). Everything a later step reads is here: the models, both AdamW
/// optimizers, the schedule positions and the counters of every random stream. The streams are counter-based
/// (named by seed, phase and step, Specs/model.md), so `completedSteps` and `dataPosition` ARE their
/// positions: no generator carries hidden state between steps.
extension Trainer {
    /// The metadata key of the checkpoint's kind, and this kind's value.
    public static var stateKind: (key: String, value: String) { ("vapo.kind", "trainer-state") }

    /// The full state: tensors `policy.<name>`, `critic.<name>` (once prepared, with a critic), `reference.<name>`
    /// (with the actor's KL term), then `adam.actor.m.<name>`, `adam.actor.v.<name>`, `adam.critic.m.<name>`, `adam.critic.v.<name>`
    /// (after each optimizer's first update), in each model's parameter order, stored in the trainer's scalar
    /// type; metadata `vapo.kind` = `trainer-state`, `vapo.step`, `vapo.data_position`,
    /// `vapo.critic_schedule_step`, `vapo.prepared`, `vapo.adam.actor.step`, `vapo.adam.critic.step`,
    /// `vapo.preparation_summary` (JSON: the set-up metrics reported with the first RL step, values in
    /// Swift's shortest round-trip form), `vapo.configuration` (the resolved configuration's JSON), `config`
    /// (the policy's model configuration, as `vapo sft` writes it) and, when the critic's shape differs from
    /// the policy's (a critic that reads token features), `critic_config`. Same state, same bytes.
    public func checkpoint() -> Checkpoint {
        func named(_ prefix: String, _ names: [String], _ tensors: [Tensor<Scalar>]) -> [NamedTensor] {
            zip(names, tensors).map { NamedTensor(prefix + $0, Self.stored($1)) }
        }
        var tensors = named("policy.", policy.names, policy.parameters)
        if let critic { tensors += named("critic.", critic.names, critic.parameters) }
        if let reference { tensors += named("reference.", reference.names, reference.parameters) }
        let actorState = actorOptimizer.state(shapedLike: policy.parameters)
        tensors += named("adam.actor.m.", policy.names, actorState.firstMoments) + named("adam.actor.v.", policy.names, actorState.secondMoments)
        var criticStep = 0
        if let critic {
            let criticState = criticOptimizer.state(shapedLike: critic.parameters)
            criticStep = criticState.stepCount
            tensors += named("adam.critic.m.", critic.names, criticState.firstMoments) + named("adam.critic.v.", critic.names, criticState.secondMoments)
        }
        let summary = preparedSummary.mapValues { "\($0)" }
        let text = { (data: Data) in String(decoding: data, as: UTF8.self) }
        var metadata: [String: String] = [:]
        if let critic, critic.configuration != policy.configuration { metadata[TrainerStateModels<Scalar>.criticConfigurationKey] = text(Self.sortedJSON(critic.configuration)) }
        return Checkpoint(
            tensors: tensors,
            metadata: metadata.merging([
                Self.stateKind.key: Self.stateKind.value, "vapo.step": "\(completedSteps)", "vapo.data_position": "\(dataPosition)",
                "vapo.critic_schedule_step": "\(criticScheduleStep)", "vapo.prepared": "\(prepared)",
                "vapo.adam.actor.step": "\(actorState.stepCount)", "vapo.adam.critic.step": "\(criticStep)",
                "vapo.preparation_summary": text(Self.sortedJSON(summary)),
                "vapo.configuration": text(configuration.jsonData()),
                "config": text(Self.sortedJSON(policy.configuration)),
            ], uniquingKeysWith: { $1 }))
    }

    /// The trainer `checkpoint` holds, continuing exactly where it stopped: `step()` then gives the metrics and
    /// bits the original trainer would have. `configuration` is the run's (e.g. its `config.json`); it must
    /// equal the checkpoint's, and every tensor must be there with its model's shape and the trainer's dtype,
    /// else one `TrainingError.resume` line says what differs. `task` as in `init(configuration:policy:task:)`.
    public convenience init(
        resumingFrom checkpoint: Checkpoint, configuration: TrainingConfiguration, task: (any ReasoningTask)? = nil
    ) throws(TrainingError) {
        var reader = StateReader<Scalar>(checkpoint: checkpoint)
        let kind = checkpoint.metadata[Self.stateKind.key] ?? "(none)"
        guard kind == Self.stateKind.value else {
            throw .resume(reason: "the checkpoint's \(Self.stateKind.key) is \(kind); allowed: a \(Self.stateKind.value) checkpoint written by vapo train")
        }
        let given: TrainingConfiguration
        do { given = try configuration.validated() } catch { throw .configuration(error) }
        try StateReader<Scalar>.requireSame(try reader.configuration(), given)
        let shape: GPTConfiguration = try reader.json("config")
        try self.init(configuration: given, policy: try reader.model("policy.", shape: shape, head: .languageModel), task: task)
        completedSteps = try reader.count("vapo.step")
        dataPosition = try reader.count("vapo.data_position")
        criticScheduleStep = try reader.count("vapo.critic_schedule_step")
        prepared = try reader.json("vapo.prepared")
        preparedSummary = try reader.json("vapo.preparation_summary", as: [String: String].self).compactMapValues { Double($0) }
        if given.usesCritic && prepared {
            let critic = try reader.model("critic.", shape: try reader.criticShape(policyShape: shape), head: .scalar)
            try reader.restore(criticOptimizer, "adam.critic.", model: critic, stepKey: "vapo.adam.critic.step")
            self.critic = critic
        }
        if recipe.keepsReference { reference = try reader.model("reference.", shape: shape, head: .languageModel) }
        try reader.restore(actorOptimizer, "adam.actor.", model: policy, stepKey: "vapo.adam.actor.step")
        try reader.requireAllRead()
    }

    /// A copy of `tensor` as stored: parameters are updated in place by later steps, and a checkpoint is a
    /// snapshot of the moment it was taken.
    static func stored(_ tensor: Tensor<Scalar>) -> StoredTensor {
        if let float = tensor as? Tensor<Float> { return .float(Tensor(shape: float.shape, scalars: float.scalars)) }
        if let double = tensor as? Tensor<Double> { return .double(Tensor(shape: double.shape, scalars: double.scalars)) }
        return .double(Tensor(shape: tensor.shape, scalars: tensor.scalars.map { Double($0) }))
    }

    static func sortedJSON<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return try encoder.encode(value) } catch { preconditionFailure("encoding \(T.self) cannot fail: \(error)") }
    }
}
