// Specs/model.md, "Forward pass".
import Autograd
import Kernels

extension GPT {
    /// The trunk: the final layer norm's output, [batch, length, width] (Specs/model.md, "Forward pass").
    ///
    /// x = token_embedding[ids] + position_embedding[0..<length]; each block adds attention of its
    /// normalised input, then the MLP of its normalised input, to the residual stream x; the trunk ends with
    /// `final_norm`. A model with `tokenFeatures` F > 0 reads `features` [batch, length, F] too:
    /// x gains features · feature_embedding.weight. Uses `parameters` (same order and shapes as the model's)
    /// when given.
    public func hidden(_ tokens: TokenBatch, features: Tensor<Scalar>? = nil, parameters list: [Tensor<Scalar>]? = nil) -> Tensor<Scalar> {
        checkParameterList(list)
        checkFeatures(features, tokens)
        let (b, t, d) = (tokens.batch, tokens.length, configuration.width)
        precondition(t >= 1 && t <= configuration.context, "GPT: sequence length \(t) outside 1...\(configuration.context)")
        for id in tokens.ids {
            precondition(id >= 0 && id < configuration.vocabulary, "GPT: token id \(id) outside 0..<\(configuration.vocabulary)")
        }
        let parameters = list ?? self.parameters
        func linear(_ x: Tensor<Scalar>, _ layer: GPTParameterIndices.Linear) -> Tensor<Scalar> {
            x.linear(weight: parameters[layer.weight], bias: layer.bias.map { parameters[$0] })
        }
        func norm(_ x: Tensor<Scalar>, _ norm: GPTParameterIndices.Norm) -> Tensor<Scalar> {
            x.layerNormalized(scale: parameters[norm.scale], offset: parameters[norm.offset], epsilon: 1e-5)
        }

        var x = parameters[indices.tokenEmbedding].embedding(tokens.ids, indexShape: [b, t])
            + parameters[indices.positionEmbedding].slice(0..<t, axis: 0)
        if let features, let embedding = indices.featureEmbedding { x = x + features.linear(weight: parameters[embedding]) }
        for block in indices.blocks {
            let qkv = linear(norm(x, block.attentionNorm), block.qkv)
            x = x + linear(qkv.causalSelfAttention(heads: configuration.heads), block.output)
            let up = linear(norm(x, block.mlpNorm), block.up)
            x = x + linear(up.gelu(), block.down)
        }
        precondition(x.shape == [b, t, d])
        return norm(x, indices.finalNorm)
    }

    /// Next-token logits [batch, length, vocabulary] of a language-model head: hidden · lm_head.weight.
    public func logits(_ tokens: TokenBatch, parameters list: [Tensor<Scalar>]? = nil) -> Tensor<Scalar> {
        precondition(head == .languageModel, "logits need a language-model head; this model has \(head)")
        return hidden(tokens, parameters: list).linear(weight: (list ?? parameters)[indices.head.weight])
    }

    /// One scalar per position [batch, length] of a scalar head: hidden · scalar_head.weight + scalar_head.bias,
    /// plus, with `tokenFeatures` > 0, the feature MLP GELU([hidden; features] · feature_head.up.weight +
    /// feature_head.up.bias) · feature_head.down.weight. The value model's V at every position; the reward model
    /// reads it at EOS (`rewards(_:at:)`).
    public func values(_ tokens: TokenBatch, features: Tensor<Scalar>? = nil, parameters list: [Tensor<Scalar>]? = nil) -> Tensor<Scalar> {
        precondition(head == .scalar, "values need a scalar head; this model has \(head)")
        let parameters = list ?? self.parameters
        let trunk = hidden(tokens, features: features, parameters: list)
        var scalars = trunk.linear(weight: parameters[indices.head.weight], bias: indices.head.bias.map { parameters[$0] })
        if let features, let up = indices.featureHeadUp, let down = indices.featureHeadDown {
            let joint = Tensor.concatenate([trunk, features], axis: 2)
            let units = joint.linear(weight: parameters[up.weight], bias: up.bias.map { parameters[$0] }).gelu()
            scalars = scalars + units.linear(weight: parameters[down.weight])
        }
        return scalars.reshaped([tokens.batch, tokens.length])
    }

    /// A model with `tokenFeatures` F > 0 is given features [batch, length, F]; one without is given none.
    func checkFeatures(_ features: Tensor<Scalar>?, _ tokens: TokenBatch) {
        let f = configuration.tokenFeatures
        guard let features else {
            precondition(f == 0, "GPT: this model reads \(f) features per token and was given none")
            return
        }
        precondition(f > 0, "GPT: this model reads no token features and was given features \(features.shape)")
        precondition(features.shape == [tokens.batch, tokens.length, f], "GPT: features \(features.shape) for tokens [\(tokens.batch), \(tokens.length)] and \(f) features per token")
    }

    /// The reward model's score of each sequence [batch]: the scalar head at `positions[b]` of sequence b
    /// (its EOS token), which sees the whole sequence up to and including that position.
    public func rewards(_ tokens: TokenBatch, at positions: [Int], parameters list: [Tensor<Scalar>]? = nil) -> Tensor<Scalar> {
        precondition(positions.count == tokens.batch, "rewards: \(positions.count) positions for \(tokens.batch) sequences")
        return values(tokens, parameters: list).gathering(atLastAxis: positions)
    }
}
