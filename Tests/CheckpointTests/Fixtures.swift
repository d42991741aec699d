import Autograd
import Checkpoints
import Foundation
import Kernels
import TestSupport

enum Fixtures {
    /// Names and metadata text with every kind of character JSON must escape or pass through.
    static let awkwardTexts = ["blocks.0.attn.w", "q\"uote", "back\\slash", "tab\tnew\nline", "ctl\u{1}\u{1F}", "é", "🙂", "/", " ", "{\"a\":[1,2]}"]

    /// Float bit patterns: arbitrary ones, and the special values (signed zeros, NaNs with payloads,
    /// signalling NaN, infinities, subnormals).
    static func floatBits(_ random: inout SplitMix64) -> UInt32 {
        let specials: [UInt32] = [0x8000_0000, 0, 0x7FC0_0001, 0xFFC1_2345, 0x7F80_0001, 0x7F80_0000, 0xFF80_0000, 1, 0x807F_FFFF]
        return random.integer(0...3) == 0 ? specials[random.integer(0...(specials.count - 1))] : UInt32(truncatingIfNeeded: random.next())
    }

    static func doubleBits(_ random: inout SplitMix64) -> UInt64 {
        let specials: [UInt64] = [1 << 63, 0, 0x7FF8_0000_0000_0001, 0xFFF8_DEAD_BEEF_0000, 0x7FF0_0000_0000_0001, 0x7FF0_0000_0000_0000, 1]
        return random.integer(0...3) == 0 ? specials[random.integer(0...(specials.count - 1))] : random.next()
    }

    /// A random checkpoint: 0...5 tensors of rank 0...3 with extents 0...5 (so empty tensors and scalars
    /// occur), Float or Double, awkward names, and 0...3 metadata entries.
    static func randomCheckpoint(seed: Int) -> Checkpoint {
        var random = SplitMix64(state: UInt64(truncatingIfNeeded: seed))
        var tensors: [NamedTensor] = []
        for index in 0..<random.integer(0...5) {
            let shape = (0..<random.integer(0...3)).map { _ in random.integer(0...5) }
            let count = shape.reduce(1, *)
            let name = awkwardTexts[random.integer(0...(awkwardTexts.count - 1))] + ".\(index)"
            if random.integer(0...1) == 0 {
                tensors.append(NamedTensor(name, Tensor(shape: shape, scalars: (0..<count).map { _ in Float(bitPattern: floatBits(&random)) })))
            } else {
                tensors.append(NamedTensor(name, Tensor(shape: shape, scalars: (0..<count).map { _ in Double(bitPattern: doubleBits(&random)) })))
            }
        }
        var metadata: [String: String] = [:]
        for _ in 0..<random.integer(0...3) {
            metadata[awkwardTexts[random.integer(0...(awkwardTexts.count - 1))]] = awkwardTexts[random.integer(0...(awkwardTexts.count - 1))]
        }
        return Checkpoint(tensors: tensors, metadata: metadata)
    }

    /// A small checkpoint of known content, for exhaustive corruption.
    static var small: Checkpoint { Checkpoint(
        tensors: [
            NamedTensor("wte", Tensor<Float>(shape: [2, 3], scalars: [1, -0.0, .nan, 3.5, -2, .infinity])),
            NamedTensor("empty", Tensor<Float>(shape: [0, 4], scalars: [])),
            NamedTensor("step", Tensor<Double>(shape: [], scalars: [42])),
        ],
        metadata: ["config": "{\"width\":8}"]) }

    /// Each tensor as (name, dtype, shape, raw bit patterns), for exact comparison (NaN != NaN otherwise).
    static func bits(_ checkpoint: Checkpoint) -> [String] {
        checkpoint.tensors.map { named in
            let values: [UInt64] = switch named.tensor {
            case .float(let t): t.scalars.map { UInt64($0.bitPattern) }
            case .double(let t): t.scalars.map(\.bitPattern)
            }
            return "\(named.name) \(named.tensor.dtype.rawValue) \(named.tensor.shape) \(values)"
        }
    }

    /// The name of the `CheckpointError` case `body` throws, "none" when it returns, or a note when it
    /// throws something else.
    static func errorCase(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "none"
        } catch let error as CheckpointError {
            return Mirror(reflecting: error).children.first?.label ?? "\(error)"
        } catch {
            return "not a CheckpointError: \(error)"
        }
    }

    /// A fresh empty directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A file with the given header text and data, and a header length field of `length` (default: the header's).
    static func crafted(header: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
        let headerBytes = Array(header.utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: (length ?? UInt64(headerBytes.count)).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + headerBytes + data
    }
}
