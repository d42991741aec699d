import ArgumentParser
import Autograd
import Checkpoints
import Foundation
import Kernels
import Tasks
import Testing
import Training
import Transformer
import VAPO

@testable import VapoCLI

/// `vapo export --format hf` (Specs/export.md) on a tiny policy saved by `vapo sft` and as a `vapo train`
/// checkpoint with a critic. The expected names, shapes and files are written here from the spec's tables, not
/// from the exporter's.
@Suite("vapo export")
struct ExportCommandTests {
    static let shape = GPTConfiguration(layers: 2, width: 16, heads: 2, context: 48, vocabulary: Tokenizer.vocabularySize)

    /// A scratch folder with `sft/policy.safetensors` (beside a metrics.jsonl recording two evaluations) and
    /// `train.safetensors` (policy and critic under `policy.` and `critic.`), and the two models.
    static func scratch() throws -> (url: URL, policy: GPT<Float>, critic: GPT<Float>) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vapo-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("sft"), withIntermediateDirectories: true)
        let policy = try GPT<Float>(configuration: shape, head: .languageModel, stream: RandomStream(seed: 5, name: "export-test"))
        let critic = try GPT<Float>(configuration: shape, head: .scalar, stream: RandomStream(seed: 6, name: "export-test"))
        var sft = SFTConfiguration()
        sft.task = "multiplication"
        sft.seed = 7
        try PolicyCheckpoint(model: policy, configuration: sft, step: 30).write(to: url.appendingPathComponent("sft/policy.safetensors").path)
        let metrics = [#"{"data":{"val-core/multiplication/acc/pass@1":0.25},"step":20}"#, #"{"data":{"sft/loss":1.5},"step":30}"#,
                       #"{"data":{"val-core/multiplication/acc/pass@1":0.5},"step":30}"#].joined(separator: "\n")
        try Data((metrics + "\n").utf8).write(to: url.appendingPathComponent("sft/metrics.jsonl"))
        let tensors = zip(policy.names, policy.parameters).map { NamedTensor("policy.\($0)", .float($1)) }
            + zip(critic.names, critic.parameters).map { NamedTensor("critic.\($0)", .float($1)) }
        let metadata = ["config": String(decoding: try JSONEncoder.sorted.encode(shape), as: UTF8.self),
                        "vapo.configuration": String(decoding: TrainingConfiguration().jsonData(), as: UTF8.self), "vapo.step": "3"]
        try Checkpoint(tensors: tensors, metadata: metadata).write(to: url.appendingPathComponent("train.safetensors").path)
        return (url, policy, critic)
    }

    /// Runs `vapo export --checkpoint <scratch>/<file> --format <format> --out <scratch>/<out>`.
    @discardableResult
    static func export(_ scratch: URL, _ file: String, out: String = "hf", format: String = "hf") throws -> [String] {
        let command = try Vapo.parseAsRoot([
            "export", "--checkpoint", scratch.appendingPathComponent(file).path, "--format", format, "--out", scratch.appendingPathComponent(out).path,
        ])
        return try #require(command as? ExportCommand).export()
    }

    /// GPT-2's names for our parameters, transcribed from Specs/export.md's table: (theirs, ours, transposed).
    static func expectedNames(layers: Int, head: GPTHead) -> [(theirs: String, ours: String, transposed: Bool)] {
        var names = [("transformer.wte.weight", "token_embedding", false), ("transformer.wpe.weight", "position_embedding", false)]
        for l in 0..<layers {
            let pairs = [
                ("ln_1.weight", "attention_norm.scale"), ("ln_1.bias", "attention_norm.offset"),
                ("attn.c_attn.weight", "attention.qkv.weight"), ("attn.c_attn.bias", "attention.qkv.bias"),
                ("attn.c_proj.weight", "attention.output.weight"), ("attn.c_proj.bias", "attention.output.bias"),
                ("ln_2.weight", "mlp_norm.scale"), ("ln_2.bias", "mlp_norm.offset"),
                ("mlp.c_fc.weight", "mlp.up.weight"), ("mlp.c_fc.bias", "mlp.up.bias"),
                ("mlp.c_proj.weight", "mlp.down.weight"), ("mlp.c_proj.bias", "mlp.down.bias"),
            ]
            names += pairs.map { ("transformer.h.\(l).\($0.0)", "blocks.\(l).\($0.1)", false) }
        }
        names += [("transformer.ln_f.weight", "final_norm.scale", false), ("transformer.ln_f.bias", "final_norm.offset", false)]
        switch head {
        case .languageModel: names.append(("lm_head.weight", "lm_head.weight", true))
        case .scalar: names += [("value_head.weight", "scalar_head.weight", true), ("value_head.bias", "scalar_head.bias", false)]
        }
        return names
    }

    /// GPT-2's shape of each tensor, from Specs/export.md: Conv1D weights [in, out] as ours, `lm_head` [V, d].
    static func expectedShape(_ name: String, _ c: GPTConfiguration) -> [Int] {
        let (d, v) = (c.width, c.vocabulary)
        let byEnding: [(String, [Int])] = [
            ("wte.weight", [v, d]), ("wpe.weight", [c.context, d]), ("c_attn.weight", [d, 3 * d]), ("c_attn.bias", [3 * d]),
            ("attn.c_proj.weight", [d, d]), ("c_fc.weight", [d, 4 * d]), ("c_fc.bias", [4 * d]), ("mlp.c_proj.weight", [4 * d, d]),
            ("lm_head.weight", [v, d]), ("value_head.weight", [1, d]), ("value_head.bias", [1]),
        ]
        return byEnding.first { name.hasSuffix($0.0) }?.1 ?? [d]
    }

    /// Our [in, out] matrix transposed by plain loops.
    static func transposed(_ values: [Float], rows: Int, columns: Int) -> [Float] {
        (0..<(rows * columns)).map { values[($0 % rows) * columns + $0 / rows] }
    }

    /// Checks that `file` holds exactly `model`'s parameters under GPT-2's names and shapes, bit for bit.
    static func expectRoundTrip(_ file: URL, _ model: GPT<Float>) throws {
        let read = try Checkpoint.read(from: file.path, checksum: .ifPresent)
        #expect(read.metadata["format"] == "pt")
        let expected = expectedNames(layers: model.configuration.layers, head: model.head)
        #expect(read.tensors.map(\.name).sorted() == expected.map(\.theirs).sorted())
        let ours = Dictionary(uniqueKeysWithValues: zip(model.names, model.parameters))
        for (theirs, name, transposed) in expected {
            let tensor = try #require(read.tensor(named: theirs)?.floatTensor, "\(theirs) is F32")
            let original = try #require(ours[name])
            #expect(tensor.shape == expectedShape(theirs, model.configuration), "\(theirs): \(tensor.shape)")
            let back = transposed ? Self.transposed(tensor.scalars, rows: tensor.shape[0], columns: tensor.shape[1]) : tensor.scalars
            #expect(back.map(\.bitPattern) == original.scalars.map(\.bitPattern), "\(theirs) ← \(name) bit for bit")
        }
    }

    /// A JSON file of the export as an object.
    static func object(_ directory: URL, _ name: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name))) as? [String: Any])
    }

    @Test("a vapo sft policy exports as GPT-2: every tensor under GPT-2's name and shape, read back by our safetensors reader bit for bit (lm_head transposed to [V, d]); config.json and generation_config.json have GPT-2's fields with our shape and special ids")
    func tensorsAndConfiguration() throws {
        let (scratch, policy, _) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let lines = try Self.export(scratch, "sft/policy.safetensors")
        let out = scratch.appendingPathComponent("hf")
        #expect(lines.count == 1 && lines[0].hasPrefix("export: "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == [
            "README.md", "config.json", "generation_config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json",
            "tokenizer_config.json",
        ])
        try Self.expectRoundTrip(out.appendingPathComponent("model.safetensors"), policy)
        let config = try Self.object(out, "config.json")
        #expect(config["architectures"] as? [String] == ["GPT2LMHeadModel"] && config["model_type"] as? String == "gpt2")
        let integers: [String: Int] = [
            "vocab_size": 26, "n_positions": 48, "n_embd": 16, "n_layer": 2, "n_head": 2, "n_inner": 64,
            "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0,
        ]
        for (key, value) in integers { #expect(config[key] as? Int == value, "\(key)") }
        #expect(config["activation_function"] as? String == "gelu_new")
        #expect(config["layer_norm_epsilon"] as? Double == 1e-5)
        #expect(config["tie_word_embeddings"] as? Bool == false && config["scale_attn_weights"] as? Bool == true)
        #expect(config["scale_attn_by_inverse_layer_idx"] as? Bool == false && config["reorder_and_upcast_attn"] as? Bool == false)
        for dropout in ["resid_pdrop", "embd_pdrop", "attn_pdrop"] { #expect(config[dropout] as? Double == 0, "\(dropout)") }
        let generation = try Self.object(out, "generation_config.json")
        #expect(generation["do_sample"] as? Bool == false && generation["eos_token_id"] as? Int == 2 && generation["max_length"] as? Int == 48)
        #expect(generation["bos_token_id"] as? Int == 1 && generation["pad_token_id"] as? Int == 0)
    }

    @Test("tokenizer.json maps each character to its id with no normaliser, pre-tokeniser or merges, marks PAD, BOS, EOS and the answer marker special, prepends BOS and fuses on decoding; tokenizer_config.json names PreTrainedTokenizerFast")
    func tokenizerFiles() throws {
        let (scratch, _, _) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Self.export(scratch, "sft/policy.safetensors")
        let out = scratch.appendingPathComponent("hf")
        let tokenizer = try Self.object(out, "tokenizer.json")
        let model = try #require(tokenizer["model"] as? [String: Any])
        #expect(model["type"] as? String == "BPE" && (model["merges"] as? [Any])?.isEmpty == true && model["unk_token"] is NSNull)
        let vocabulary = try #require(model["vocab"] as? [String: Int])
        let table = "_^$#0123456789+-*/=(),|:>c"  // Specs/tasks.md, "Tokenizer", in id order
        #expect(vocabulary == Dictionary(uniqueKeysWithValues: table.enumerated().map { (String($0.element), $0.offset) }))
        #expect(tokenizer["normalizer"] is NSNull && tokenizer["pre_tokenizer"] is NSNull)
        let added = try #require(tokenizer["added_tokens"] as? [[String: Any]])
        #expect(added.map { $0["id"] as? Int } == [0, 1, 2, 3] && added.map { $0["content"] as? String } == ["_", "^", "$", "#"])
        #expect(added.allSatisfy { $0["special"] as? Bool == true && $0["normalized"] as? Bool == false })
        let post = try #require(tokenizer["post_processor"] as? [String: Any])
        let single = try #require(post["single"] as? [[String: [String: Any]]])
        #expect(post["type"] as? String == "TemplateProcessing" && single.count == 2)
        #expect(single[0]["SpecialToken"]?["id"] as? String == "^" && single[1]["Sequence"]?["id"] as? String == "A")
        #expect((post["special_tokens"] as? [String: [String: Any]])?["^"]?["ids"] as? [Int] == [1])
        #expect((tokenizer["decoder"] as? [String: Any])?["type"] as? String == "Fuse")
        let map = try Self.object(out, "special_tokens_map.json")
        #expect(map["bos_token"] as? String == "^" && map["eos_token"] as? String == "$" && map["pad_token"] as? String == "_")
        #expect(map["additional_special_tokens"] as? [String] == ["#"])
        let config = try Self.object(out, "tokenizer_config.json")
        #expect(config["tokenizer_class"] as? String == "PreTrainedTokenizerFast" && config["eos_token"] as? String == "$")
    }

    @Test("a vapo train checkpoint exports its policy as from vapo sft and its critic to value_model.safetensors (trunk under GPT-2's names, value_head [1, d] and [1]), both bit for bit; the model card names the task, the training, the seed, the held-out accuracy recorded beside the checkpoint and the exporting revision")
    func trainCheckpointAndModelCard() throws {
        let (scratch, policy, critic) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Self.export(scratch, "train.safetensors")
        let out = scratch.appendingPathComponent("hf")
        try Self.expectRoundTrip(out.appendingPathComponent("model.safetensors"), policy)
        try Self.expectRoundTrip(out.appendingPathComponent("value_model.safetensors"), critic)
        let trainCard = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(trainCard.contains("- Task: addition") && trainCard.contains("`vapo train`, algorithm vapo, after step 3"))
        #expect(trainCard.contains("## Value model") && trainCard.contains("value_head.weight"))
        #expect(trainCard.contains("- Held-out accuracy: not recorded"))

        try Self.export(scratch, "sft/policy.safetensors", out: "sft-hf")
        let card = try String(contentsOf: scratch.appendingPathComponent("sft-hf/README.md"), encoding: .utf8)
        #expect(card.contains("- Task: multiplication") && card.contains("`vapo sft`, after step 30") && card.contains("- Seed: 7"))
        #expect(card.contains("- Held-out accuracy: 0.5000 (greedy pass@1, `val-core/multiplication/acc/pass@1` at step 30"))
        #expect(card.contains("- Exported by: \(Version.text)") && !card.contains("## Value model"))
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("sft-hf/value_model.safetensors").path))
    }

    @Test("bad input (an unknown format, a checkpoint without a policy, a non-empty or file --out) is one line naming what was given and what is allowed, with a non-zero exit; nothing is written and no file is overwritten")
    func badInput() throws {
        let (scratch, _, _) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let occupied = scratch.appendingPathComponent("occupied")
        try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: occupied.appendingPathComponent("notes.txt"))
        try Data("a file".utf8).write(to: scratch.appendingPathComponent("plain"))
        let shapeText = String(decoding: try JSONEncoder.sorted.encode(Self.shape), as: UTF8.self)
        try Checkpoint(tensors: [NamedTensor("critic.scalar_head.bias", Tensor<Float>(zeros: [1]))], metadata: ["config": shapeText])
            .write(to: scratch.appendingPathComponent("critic-only.safetensors").path)
        try Checkpoint(tensors: [NamedTensor("x", Tensor<Float>(zeros: [1]))]).write(to: scratch.appendingPathComponent("no-config.safetensors").path)
        let wide = try GPT<Float>(configuration: GPTConfiguration(layers: 1, width: 8, heads: 2, context: 8, vocabulary: 30), head: .languageModel, stream: RandomStream(seed: 1, name: "wide"))
        try PolicyCheckpoint(model: wide, configuration: SFTConfiguration(), step: 0).write(to: scratch.appendingPathComponent("wide.safetensors").path)
        let before = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        let cases: [(file: String, out: String, format: String, message: String)] = [
            ("sft/policy.safetensors", "new", "onnx", "--format is \"onnx\"; allowed: hf, verl, nemo-rl"),
            ("sft/policy.safetensors", "occupied", "hf", "--out: \(occupied.path) is not empty (1 entries); allowed: a new directory or an empty one"),
            ("sft/policy.safetensors", "plain", "hf", "--out: \(scratch.path)/plain is a file; allowed: a new directory or an empty one"),
            ("critic-only.safetensors", "new", "hf", "--checkpoint: \(scratch.path)/critic-only.safetensors does not match its model configuration"),
            ("no-config.safetensors", "new", "hf", "--checkpoint: \(scratch.path)/no-config.safetensors has no model configuration (metadata config); allowed: a policy checkpoint"),
            ("none.safetensors", "new", "hf", "--checkpoint: \(scratch.path)/none.safetensors does not exist; allowed: a policy checkpoint"),
            ("wide.safetensors", "new", "hf", "has a vocabulary of 30 tokens; allowed: the tasks' 26"),
        ]
        for (file, out, format, message) in cases {
            var thrown: (any Error)?
            do { try Self.export(scratch, file, out: out, format: format) } catch { thrown = error }
            let error = try #require(thrown, "\(file) \(out) \(format) was accepted")
            let text = Vapo.message(for: error)
            #expect(text.contains(message), "\(text)")
            #expect(!text.contains("\n"), "\(text)")
            #expect(Vapo.exitCode(for: error) != .success)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted() == before, "no directory created, no temporary left")
        #expect(try String(contentsOf: occupied.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")
        #expect(try String(contentsOf: scratch.appendingPathComponent("plain"), encoding: .utf8) == "a file")
    }

    @Test("an existing empty --out directory is filled; a failure while writing leaves no --out and no temporary directory")
    func atomicDirectory() throws {
        let (scratch, policy, _) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("empty"), withIntermediateDirectories: false)
        try Self.export(scratch, "sft/policy.safetensors", out: "empty")
        try Self.expectRoundTrip(scratch.appendingPathComponent("empty/model.safetensors"), policy)
        let before = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try ExportDirectory.publish(at: scratch.appendingPathComponent("half").path) { directory in
                try Data("first file".utf8).write(to: directory.appendingPathComponent("config.json"))
                throw Interrupted()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted() == before)
    }
}
