// Specs/vapo.md, "Trainer state": reading a checkpoint's parts to resume.
import Autograd
import Checkpoints
import Foundation
import Kernels
import Transformer

/// Reads a trainer-state checkpoint's parts for `Trainer.init(resumingFrom:configuration:task:)`, remembering
/// which tensors it used so that a tensor left over is reported too. Every failure is one
/// `TrainingError.resume` line.
struct StateReader<Scalar: KernelScalar> {
    let checkpoint: Checkpoint
    private var used: Set<String> = []

    init(checkpoint: Checkpoint) { self.checkpoint = checkpoint }

    private static func fail(_ reason: String) -> TrainingError { .resume(reason: reason) }

    /// The metadata value at `key`.
    func text(_ key: String) throws(TrainingError) -> String {
        guard let value = checkpoint.metadata[key] else { throw Self.fail("the checkpoint has no metadata \(key); allowed: a trainer-state checkpoint written by vapo train") }
        return value
    }

    /// The non-negative integer at `key`.
    func count(_ key: String) throws(TrainingError) -> Int {
        let value = try text(key)
        guard let number = Int(value), number >= 0 else { throw Self.fail("metadata \(key) is \(value.debugDescription); allowed: an integer, 0 or more") }
        return number
    }

    /// The JSON value at `key`.
    func json<T: Decodable>(_ key: String, as _: T.Type = T.self) throws(TrainingError) -> T {
        let value = try text(key)
        do { return try JSONDecoder().decode(T.self, from: Data(value.utf8)) } catch {
            throw Self.fail("metadata \(key) is not a JSON \(T.self): \(value.prefix(80))")
        }
    }

    /// The checkpoint's training configuration.
    func configuration() throws(TrainingError) -> TrainingConfiguration {
        do { return try TrainingConfiguration.decode(json: Data(try text("vapo.configuration").utf8)) } catch let error as TrainingError {
            throw error
        } catch {
            throw Self.fail("metadata vapo.configuration: \(error)")
        }
    }

    /// Nothing when `stored` equals `given`; otherwise the first field (in declaration order) that differs.
    static func requireSame(_ stored: TrainingConfiguration, _ given: TrainingConfiguration) throws(TrainingError) {
        guard stored != given else { return }
        func fields(_ c: TrainingConfiguration) -> [String: String] {
            let object = (try? JSONSerialization.jsonObject(with: c.jsonData())) as? [String: Any] ?? [:]
            return object.mapValues { "\($0)" }
        }
        let (a, b) = (fields(stored), fields(given))
        let field = TrainingConfiguration.fieldNames.first { a[$0] != b[$0] } ?? "(unknown)"
        throw fail(
            "the checkpoint's configuration differs from the run's in \(field) (checkpoint \(a[field] ?? "-"), run \(b[field] ?? "-")); allowed: the configuration the checkpoint was written with")
    }

    /// The tensors `prefix<name>` for each name of `names`, shaped `shapes`, in the trainer's scalar type.
    mutating func tensors(_ prefix: String, names: [String], shapes: [[Int]]) throws(TrainingError) -> [Tensor<Scalar>] {
        var result: [Tensor<Scalar>] = []
        for (name, shape) in zip(names, shapes) {
            let key = prefix + name
            guard let stored = checkpoint.tensor(named: key) else { throw Self.fail("the checkpoint has no tensor \(key); allowed: a checkpoint of this run's models") }
            let tensor: Tensor<Scalar>?
            switch stored {
            case .float(let t): tensor = t as? Tensor<Scalar>
            case .double(let t): tensor = t as? Tensor<Scalar>
            }
            guard let tensor else { throw Self.fail("tensor \(key) is \(stored.dtype.rawValue); allowed: the trainer's scalar type \(Scalar.self)") }
            guard tensor.shape == shape else { throw Self.fail("tensor \(key) has shape \(tensor.shape); allowed: \(shape), the model's") }
            used.insert(key)
            result.append(tensor)
        }
        return result
    }

    /// The model of `shape` and `head` whose parameters are under `prefix`.
    /// The critic's model configuration: metadata `critic_config` when the checkpoint records one (a critic
    /// shaped unlike the policy), else the policy's `policyShape`.
    func criticShape(policyShape: GPTConfiguration) throws(TrainingError) -> GPTConfiguration {
        let key = TrainerStateModels<Scalar>.criticConfigurationKey
        return checkpoint.metadata[key] == nil ? policyShape : try json(key)
    }

    mutating func model(_ prefix: String, shape: GPTConfiguration, head: GPTHead) throws(TrainingError) -> GPT<Scalar> {
        let specifications = shape.parameterSpecifications(head: head)
        let values = try tensors(prefix, names: specifications.map(\.name), shapes: specifications.map(\.shape))
        do {
            return try GPT(configuration: shape, head: head, parameters: Dictionary(uniqueKeysWithValues: zip(specifications.map(\.name), values)))
        } catch {
            throw Self.fail("the \(prefix.dropLast()) tensors do not fit model config \(shape): \(error)")
        }
    }

    /// Restores `optimizer` from the moments under `prefix` (`m.` and `v.`, shaped like `model`'s parameters) and
    /// the step count at `stepKey`; no moments before the first update.
    mutating func restore(_ optimizer: ModelOptimizer<Scalar>, _ prefix: String, model: GPT<Scalar>, stepKey: String) throws(TrainingError) {
        let step = try count(stepKey)
        let shapes = model.parameters.map(\.shape)
        let names = step == 0 ? [] : model.names
        let state = AdamW<Scalar>.State(
            stepCount: step, firstMoments: try tensors(prefix + "m.", names: names, shapes: shapes),
            secondMoments: try tensors(prefix + "v.", names: names, shapes: shapes))
        do { try optimizer.restore(state) } catch { throw Self.fail("\(prefix.dropLast()): \(error)") }
    }

    /// Nothing when every tensor of the checkpoint was read; otherwise the first one left over.
    func requireAllRead() throws(TrainingError) {
        if let extra = checkpoint.tensors.first(where: { !used.contains($0.name) }) {
            throw Self.fail("the checkpoint has a tensor \(extra.name) this run does not use; allowed: a checkpoint of this run's algorithm and models")
        }
    }
}
