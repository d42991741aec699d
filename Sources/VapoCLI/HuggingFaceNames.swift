// Specs/export.md, "Tensors": our parameter names and layouts as Hugging Face GPT-2's.

/// Where a parameter of ours goes in a Hugging Face GPT-2 checkpoint: its name there, and whether its matrix
/// is transposed on the way (GPT-2's `Conv1D` layers store [in, out] as we do; `nn.Linear` heads store [out, in]).
struct HuggingFaceName: Equatable {
    var name: String
    var transposed: Bool
}

enum HuggingFaceNames {
    /// Our name within block l → GPT-2's name within `transformer.h.l`.
    static let blockNames: [(ours: String, theirs: String)] = [
        ("attention_norm.scale", "ln_1.weight"), ("attention_norm.offset", "ln_1.bias"),
        ("attention.qkv.weight", "attn.c_attn.weight"), ("attention.qkv.bias", "attn.c_attn.bias"),
        ("attention.output.weight", "attn.c_proj.weight"), ("attention.output.bias", "attn.c_proj.bias"),
        ("mlp_norm.scale", "ln_2.weight"), ("mlp_norm.offset", "ln_2.bias"),
        ("mlp.up.weight", "mlp.c_fc.weight"), ("mlp.up.bias", "mlp.c_fc.bias"),
        ("mlp.down.weight", "mlp.c_proj.weight"), ("mlp.down.bias", "mlp.c_proj.bias"),
    ]

    /// Our names outside the blocks → GPT-2's (`GPT2LMHeadModel.state_dict()` keys), with the transposed ones
    /// marked. The scalar head of a value model has no GPT-2 counterpart: it is written as `value_head`, an
    /// `nn.Linear(width, 1)` ([1, width] and [1]); the feature parameters of a critic that reads token features
    /// keep their own names.
    static let otherNames: [(ours: String, theirs: HuggingFaceName)] = [
        ("token_embedding", HuggingFaceName(name: "transformer.wte.weight", transposed: false)),
        ("position_embedding", HuggingFaceName(name: "transformer.wpe.weight", transposed: false)),
        ("final_norm.scale", HuggingFaceName(name: "transformer.ln_f.weight", transposed: false)),
        ("final_norm.offset", HuggingFaceName(name: "transformer.ln_f.bias", transposed: false)),
        ("lm_head.weight", HuggingFaceName(name: "lm_head.weight", transposed: true)),
        ("scalar_head.weight", HuggingFaceName(name: "value_head.weight", transposed: true)),
        ("scalar_head.bias", HuggingFaceName(name: "value_head.bias", transposed: false)),
    ]

    /// The Hugging Face name of our parameter `name` (Specs/model.md, "Parameters").
    static func huggingFace(_ name: String) -> HuggingFaceName {
        if let other = otherNames.first(where: { $0.ours == name }) { return other.theirs }
        let parts = name.split(separator: ".", maxSplits: 2)
        if parts.count == 3, parts[0] == "blocks", let layer = Int(parts[1]),
            let block = blockNames.first(where: { $0.ours == parts[2] })
        {
            return HuggingFaceName(name: "transformer.h.\(layer).\(block.theirs)", transposed: false)
        }
        return HuggingFaceName(name: name, transposed: false)
    }
}
