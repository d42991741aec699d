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
    /// (and with a scalar head `feature_head.weight`) at zero, so that it computes exactly what this model does
    /// until trained (Specs/model.md, "Per-token input features"). Independent of this model's storage.
    public func readingTokenFeatures(_ count: Int) -> GPT {
        var shape = configuration
        shape.tokenFeatures = count
        var values = Dictionary(uniqueKeysWithValues: zip(names, parameters))
        for specification in shape.parameterSpecifications(head: head) where values[specification.name] == nil {
            values[specification.name] = specification.initialValue(stream: RandomStream(seed: 0, name: "unused: constant"))
        }
        do { return try GPT(configuration: shape, head: head, parameters: values).independentCopy() } catch {
            preconditionFailure("a model with features added fits its layout: \(error)")
        }
    }
}
