// Specs/model.md, "Parameters": the heads, the names, shapes and initialisation.
import Autograd
import Kernels

/// What sits on top of the trunk: next-token logits, or one scalar per position.
public enum GPTHead: String, Sendable, Hashable, Codable {
    /// The policy's language-model head `lm_head.weight` [width, vocabulary] (not tied to the embedding).
    case languageModel = "language_model"
    /// The value and reward models' head: `scalar_head.weight` [width, 1] and `scalar_head.bias` [1].
    case scalar
}

/// How parameter `name` is initialised.
public enum ParameterInitialization: Sendable, Hashable {
    /// N(0, standardDeviation²), drawn from the parameter's own stream.
    case normal(standardDeviation: Double)
    /// Every element equal to the value (biases and layer-norm offsets 0, layer-norm scales 1).
    case constant(Double)
}

/// One entry of the ordered parameter list: its name, shape (row-major) and initialisation.
public struct ParameterSpecification: Sendable, Hashable {
    /// The parameter's name in the model, in checkpoints and in Specs/model.md.
    public let name: String
    /// Its shape; the values are row-major, weights [in, out].
    public let shape: [Int]
    /// How a fresh model draws it.
    public let initialization: ParameterInitialization
}

extension GPTConfiguration {
    /// The ordered, named parameter list of a GPT with this configuration and `head` (Specs/model.md).
    ///
    /// Weights are [in, out], so a linear layer is `x · W + b`. The trunk comes first, in forward order;
    /// the head's parameters come last, so a value model and a reward model share every name.
    public func parameterSpecifications(head: GPTHead) -> [ParameterSpecification] {
        let (d, h) = (width, hiddenWidth)
        let std = 0.02
        // GPT-2: the projections that write into the residual stream are scaled by 1/√(2·layers) so that the
        // stream's variance does not grow with depth.
        let residualStd = std / Double(2 * layers).squareRoot()
        func weight(_ name: String, _ shape: [Int], _ sd: Double = std) -> ParameterSpecification {
            ParameterSpecification(name: name, shape: shape, initialization: .normal(standardDeviation: sd))
        }
        func constant(_ name: String, _ shape: [Int], _ value: Double) -> ParameterSpecification {
            ParameterSpecification(name: name, shape: shape, initialization: .constant(value))
        }
        func layerNorm(_ name: String) -> [ParameterSpecification] {
            [constant("\(name).scale", [d], 1), constant("\(name).offset", [d], 0)]
        }
        var list = [weight("token_embedding", [vocabulary, d]), weight("position_embedding", [context, d])]
        // Per-token features start at zero weight: a model made from one without features computes what it did.
        if tokenFeatures > 0 { list.append(constant("feature_embedding.weight", [tokenFeatures, d], 0)) }
        for layer in 0..<layers {
            let block = "blocks.\(layer)"
            list += layerNorm("\(block).attention_norm")
            list += [
                weight("\(block).attention.qkv.weight", [d, 3 * d]), constant("\(block).attention.qkv.bias", [3 * d], 0),
                weight("\(block).attention.output.weight", [d, d], residualStd),
                constant("\(block).attention.output.bias", [d], 0),
            ]
            list += layerNorm("\(block).mlp_norm")
            list += [
                weight("\(block).mlp.up.weight", [d, h]), constant("\(block).mlp.up.bias", [h], 0),
                weight("\(block).mlp.down.weight", [h, d], residualStd), constant("\(block).mlp.down.bias", [d], 0),
            ]
        }
        list += layerNorm("final_norm")
        switch head {
        case .languageModel:
            list.append(weight("lm_head.weight", [d, vocabulary]))
        case .scalar:
            list += [weight("scalar_head.weight", [d, 1]), constant("scalar_head.bias", [1], 0)]
            if tokenFeatures > 0 {
                // A residual MLP on [hidden; features] beside the linear head: it lets the value depend on the
                // features and the trunk jointly (after an error the value is low whatever the problem). Its
                // output layer starts at zero, so adding it changes no value until trained; its input layer
                // is drawn at fan-in scale so that its units start in GELU's curved range.
                let inputs = d + tokenFeatures
                list += [
                    weight("feature_head.up.weight", [inputs, featureHeadWidth], 1 / Double(inputs).squareRoot()),
                    constant("feature_head.up.bias", [featureHeadWidth], 0),
                    constant("feature_head.down.weight", [featureHeadWidth, 1], 0),
                ]
            }
        }
        return list
    }

    /// Number of scalars in the parameter list for `head`.
    public func parameterCount(head: GPTHead) -> Int {
        parameterSpecifications(head: head).reduce(0) { $0 + $1.shape.reduce(1, *) }
    }
}

extension ParameterSpecification {
    /// The initial value: a normal draw from `stream.child(name)`, so each tensor depends only on the seed
    /// and its own name, never on the order or the number of other parameters.
    public func initialValue<Scalar: KernelScalar>(stream: RandomStream) -> Tensor<Scalar> {
        switch initialization {
        case .normal(let sd):
            return Tensor(randomNormal: shape, mean: 0, standardDeviation: Scalar(sd), stream: stream.child(name))
        case .constant(let value):
            return Tensor(repeating: Scalar(value), shape: shape)
        }
    }
}
