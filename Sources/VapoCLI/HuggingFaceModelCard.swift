// Specs/export.md, "Model card": the README.md of a Hugging Face export.
import Checkpoints
import Foundation
import Tasks
import Training
import Transformer
import VAPO

/// The model card of an export: the task, how the policy was trained (the command, algorithm, step and seed,
/// and the whole recorded configuration), its held-out accuracy when the run folder beside the checkpoint
/// recorded one, and the revision of `vapo` that exported it.
struct HuggingFaceModelCard {
    var checkpointPath: String
    var shape: GPTConfiguration
    var hasCritic: Bool
    /// `vapo sft` or `vapo train`, by the metadata the checkpoint carries; nil when it carries neither.
    var command: String?
    var algorithm: String?
    var task: String?
    var seed: UInt64?
    var step: Int?
    /// The recorded configuration, as JSON text.
    var configurationJSON: String?
    /// The held-out greedy accuracy and the metric line it comes from.
    var accuracy: (value: Double, key: String, step: Int)?

    init(checkpointPath: String, checkpoint: Checkpoint, policy shape: GPTConfiguration, hasCritic: Bool) {
        (self.checkpointPath, self.shape, self.hasCritic) = (checkpointPath, shape, hasCritic)
        step = checkpoint.metadata["vapo.step"].flatMap { Int($0) }
        if let text = checkpoint.metadata["vapo.configuration"], let c = try? TrainingConfiguration.decode(json: Data(text.utf8)) {
            (command, algorithm, task, seed, configurationJSON) = ("vapo train", c.algorithm.rawValue, c.task, c.seed, text)
        } else if let text = checkpoint.metadata[PolicyCheckpoint.sftKey], let c = try? SFTConfiguration.decode(stored: text) {
            (command, task, seed, configurationJSON) = ("vapo sft", c.task, c.seed, text)
        }
        if let task { accuracy = Self.accuracy(task: task, step: step, besides: checkpointPath) }
    }

    /// The last held-out greedy pass@1 (`val-core/<task>/acc/pass@1`) at or before `step` in the `metrics.jsonl`
    /// of the checkpoint's folder (each line `{"step": N, "data": {…}}`), when there is one.
    static func accuracy(task: String, step: Int?, besides path: String) -> (value: Double, key: String, step: Int)? {
        let metrics = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("metrics.jsonl")
        guard let text = try? String(contentsOf: metrics, encoding: .utf8) else { return nil }
        let key = HeldOutEvaluation.passAt1Key(task: task)
        var found: (value: Double, key: String, step: Int)? = nil
        for line in text.split(whereSeparator: \.isNewline) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let lineStep = object["step"] as? Int, let data = object["data"] as? [String: Any], let value = data[key] as? Double,
                lineStep <= step ?? Int.max
            else { continue }
            if lineStep >= found?.step ?? Int.min { found = (value, key, lineStep) }
        }
        return found
    }

    /// The card's Markdown.
    var text: String {
        var lines = [
            "---", "library_name: transformers", "tags: [gpt2, vapo, reinforcement-learning, toy]", "---", "",
            "# vapo policy\(task.map { " for the \($0) task" } ?? "")", "",
            "A GPT-2 (\(shape.layers) layers, width \(shape.width), \(shape.heads) heads, context \(shape.context), "
                + "\(shape.vocabulary) character tokens) exported by `vapo export --format hf` from `\(checkpointPath)`.", "",
            "- Task: \(task ?? "not recorded in the checkpoint")",
            "- Training: \(command.map { "`\($0)`" } ?? "not recorded")\(algorithm.map { ", algorithm \($0)" } ?? "")\(step.map { ", after step \($0)" } ?? "")",
            "- Seed: \(seed.map(String.init) ?? "not recorded")",
            "- Held-out accuracy: " + (accuracy.map { String(format: "%.4f", $0.value) + " (greedy pass@1, `\($0.key)` at step \($0.step) of the run's metrics.jsonl)" }
                ?? "not recorded beside the checkpoint (no metrics.jsonl with a held-out evaluation)"),
            "- Exported by: \(Version.text)", "",
            "## Use", "", "```python",
            "from transformers import AutoModelForCausalLM, AutoTokenizer",
            "tokenizer = AutoTokenizer.from_pretrained(DIR)",
            "model = AutoModelForCausalLM.from_pretrained(DIR)",
            "ids = tokenizer(\"347+85=\", return_tensors=\"pt\").input_ids  # BOS ^ is prepended, as vapo does",
            "out = model.generate(ids, do_sample=False, max_new_tokens=64)",
            "print(tokenizer.decode(out[0]))  # ^347+85=…#432$", "```", "",
            "## Tokens", "",
            "One token per character: `\(String(Tokenizer.characters))` (ids 0 to \(Tokenizer.vocabularySize - 1)). Special: `_` PAD (0), "
                + "`^` BOS (1), `$` EOS (2) and `#` (3), the answer marker: the final answer follows it. "
                + "`skip_special_tokens=True` drops `#` too.",
        ]
        if hasCritic {
            lines += [
                "", "## Value model", "",
                "`\(HuggingFaceExport.valueModelFile)` holds the run's critic, a GPT-2 trunk of its own (the same tensor names as "
                    + "`model.safetensors` without `lm_head`) with a scalar head `value_head.weight` [1, width] and `value_head.bias` [1]: "
                    + "V(prefix up to t) = ln_f(h_t) · value_head.weightᵀ + value_head.bias. A critic that reads the policy's surprise "
                    + "also has `feature_embedding.weight` and `feature_head.*`, as Specs/model.md (\"Per-token input features\") defines them. "
                    + "transformers has no class for it; load the tensors with `safetensors`.",
            ]
        }
        if let configurationJSON {
            lines += ["", "## Training configuration", "", "As recorded in the checkpoint:", "", "```json", configurationJSON, "```"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
