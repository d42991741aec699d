// Specs/checkpoints.md, "Errors on read": every error, naming the file.
/// Everything that can be wrong with a checkpoint file or with a write. Each message names the file and
/// what is wrong; reading never traps on bad bytes.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// No file at `path`.
    case fileMissing(path: String)
    /// A system call failed (`operation` says which, `reason` is the system's message).
    case io(path: String, operation: String, reason: String)
    /// The file ends before the part `detail` describes.
    case truncated(path: String, detail: String)
    /// The header length field is beyond the limit (the reference implementation's 100 MB).
    case headerTooLarge(path: String, length: UInt64)
    /// The header is not UTF-8, not JSON, or not the safetensors shape; `reason` says where and why.
    case invalidHeader(path: String, reason: String)
    /// A dtype this library does not store.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// The shape and dtype need `expected` bytes but the offsets span `actual`.
    case sizeMismatch(path: String, tensor: String, shape: [Int], dtype: String, expected: Int, actual: Int)
    /// Offsets reversed, overlapping, leaving a gap, or not starting at 0.
    case badOffsets(path: String, reason: String)
    /// The data section is longer than the tensors cover.
    case trailingData(path: String, covered: Int, actual: Int)
    /// No checksum where one is required.
    case checksumMissing(path: String)
    /// A checksum value this library cannot check.
    case unsupportedChecksum(path: String, value: String)
    /// The content does not match the checksum: the file is corrupted.
    case checksumMismatch(path: String, stored: String, computed: String)
    /// The content cannot be written (duplicate or reserved names).
    case invalidContent(path: String, reason: String)
    /// The file is a valid checkpoint but not the one expected.
    case mismatch(path: String, problems: [CheckpointMismatch])

    public var description: String {
        switch self {
        case let .fileMissing(path): "checkpoint \(path): no such file"
        case let .io(path, operation, reason): "checkpoint \(path): \(operation) failed: \(reason)"
        case let .truncated(path, detail): "checkpoint \(path) is truncated: \(detail)"
        case let .headerTooLarge(path, length): "checkpoint \(path): header length \(length) exceeds the limit of \(safetensorsHeaderLimit) bytes"
        case let .invalidHeader(path, reason): "checkpoint \(path): invalid header: \(reason)"
        case let .unsupportedDType(path, tensor, dtype):
            "checkpoint \(path): tensor \(tensor) has dtype \"\(dtype)\"; supported: \(DType.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .sizeMismatch(path, tensor, shape, dtype, expected, actual):
            "checkpoint \(path): tensor \(tensor) of shape \(shape) and dtype \(dtype) needs \(expected) bytes, its data_offsets span \(actual)"
        case let .badOffsets(path, reason): "checkpoint \(path): bad data_offsets: \(reason)"
        case let .trailingData(path, covered, actual): "checkpoint \(path): data section is \(actual) bytes but the tensors cover \(covered)"
        case let .checksumMissing(path): "checkpoint \(path): no \(Checkpoint.checksumKey) in __metadata__, and a checksum is required"
        case let .unsupportedChecksum(path, value): "checkpoint \(path): unsupported checksum \"\(value)\" (expected fnv1a64:<16 hex digits>)"
        case let .checksumMismatch(path, stored, computed):
            "checkpoint \(path) is corrupted: stored checksum \(stored), content gives \(computed)"
        case let .invalidContent(path, reason): "checkpoint \(path): cannot write: \(reason)"
        case let .mismatch(path, problems):
            "checkpoint \(path) does not match the expected model: " + problems.map(\.description).joined(separator: "; ")
        }
    }
}

/// One difference between a checkpoint and what the caller expected of it.
public enum CheckpointMismatch: Equatable, Sendable, CustomStringConvertible {
    case missingTensor(String)
    case unexpectedTensor(String)
    case shape(tensor: String, found: [Int], expected: [Int])
    case dtype(tensor: String, found: DType, expected: DType)
    case missingMetadata(key: String)
    case metadataValue(key: String, found: String, expected: String)

    public var description: String {
        switch self {
        case let .missingTensor(name): "missing tensor \(name)"
        case let .unexpectedTensor(name): "unexpected tensor \(name)"
        case let .shape(name, found, expected): "tensor \(name) has shape \(found), expected \(expected)"
        case let .dtype(name, found, expected): "tensor \(name) has dtype \(found.rawValue), expected \(expected.rawValue)"
        case let .missingMetadata(key): "missing metadata \(key)"
        case let .metadataValue(key, found, expected): "metadata \(key) is \"\(found)\", expected \"\(expected)\""
        }
    }
}
