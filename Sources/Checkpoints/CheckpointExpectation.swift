// Specs/checkpoints.md, "Expected model (config mismatch)".
/// What a loader expects of a checkpoint: the tensors (name, dtype, shape) and metadata keys, with the
/// value they must have where it matters (the model configuration). Checking reports every difference
/// at once, so a user sees the whole mismatch in one message.
public struct CheckpointExpectation: Sendable {
    public var tensors: [(name: String, dtype: DType, shape: [Int])]
    /// Required metadata keys; a non-nil value must match exactly.
    public var metadata: [String: String?]

    public init(tensors: [(name: String, dtype: DType, shape: [Int])], metadata: [String: String?] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The differences between `checkpoint` and this expectation, in a fixed order: tensors in expected
    /// order (missing, dtype, shape), then unexpected tensors in file order, then metadata by sorted key.
    public func mismatches(in checkpoint: Checkpoint) -> [CheckpointMismatch] {
        var problems: [CheckpointMismatch] = []
        for (name, dtype, shape) in tensors {
            guard let found = checkpoint.tensor(named: name) else { problems.append(.missingTensor(name)); continue }
            if found.dtype != dtype { problems.append(.dtype(tensor: name, found: found.dtype, expected: dtype)) }
            if found.shape != shape { problems.append(.shape(tensor: name, found: found.shape, expected: shape)) }
        }
        let expectedNames = Set(tensors.map(\.name))
        problems += checkpoint.tensors.filter { !expectedNames.contains($0.name) }.map { .unexpectedTensor($0.name) }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard let found = checkpoint.metadata[key] else { problems.append(.missingMetadata(key: key)); continue }
            if let value, value != found { problems.append(.metadataValue(key: key, found: found, expected: value)) }
        }
        return problems
    }

    /// Throws `CheckpointError.mismatch` naming `path` and every difference, if there is any.
    public func check(_ checkpoint: Checkpoint, path: String) throws {
        let problems = mismatches(in: checkpoint)
        guard problems.isEmpty else { throw CheckpointError.mismatch(path: path, problems: problems) }
    }
}

extension Checkpoint {
    /// Reads the checkpoint at `path` (checksum required) and checks it against `expectation`.
    public static func read(from path: String, expecting expectation: CheckpointExpectation) throws -> Checkpoint {
        let checkpoint = try read(from: path)
        try expectation.check(checkpoint, path: path)
        return checkpoint
    }
}
