// Specs/export.md, "vapo export" (--format hf), and Specs/scaling-out.md, "The exported configuration"
// (--format verl, nemo-rl): the command, its formats and its refusals.
import ArgumentParser
import Checkpoints
import Foundation
import Tasks
import VAPO

/// What `vapo export` writes. Each format is written by a type of its own file; this command only chooses it,
/// checks the input and publishes the result.
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
    /// A Hugging Face `transformers` GPT-2 directory (`HuggingFaceExport`).
    case hf
    /// The run's training configuration as verl's Hydra YAML (`EngineConfiguration(verl:)`).
    case verl
    /// The run's training configuration as NeMo RL's YAML (`EngineConfiguration(nemoRL:)`).
    case nemoRL = "nemo-rl"

    static var allowed: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// `vapo export`: a checkpoint as something another tool reads: a policy as a Hugging Face directory, or a
/// `vapo train` run's configuration as a scaling engine's YAML.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a checkpoint for another tool: --format hf writes a Hugging Face GPT-2 directory; --format verl or nemo-rl writes a vapo train run's configuration as that engine's YAML.",
        discussion: """
            --format hf writes config.json, generation_config.json, model.safetensors, tokenizer.json, \
            tokenizer_config.json, special_tokens_map.json and README.md (the model card), and, when the \
            checkpoint has a critic, value_model.safetensors; transformers' AutoModelForCausalLM and \
            AutoTokenizer load the directory without custom code (Specs/export.md). Its --out must not exist or be \
            an empty directory: the files are written into a temporary sibling directory renamed to --out at the \
            end, so a failed export leaves nothing behind. \
            --format verl or nemo-rl reads the training configuration of a vapo train checkpoint and writes the \
            engine's YAML, every line commented, with what the engine cannot express listed at the top and printed \
            (Specs/scaling-out.md); its --out is a file that must not exist; without --out the YAML is printed.
            """)

    static let engineAllowed = "allowed: checkpoint-step-N.safetensors written by vapo train"

    @Option(help: "hf: policy.safetensors of vapo sft, or checkpoint-step-N.safetensors of vapo sft or vapo train; verl, nemo-rl: checkpoint-step-N.safetensors of vapo train.")
    var checkpoint: String
    @Option(help: "What to write: \(ExportFormat.allowed).") var format: String
    @Option(help: "hf: the directory to write, new or empty. verl, nemo-rl: the YAML file to write, which must not exist (default: print the YAML).")
    var out: String?

    func validate() throws {
        guard !checkpoint.isEmpty else { throw CommandError("--checkpoint is empty; allowed: a checkpoint file") }
        guard let chosen = ExportFormat(rawValue: format) else { throw formatError }
        if chosen == .hf, out?.isEmpty ?? true { throw Self.directoryMissing }
    }

    /// The refusal of `--format hf` without a directory.
    static let directoryMissing = CommandError("--out is missing or empty; allowed with --format hf: a new directory or an empty one")

    /// The refusal of an unknown `--format`.
    private var formatError: CommandError { CommandError("--format is \(format.debugDescription); allowed: \(ExportFormat.allowed)") }

    func run() throws {
        for line in try export() { print(line) }
    }

    /// Writes the export and returns the lines to print. Every refusal comes before anything is written.
    func export() throws -> [String] {
        guard let chosen = ExportFormat(rawValue: format) else { throw formatError }
        switch chosen {
        case .hf:
            guard let out, !out.isEmpty else { throw Self.directoryMissing }
            try ExportDirectory.checkFree(out)
            let (file, policy) = try StartingPolicy.checkpointAndPolicy(from: checkpoint, flag: "--checkpoint")
            let export = try HuggingFaceExport(checkpointPath: checkpoint, checkpoint: file, policy: policy)
            let names = try ExportDirectory.publish(at: out) { try export.write(into: $0) }
            return ["export: \(checkpoint) as a Hugging Face GPT-2 directory \(out): \(names.joined(separator: ", "))"]
        case .verl, .nemoRL:
            let (yaml, inexpressible) = try engineConfiguration(chosen)
            guard let out else { return [yaml.hasSuffix("\n") ? String(yaml.dropLast()) : yaml] }
            guard !FileManager.default.fileExists(atPath: out) else {
                throw CommandError("--out: \(out) already exists; allowed: a path where nothing is (vapo export never overwrites)")
            }
            do { try Data(yaml.utf8).write(to: URL(fileURLWithPath: out), options: .withoutOverwriting) } catch {
                throw CommandError("--out: \(out) cannot be written: \(error.localizedDescription)")
            }
            let engine = chosen == .verl ? VerlKey.engine : NemoRLKey.engine
            return ["wrote \(out) (\(chosen.rawValue))", "\(engine) cannot express of this run:"] + inexpressible.map { "  - \($0)" }
        }
    }

    /// The YAML text for `engine` (verl or nemo-rl) and the list of what it cannot express, from the checkpoint's
    /// training configuration.
    func engineConfiguration(_ engine: ExportFormat) throws -> (yaml: String, inexpressible: [String]) {
        let configuration = try trainingConfiguration()
        let header = ["\(engine.rawValue) configuration of the vapo train run in \(checkpoint) (vapo export, Specs/scaling-out.md)"]
        if engine == .verl {
            let mapped = EngineConfiguration(verl: configuration)
            return (mapped.yaml(header: header + ["Run: python -m verl.trainer.main_ppo --config-path DIR --config-name NAME, with VERL_USE_EXTERNAL_MODULES=vapo_verl (Verification/verl)"]), mapped.inexpressible)
        }
        let mapped = EngineConfiguration(nemoRL: configuration)
        return (mapped.yaml(header: header + ["Merge over NeMo RL's examples/configs/ppo_math_1B.yaml (grpo_math_1B.yaml for a run without a critic)"]), mapped.inexpressible)
    }

    /// The run's configuration, from the checkpoint's `vapo.configuration` metadata.
    func trainingConfiguration() throws -> TrainingConfiguration {
        guard FileManager.default.fileExists(atPath: checkpoint) else { throw CommandError("--checkpoint: \(checkpoint) does not exist; \(Self.engineAllowed)") }
        let file: Checkpoint
        do { file = try Checkpoint.read(from: checkpoint) } catch { throw CommandError("--checkpoint: \(error); \(Self.engineAllowed)") }
        guard let text = file.metadata["vapo.configuration"] else {
            throw CommandError("--checkpoint: \(checkpoint) has no training configuration (metadata vapo.configuration); \(Self.engineAllowed)")
        }
        do { return try TrainingConfiguration.decode(json: Data(text.utf8)) } catch {
            throw CommandError("--checkpoint: \(checkpoint): its vapo.configuration is not valid: \(error.description)")
        }
    }
}
