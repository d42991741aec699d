import Autograd
import Checkpoints
import Foundation
import Kernels
import Transformer

/// Writes what the PyTorch side needs to prove that it computes the same function (DIR/…):
/// - `weights.safetensors`: the initial parameters the timed runs use, under our names, [in, out] layout,
///   the configuration as `config` metadata;
/// - `weights-random.safetensors`: random parameters of order 1 (`randomParameters`), under which every
///   part of the network moves the loss (at the initialisation, biases are 0 and the logits nearly so);
/// - `weights-trained.safetensors`: the initial parameters after `checkSteps` AdamW steps on the token rows;
/// - `logits-random.safetensors`: the logits [64, 64, 32] of the random parameters on the rows' inputs;
/// - `check.json`: the token rows, the loss before each of those steps, and the random parameters' loss.
func exportCheck(model: GPT<Float>, rows: [[Int]], seed: UInt64, to directory: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let random = try GPT<Float>(
        configuration: model.configuration, head: model.head,
        parameters: Dictionary(uniqueKeysWithValues: zip(model.names, randomParameters(model, seed: seed))))
    try write(model, to: directory + "/weights.safetensors")
    try write(random, to: directory + "/weights-random.safetensors")

    // Trains a copy, so that the exported initial parameters stay as they are.
    let trainer = Trainer(model: try GPT<Float>(
        configuration: model.configuration, head: model.head,
        parameters: Dictionary(uniqueKeysWithValues: zip(model.names, model.parameters.map { Tensor(shape: $0.shape, scalars: $0.scalars) }))),
        rows: rows)
    let losses = (0..<checkSteps).map { _ in Double(trainer.step()) }
    try write(trainer.model, to: directory + "/weights-trained.safetensors")
    let logits = random.logits(trainer.inputs)
    try Checkpoint(tensors: [NamedTensor("logits", logits)]).write(to: directory + "/logits-random.safetensors")
    let check: [String: Any] = [
        "tokens": rows, "learning_rate": Workload.learningRate, "weight_decay": Workload.optimizer.weightDecay,
        "steps": checkSteps, "losses": losses, "loss_random": Double(Trainer(model: random, rows: rows).loss()),
    ]
    let data = try JSONSerialization.data(withJSONObject: check, options: [.sortedKeys])
    try data.write(to: URL(fileURLWithPath: directory + "/check.json"))
    print("exported the same-function check to \(directory)")
}

/// Training steps in the check: from the second step on, AdamW's betas change the update.
private let checkSteps = 3

private func write(_ model: GPT<Float>, to path: String) throws {
    let configuration = String(decoding: try JSONEncoder().encode(model.configuration), as: UTF8.self)
    let tensors = zip(model.names, model.parameters).map { NamedTensor($0, $1.detached()) }
    try Checkpoint(tensors: tensors, metadata: ["config": configuration]).write(to: path)
}

/// Parameters of order 1, each drawn uniformly from its own named stream: layer-norm scales in [0.5, 1.5),
/// biases and offsets in [-0.5, 0.5), embeddings in [-1, 1), and linear weights [in, out] in ±√(3/in)
/// (variance 1/in, so activations stay of order 1 through the layers).
private func randomParameters(_ model: GPT<Float>, seed: UInt64) -> [Tensor<Float>] {
    zip(model.names, model.parameters).map { name, parameter in
        let stream = RandomStream(seed: seed, name: "gpt-compare.check").child(name)
        let (scale, center): (Float, Float) =
            name.hasSuffix(".scale") ? (0.5, 1)
            : parameter.rank == 1 ? (0.5, 0)
            : name.hasSuffix("embedding") ? (1, 0)
            : ((3 / Float(parameter.shape[0])).squareRoot(), 0)
        return Tensor(shape: parameter.shape, scalars: (0..<parameter.count).map { e in
            center + scale * stream.uniform(low: Float(-1), high: 1, at: UInt64(e))
        })
    }
}
