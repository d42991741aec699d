// Specs/checkpoints.md, "API": a checkpoint, its tensors and their element types.
import Autograd
import Kernels

/// The element types a checkpoint stores, with their safetensors names.
public enum DType: String, Sendable, CaseIterable {
    /// IEEE 754 binary32, little-endian: training weights (`Tensor<Float>`).
    case f32 = "F32"
    /// IEEE 754 binary64, little-endian: `Tensor<Double>` (gradient checks, exact state).
    case f64 = "F64"

    /// Bytes per element.
    public var byteCount: Int { self == .f32 ? 4 : 8 }
}

/// A tensor as a checkpoint holds it: its values, whichever of the two scalar types it has.
public enum StoredTensor {
    /// Stored as `F32`.
    case float(Tensor<Float>)
    /// Stored as `F64`.
    case double(Tensor<Double>)

    /// The tensor's shape.
    public var shape: [Int] {
        switch self {
        case .float(let tensor): tensor.shape
        case .double(let tensor): tensor.shape
        }
    }

    /// The dtype it is stored as.
    public var dtype: DType {
        switch self {
        case .float: .f32
        case .double: .f64
        }
    }

    /// The tensor if it holds `Float`s.
    public var floatTensor: Tensor<Float>? {
        if case .float(let tensor) = self { tensor } else { nil }
    }

    /// The tensor if it holds `Double`s.
    public var doubleTensor: Tensor<Double>? {
        if case .double(let tensor) = self { tensor } else { nil }
    }
}

/// One named tensor of a checkpoint.
public struct NamedTensor {
    /// The key in the header, e.g. `blocks.0.attn.w`.
    public var name: String
    /// The values.
    public var tensor: StoredTensor

    /// Names a tensor of either scalar type.
    public init(_ name: String, _ tensor: StoredTensor) {
        self.name = name
        self.tensor = tensor
    }

    /// Names a `Float` tensor (stored as `F32`).
    public init(_ name: String, _ tensor: Tensor<Float>) { self.init(name, .float(tensor)) }
    /// Names a `Double` tensor (stored as `F64`).
    public init(_ name: String, _ tensor: Tensor<Double>) { self.init(name, .double(tensor)) }
}

/// The content of a safetensors file: tensors in file order and string metadata.
///
/// Order is the caller's: `write(to:)` stores the tensors in the order of `tensors`, and `read(from:)`
/// returns them in the order of their data in the file. `metadata` is free-form string → string (the
/// model configuration goes under the key `config` as JSON text); the checksum the writer adds under
/// `Checkpoint.checksumKey` is not part of it.
public struct Checkpoint {
    /// The tensors, in file order.
    public var tensors: [NamedTensor]
    /// String metadata (`__metadata__` without the checksum).
    public var metadata: [String: String]

    /// A checkpoint of `tensors`, written in this order, and `metadata`.
    public init(tensors: [NamedTensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The metadata key under which the writer stores the digest of the content.
    public static let checksumKey = "vapo.checksum"

    /// The tensor named `name`, if any.
    public func tensor(named name: String) -> StoredTensor? {
        tensors.first { $0.name == name }?.tensor
    }
}

/// Whether reading demands the writer's checksum.
public enum ChecksumPolicy: Sendable {
    /// The file must carry `vapo.checksum`, and it must match: what our own checkpoints are loaded with.
    case required
    /// Verify the checksum when present; accept files from other writers that have none.
    case ifPresent
}
