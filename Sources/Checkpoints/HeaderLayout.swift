// Specs/checkpoints.md, "Byte layout": the header's entries and limits.
import StrictJSON

/// The limit on the header length that the reference implementation enforces (100 MB).
let safetensorsHeaderLimit: UInt64 = 100_000_000

/// One tensor's entry in the header.
struct HeaderEntry {
    var name: String
    var dtype: DType
    var shape: [Int]
    var begin: Int
    var end: Int
}

/// The header JSON as this library writes it, byte for byte: `__metadata__` first with its keys sorted
/// by their UTF-8 bytes (omitted when empty), then each tensor in `entries` order with its keys in the
/// order `dtype`, `shape`, `data_offsets`; no whitespace. Without padding.
func headerJSON(entries: [HeaderEntry], metadata: [String: String]) -> [UInt8] {
    var members: [String] = []
    if !metadata.isEmpty {
        let pairs = metadata.sorted { Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8) }
        members.append("\"__metadata__\":{" + pairs.map { JSONWriter.quoted($0.key) + ":" + JSONWriter.quoted($0.value) }.joined(separator: ",") + "}")
    }
    for entry in entries {
        let shape = entry.shape.map(String.init).joined(separator: ",")
        members.append(JSONWriter.quoted(entry.name)
            + ":{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(entry.begin),\(entry.end)]}")
    }
    return Array(("{" + members.joined(separator: ",") + "}").utf8)
}

/// Float and Double through their IEEE bit patterns, so that every bit (NaN payloads, −0) survives.
protocol BitPatternScalar {
    associatedtype Bits: FixedWidthInteger & UnsignedInteger
    var bitPattern: Bits { get }
    init(bitPattern: Bits)
}

extension Float: BitPatternScalar {}
extension Double: BitPatternScalar {}

/// Appends `values` as little-endian bytes.
func appendLittleEndian<Scalar: BitPatternScalar>(_ values: UnsafeBufferPointer<Scalar>, to bytes: inout [UInt8]) {
    for value in values {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Reads `count` little-endian scalars starting at `offset`.
func readLittleEndian<Scalar: BitPatternScalar>(_ bytes: [UInt8], offset: Int, count: Int, as: Scalar.Type) -> [Scalar] {
    bytes.withUnsafeBytes { raw in
        (0..<count).map { i in
            Scalar(bitPattern: Scalar.Bits(littleEndian: raw.loadUnaligned(fromByteOffset: offset + i * MemoryLayout<Scalar.Bits>.size, as: Scalar.Bits.self)))
        }
    }
}
