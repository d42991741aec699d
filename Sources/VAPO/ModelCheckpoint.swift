import Autograd
import Checkpoints
import Foundation
import Kernels
import RLMath

extension Trainer {
    /// The trained models as a safetensors checkpoint: the policy's parameters under `policy.<name>` and the
    /// critic's under `critic.<name>` (Specs/model.md names), in list order, stored in the trainer's scalar
    /// type, with metadata `vapo.kind` = `trainer-models`, `vapo.step` (completed RL steps),
    /// `vapo.data_position`, and `vapo.configuration` (the resolved configuration's JSON). Same seed, same
    /// bytes. It holds no optimizer state (AdamW's moments are not readable from outside Autograd), so it is
    /// for evaluation and sampling, not yet for resuming bit for bit.
    public func modelCheckpoint() -> Checkpoint {
        func stored(_ tensor: Tensor<Scalar>) -> StoredTensor {
            if let float = tensor as? Tensor<Float> { return .float(float) }
            return .double(Tensor(shape: tensor.shape, scalars: tensor.scalars.map { Double($0) }))
        }
        var tensors = zip(policy.names, policy.parameters).map { NamedTensor("policy.\($0)", stored($1)) }
        if let critic { tensors += zip(critic.names, critic.parameters).map { NamedTensor("critic.\($0)", stored($1)) } }
        return Checkpoint(
            tensors: tensors,
            metadata: [
                "vapo.kind": "trainer-models", "vapo.step": "\(completedSteps)", "vapo.data_position": "\(dataPosition)",
                "vapo.configuration": String(decoding: configuration.jsonData(), as: UTF8.self),
            ])
    }
}
