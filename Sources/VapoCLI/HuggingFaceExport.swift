// Specs/export.md, "vapo export --format hf": the Hugging Face GPT-2 directory of a policy checkpoint.
import Autograd
import Checkpoints
import Foundation
import Tasks
import Transformer

/// A policy (and the critic beside it, if any) as a directory that `transformers` loads as `GPT2LMHeadModel`
/// without custom code: our GPT is GPT-2's architecture (pre-LN, tanh GELU, learned positions, fused qkv with
/// bias), with an untied language-model head.
struct HuggingFaceExport {
    /// The policy to export.
    var policy: GPT<Float>
    /// The critic's tensors under our names (without the `critic.` prefix), in checkpoint order; empty when the
    /// checkpoint has none.
    var critic: [NamedTensor]
    /// What the model card says about the run.
    var card: HuggingFaceModelCard

    init(checkpointPath: String, checkpoint: Checkpoint, policy: GPT<Float>) throws {
        // The tokenizer files describe the tasks' vocabulary; a model of another vocabulary would not match them.
        guard policy.configuration.vocabulary == Tokenizer.vocabularySize else {
            throw CommandError("--checkpoint: \(checkpointPath) has a vocabulary of \(policy.configuration.vocabulary) tokens; allowed: the tasks' \(Tokenizer.vocabularySize)")
        }
        self.policy = policy
        critic = checkpoint.tensors.filter { $0.name.hasPrefix("critic.") }.map { NamedTensor(String($0.name.dropFirst("critic.".count)), $0.tensor) }
        card = HuggingFaceModelCard(checkpointPath: checkpointPath, checkpoint: checkpoint, policy: policy.configuration, hasCritic: !critic.isEmpty)
    }

    /// The file names written, each by its own writer.
    static let modelFile = "model.safetensors", valueModelFile = "value_model.safetensors"

    /// Writes every file into `directory`.
    func write(into directory: URL) throws {
        func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try Self.checkpoint(zip(policy.names, policy.parameters).map { NamedTensor($0, $1) }).write(to: file(Self.modelFile))
        if !critic.isEmpty { try Self.checkpoint(critic).write(to: file(Self.valueModelFile)) }
        try Self.json(Self.configuration(policy.configuration)).write(to: directory.appendingPathComponent("config.json"))
        try Self.json(Self.generationConfiguration(policy.configuration)).write(to: directory.appendingPathComponent("generation_config.json"))
        for (name, object) in HuggingFaceTokenizer.files {
            try Self.json(object).write(to: directory.appendingPathComponent(name))
        }
        try Data(card.text.utf8).write(to: directory.appendingPathComponent("README.md"))
    }

    /// `tensors` under GPT-2's names and layouts, with the metadata `format` = `pt` that `transformers` requires
    /// of a safetensors file.
    static func checkpoint(_ tensors: [NamedTensor]) -> Checkpoint {
        let renamed = tensors.map { named -> NamedTensor in
            let target = HuggingFaceNames.huggingFace(named.name)
            guard target.transposed else { return NamedTensor(target.name, named.tensor) }
            switch named.tensor {
            case .float(let tensor): return NamedTensor(target.name, tensor.transposed())
            case .double(let tensor): return NamedTensor(target.name, tensor.transposed())
            }
        }
        return Checkpoint(tensors: renamed, metadata: ["format": "pt"])
    }

    /// `config.json`: GPT-2 with our shape, no dropout, the tokenizer's special ids and an untied head.
    static func configuration(_ shape: GPTConfiguration) -> [String: Any] {
        [
            "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
            "vocab_size": shape.vocabulary, "n_positions": shape.context, "n_ctx": shape.context,
            "n_embd": shape.width, "n_layer": shape.layers, "n_head": shape.heads, "n_inner": shape.hiddenWidth,
            "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "initializer_range": 0.02,
            "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
            "scale_attn_weights": true, "scale_attn_by_inverse_layer_idx": false, "reorder_and_upcast_attn": false,
            "tie_word_embeddings": false, "use_cache": true, "torch_dtype": "float32",
            "bos_token_id": Tokenizer.bos, "eos_token_id": Tokenizer.eos, "pad_token_id": Tokenizer.pad,
        ]
    }

    /// `generation_config.json`: greedy decoding, as `vapo sample --temperature 0`, stopping at EOS or the context.
    static func generationConfiguration(_ shape: GPTConfiguration) -> [String: Any] {
        [
            "bos_token_id": Tokenizer.bos, "eos_token_id": Tokenizer.eos, "pad_token_id": Tokenizer.pad,
            "do_sample": false, "max_length": shape.context,
        ]
    }

    /// A JSON object as indented text with sorted keys (the same export, the same bytes), `/` unescaped.
    static func json(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }
}
