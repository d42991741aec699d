// Specs/vapo.md, "Determinism": every model the trainer owns in storage of its own.
import Autograd
import Kernels
import Transformer

extension GPT {
    /// A copy with parameter storage of its own. `GPT` is a value whose tensors share storage when copied
    /// (and `copyingParameters(from:)` shares the source's), while AdamW updates storage in place: every model
    /// the trainer optimises or freezes is made independent by this, so that training one never moves another.
    public func independentCopy() -> GPT {
        let fresh = Dictionary(uniqueKeysWithValues: zip(names, parameters.map { Tensor(shape: $0.shape, scalars: $0.scalars) }))
        do { return try GPT(configuration: configuration, head: head, parameters: fresh) } catch {
            preconditionFailure("a model's own parameters fit its layout: \(error)")
        }
    }

    /// A scalar-head model (value or reward model) on this policy's trunk: the trunk copied, the head drawn
    /// from `stream` (Specs/model.md, "Value and reward models"); independent of this model's storage.
    public func scalarModelOnTrunk(stream: RandomStream) -> GPT {
        do {
            return try GPT(configuration: configuration, head: .scalar, stream: stream).copyingParameters(from: self).independentCopy()
        } catch {
            preconditionFailure("a validated configuration builds: \(error)")
        }
    }
}

extension GPT {
    /// This model made to read `count` features per token: the same parameters, plus `feature_embedding.weight`
    /// (and with a scalar head the feature MLP) as Specs/model.md initialises them, drawn from `stream`. The
    /// embedding and the MLP's output layer start at zero, so the model computes exactly what this one does
    /// until trained ("Per-token input features"). Independent of this model's storage.
    public func readingTokenFeatures(_ count: Int, stream: RandomStream) -> GPT {
        var shape = configuration
        shape.tokenFeatures = count
        var values = Dictionary(uniqueKeysWithValues: zip(names, parameters))
        for specification in shape.parameterSpecifications(head: head) where values[specification.name] == nil {
            values[specification.name] = specification.initialValue(stream: stream)
        }
        do { return try GPT(configuration: shape, head: head, parameters: values).independentCopy() } catch {
            preconditionFailure("a model with features added fits its layout: \(error)")
        }
    }
}
