// Specs/vapo.md, "The command line: `vapo train`": reading the starting policy of a checkpoint.
import ArgumentParser
import Autograd
import Checkpoints
import Foundation
import Transformer

/// Reads the policy of a checkpoint that records its model configuration under the metadata key `config`:
/// an SFT policy (parameters under their own names) or a `vapo train` checkpoint (under `policy.<name>`).
/// A missing file, a checkpoint without a model configuration, or tensors that do not match it is one line
/// naming `flag`, the option that gave the path.
enum StartingPolicy {
    static func read(from path: String, flag: String = "--init-checkpoint") throws -> GPT<Float> {
        try checkpointAndPolicy(from: path, flag: flag).policy
    }

    /// The checkpoint at `path` and its policy, for a caller that also reads the checkpoint's metadata (the file
    /// is read once).
    static func checkpointAndPolicy(from path: String, flag: String) throws -> (checkpoint: Checkpoint, policy: GPT<Float>) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandError("\(flag): \(path) does not exist; allowed: a policy checkpoint written by vapo sft or vapo train")
        }
        let checkpoint = try Checkpoint.read(from: path)
        guard let text = checkpoint.metadata["config"],
            let shape = try? JSONDecoder().decode(GPTConfiguration.self, from: Data(text.utf8))
        else {
            throw CommandError("\(flag): \(path) has no model configuration (metadata config); allowed: a policy checkpoint written by vapo sft or vapo train")
        }
        let prefixed = checkpoint.tensors.contains { $0.name.hasPrefix("policy.") }
        var parameters: [String: Tensor<Float>] = [:]
        for named in checkpoint.tensors {
            guard !prefixed || named.name.hasPrefix("policy.") else { continue }
            guard let tensor = named.tensor.floatTensor else {
                throw CommandError("\(flag): \(path): tensor \(named.name) is not F32; allowed: F32 tensors")
            }
            parameters[prefixed ? String(named.name.dropFirst("policy.".count)) : named.name] = tensor
        }
        do {
            return (checkpoint, try GPT(configuration: shape, head: .languageModel, parameters: parameters))
        } catch {
            throw CommandError("\(flag): \(path) does not match its model configuration: \(error)")
        }
    }
}
