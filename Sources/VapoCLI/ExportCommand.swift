// Specs/export.md, "vapo export": the command, its formats and its refusals.
import ArgumentParser
import Foundation
import Tasks

/// What `vapo export` writes. Each format is written by a type of its own file; this command only chooses it,
/// checks the input and publishes the directory.
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
    /// A Hugging Face `transformers` GPT-2 directory (`HuggingFaceExport`).
    case hf
    /// The run's configuration as verl's (not written yet).
    case verl
    /// The run's configuration as NeMo RL's (not written yet).
    case nemoRL = "nemo-rl"

    static var allowed: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// `vapo export`: a policy checkpoint of `vapo sft` or `vapo train` as a directory another tool reads.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a policy checkpoint (vapo sft or vapo train) for another tool: --format hf writes a Hugging Face GPT-2 directory.",
        discussion: """
            --format hf writes config.json, generation_config.json, model.safetensors, tokenizer.json, \
            tokenizer_config.json, special_tokens_map.json and README.md (the model card), and, when the \
            checkpoint has a critic, value_model.safetensors; transformers' AutoModelForCausalLM and \
            AutoTokenizer load the directory without custom code (Specs/export.md). --out must not exist or be \
            an empty directory: the files are written into a temporary sibling directory renamed to --out at the \
            end, so a failed export leaves nothing behind.
            """)

    @Option(help: "Policy checkpoint: policy.safetensors of vapo sft, or checkpoint-step-N.safetensors of vapo sft or vapo train.")
    var checkpoint: String
    @Option(help: "What to write: \(ExportFormat.allowed).") var format: String
    @Option(help: "Directory to write: new, or an existing empty directory.") var out: String

    func validate() throws {
        guard !checkpoint.isEmpty else { throw CommandError("--checkpoint is empty; allowed: a policy checkpoint file") }
        guard ExportFormat(rawValue: format) != nil else { throw formatError }
        guard !out.isEmpty else { throw CommandError("--out is empty; allowed: a new directory or an empty one") }
    }

    /// The refusal of an unknown `--format`.
    private var formatError: CommandError { CommandError("--format is \(format.debugDescription); allowed: \(ExportFormat.allowed)") }

    func run() throws {
        for line in try export() { print(line) }
    }

    /// Writes the export and returns the lines to print. Every refusal comes before anything is written.
    func export() throws -> [String] {
        guard let format = ExportFormat(rawValue: format) else { throw formatError }
        try ExportDirectory.checkFree(out)
        let (file, policy) = try StartingPolicy.checkpointAndPolicy(from: checkpoint, flag: "--checkpoint")
        switch format {
        case .hf:
            let export = try HuggingFaceExport(checkpointPath: checkpoint, checkpoint: file, policy: policy)
            let names = try ExportDirectory.publish(at: out) { try export.write(into: $0) }
            return ["export: \(checkpoint) as a Hugging Face GPT-2 directory \(out): \(names.joined(separator: ", "))"]
        case .verl, .nemoRL:
            throw CommandError("--format \(format.rawValue) is not written yet; allowed today: hf")
        }
    }
}
