// Specs/model.md, "Forward pass": the parameters' positions, looked up once.
/// The position in the parameter list of every parameter the forward pass reads, looked up by name once
/// when the model is made, so that a forward pass builds no names and searches no dictionary.
struct GPTParameterIndices: Sendable {
    /// A linear layer's weight and (when it has one) bias.
    struct Linear: Sendable { let weight: Int, bias: Int? }
    /// A layer norm's scale and offset.
    struct Norm: Sendable { let scale: Int, offset: Int }
    /// One transformer block.
    struct Block: Sendable { let attentionNorm: Norm, qkv: Linear, output: Linear, mlpNorm: Norm, up: Linear, down: Linear }

    let tokenEmbedding: Int, positionEmbedding: Int
    /// `feature_embedding.weight` and, with a scalar head, the feature MLP `feature_head.up`, `feature_head.down`,
    /// when the model reads features.
    let featureEmbedding: Int?, featureHeadUp: Linear?, featureHeadDown: Linear?
    let blocks: [Block]
    let finalNorm: Norm
    /// `lm_head.weight`, or `scalar_head.weight` and `scalar_head.bias`.
    let head: Linear

    init(position: [String: Int], layers: Int, head kind: GPTHead) {
        func at(_ name: String) -> Int {
            guard let i = position[name] else { preconditionFailure("GPT parameter list has no \(name)") }
            return i
        }
        func linear(_ name: String, bias: Bool = true) -> Linear {
            Linear(weight: at("\(name).weight"), bias: bias ? at("\(name).bias") : nil)
        }
        func norm(_ name: String) -> Norm { Norm(scale: at("\(name).scale"), offset: at("\(name).offset")) }
        tokenEmbedding = at("token_embedding")
        positionEmbedding = at("position_embedding")
        featureEmbedding = position["feature_embedding.weight"]
        let readsFeatures = position["feature_head.up.weight"] != nil
        featureHeadUp = readsFeatures ? linear("feature_head.up") : nil
        featureHeadDown = readsFeatures ? linear("feature_head.down", bias: false) : nil
        blocks = (0..<layers).map { layer in
            let block = "blocks.\(layer)"
            return Block(
                attentionNorm: norm("\(block).attention_norm"), qkv: linear("\(block).attention.qkv"),
                output: linear("\(block).attention.output"), mlpNorm: norm("\(block).mlp_norm"),
                up: linear("\(block).mlp.up"), down: linear("\(block).mlp.down"))
        }
        finalNorm = norm("final_norm")
        head = kind == .languageModel ? linear("lm_head", bias: false) : linear("scalar_head")
    }
}
