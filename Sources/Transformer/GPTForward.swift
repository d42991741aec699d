import Autograd
import Kernels

extension GPT {
    /// The trunk: the final layer norm's output, [batch, length, width] (Specs/model.md, "Forward pass").
    ///
    /// x = token_embedding[ids] + position_embedding[0..<length]; each block adds attention of its
    /// normalised input, then the MLP of its normalised input, to the residual stream x; the trunk ends with
    /// `final_norm`. Uses `parameters` (same order and shapes as the model's) when given.
    public func hidden(_ tokens: TokenBatch, parameters list: [Tensor<Scalar>]? = nil) -> Tensor<Scalar> {
        checkParameterList(list)
        let (b, t, d) = (tokens.batch, tokens.length, configuration.width)
        precondition(t >= 1 && t <= configuration.context, "GPT: sequence length \(t) outside 1...\(configuration.context)")
        for id in tokens.ids {
            precondition(id >= 0 && id < configuration.vocabulary, "GPT: token id \(id) outside 0..<\(configuration.vocabulary)")
        }
        func p(_ name: String) -> Tensor<Scalar> { parameter(name, in: list) }
        func linear(_ x: Tensor<Scalar>, _ name: String) -> Tensor<Scalar> {
            Tensor.matmul(x, p("\(name).weight")) + p("\(name).bias")
        }
        func norm(_ x: Tensor<Scalar>, _ name: String) -> Tensor<Scalar> {
            x.layerNormalized(scale: p("\(name).scale"), offset: p("\(name).offset"), epsilon: 1e-5)
        }

        var x = p("token_embedding").embedding(tokens.ids, indexShape: [b, t])
            + p("position_embedding").slice(0..<t, axis: 0)
        for layer in 0..<configuration.layers {
            let block = "blocks.\(layer)"
            let qkv = linear(norm(x, "\(block).attention_norm"), "\(block).attention.qkv")
            x = x + linear(causalSelfAttention(qkv, batch: b, length: t), "\(block).attention.output")
            let up = linear(norm(x, "\(block).mlp_norm"), "\(block).mlp.up")
            x = x + linear(up.gelu(), "\(block).mlp.down")
        }
        precondition(x.shape == [b, t, d])
        return norm(x, "final_norm")
    }

    /// Multi-head causal self-attention of the fused projections `qkv` [batch, length, 3·width]
    /// (queries, keys, values in that order, each split into heads of `headWidth` consecutive features):
    /// per head, softmax(q·kᵀ/√headWidth, causally masked)·v, heads concatenated back to [batch, length, width].
    func causalSelfAttention(_ qkv: Tensor<Scalar>, batch b: Int, length t: Int) -> Tensor<Scalar> {
        let (d, h, hd) = (configuration.width, configuration.heads, configuration.headWidth)
        // [batch, length, 3, heads, headWidth] → [3, batch, heads, length, headWidth]
        let split = qkv.reshaped([b, t, 3, h, hd]).permuted([2, 0, 3, 1, 4])
        func part(_ i: Int) -> Tensor<Scalar> { split.slice(i..<(i + 1), axis: 0).reshaped([b, h, t, hd]) }
        let (q, k, v) = (part(0), part(1), part(2))
        let scores = Tensor.matmul(q, k, transposeB: true).scaled(by: 1 / Scalar(hd).squareRoot())
        let weights = scores.causallyMasked().softmax()
        return Tensor.matmul(weights, v).permuted([0, 2, 1, 3]).reshaped([b, t, d])
    }

    /// Next-token logits [batch, length, vocabulary] of a language-model head: hidden · lm_head.weight.
    public func logits(_ tokens: TokenBatch, parameters list: [Tensor<Scalar>]? = nil) -> Tensor<Scalar> {
        precondition(head == .languageModel, "logits need a language-model head; this model has \(head)")
        return Tensor.matmul(hidden(tokens, parameters: list), parameter("lm_head.weight", in: list))
    }

    /// One scalar per position [batch, length] of a scalar head: hidden · scalar_head.weight + scalar_head.bias.
    /// The value model's V at every position; the reward model reads it at EOS (`rewards(_:at:)`).
    public func values(_ tokens: TokenBatch, parameters list: [Tensor<Scalar>]? = nil) -> Tensor<Scalar> {
        precondition(head == .scalar, "values need a scalar head; this model has \(head)")
        let scalars = Tensor.matmul(hidden(tokens, parameters: list), parameter("scalar_head.weight", in: list))
            + parameter("scalar_head.bias", in: list)
        return scalars.reshaped([tokens.batch, tokens.length])
    }

    /// The reward model's score of each sequence [batch]: the scalar head at `positions[b]` of sequence b
    /// (its EOS token), which sees the whole sequence up to and including that position.
    public func rewards(_ tokens: TokenBatch, at positions: [Int], parameters list: [Tensor<Scalar>]? = nil) -> Tensor<Scalar> {
        precondition(positions.count == tokens.batch, "rewards: \(positions.count) positions for \(tokens.batch) sequences")
        return values(tokens, parameters: list).gathering(atLastAxis: positions)
    }
}
