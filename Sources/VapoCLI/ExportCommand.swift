// Specs/scaling-out.md, "The exported configuration": `vapo export`.
import ArgumentParser
import Checkpoints
import Foundation
import VAPO

/// What `vapo export` writes.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    /// A Hugging Face GPT-2 directory.
    case hf
    /// verl's Hydra configuration.
    case verl
    /// NeMo RL's configuration.
    case nemoRL = "nemo-rl"
}

/// `vapo export`: a `vapo train` checkpoint's training configuration as verl's or NeMo RL's commented YAML,
/// with what that engine cannot express listed at the top and printed.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a vapo train checkpoint's training configuration as verl's or NeMo RL's YAML (Specs/scaling-out.md).")

    static let allowed = "allowed: checkpoint-step-N.safetensors written by vapo train"

    @Option(help: "A checkpoint written by vapo train (checkpoint-step-N.safetensors).") var checkpoint: String
    @Option(help: "The engine: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).") var format: ExportFormat
    @Option(help: "The YAML file to write; it must not exist. (default: print the YAML)") var out: String?

    func run() throws {
        let (yaml, inexpressible) = try export()
        guard let out else {
            print(yaml, terminator: "")
            return
        }
        guard !FileManager.default.fileExists(atPath: out) else {
            throw CommandError("--out: \(out) already exists; allowed: a path where nothing is (vapo export never overwrites)")
        }
        do { try Data(yaml.utf8).write(to: URL(fileURLWithPath: out), options: .withoutOverwriting) } catch {
            throw CommandError("--out: \(out) cannot be written: \(error.localizedDescription)")
        }
        output("wrote \(out) (\(format.rawValue))")
        output("\(format == .verl ? VerlKey.engine : NemoRLKey.engine) cannot express of this run:")
        for line in inexpressible { output("  - \(line)") }
    }

    /// The YAML text and the list of what the engine cannot express, from the checkpoint's configuration.
    func export() throws -> (yaml: String, inexpressible: [String]) {
        let configuration = try trainingConfiguration()
        let header = ["\(format.rawValue) configuration of the vapo train run in \(checkpoint) (vapo export, Specs/scaling-out.md)"]
        switch format {
        case .hf: throw CommandError("--format hf: the Hugging Face export is not in this branch; allowed here: verl, nemo-rl")
        case .verl:
            let engine = EngineConfiguration(verl: configuration)
            return (engine.yaml(header: header + ["Run: python -m verl.trainer.main_ppo --config-path DIR --config-name NAME, with VERL_USE_EXTERNAL_MODULES=vapo_verl (Verification/verl)"]), engine.inexpressible)
        case .nemoRL:
            let engine = EngineConfiguration(nemoRL: configuration)
            return (engine.yaml(header: header + ["Merge over NeMo RL's examples/configs/ppo_math_1B.yaml (grpo_math_1B.yaml for a run without a critic)"]), engine.inexpressible)
        }
    }

    /// The run's configuration, from the checkpoint's `vapo.configuration` metadata.
    func trainingConfiguration() throws -> TrainingConfiguration {
        guard FileManager.default.fileExists(atPath: checkpoint) else { throw CommandError("--checkpoint: \(checkpoint) does not exist; \(Self.allowed)") }
        let file: Checkpoint
        do { file = try Checkpoint.read(from: checkpoint) } catch { throw CommandError("--checkpoint: \(error); \(Self.allowed)") }
        guard let text = file.metadata["vapo.configuration"] else {
            throw CommandError("--checkpoint: \(checkpoint) has no training configuration (metadata vapo.configuration); \(Self.allowed)")
        }
        do { return try TrainingConfiguration.decode(json: Data(text.utf8)) } catch {
            throw CommandError("--checkpoint: \(checkpoint): its vapo.configuration is not valid: \(error.description)")
        }
    }
}
