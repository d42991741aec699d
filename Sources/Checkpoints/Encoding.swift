// Specs/checkpoints.md, "Byte layout" and "Ordering and determinism": a checkpoint's bytes.
import Autograd
import Kernels

extension Checkpoint {
    /// The file's bytes: 8-byte little-endian header length N, N bytes of header JSON padded with spaces
    /// to a multiple of 8 (so the data starts 8-aligned, as the reference writer does), then each tensor's
    /// little-endian data in the order of `tensors`, with no gaps. The header carries `metadata` plus the
    /// checksum. The same tensors and metadata always give the same bytes.
    ///
    /// - Parameter path: only named in errors.
    /// - Throws: `CheckpointError.invalidContent` for an empty, duplicate or reserved (`__metadata__`)
    ///   tensor name, or metadata that already holds `vapo.checksum`.
    public func encoded(path: String = "<memory>") throws -> [UInt8] {
        guard metadata[Self.checksumKey] == nil else {
            throw CheckpointError.invalidContent(path: path, reason: "metadata key \(Self.checksumKey) is reserved for the checksum")
        }
        var names: Set<String> = []
        var entries: [HeaderEntry] = []
        var data: [UInt8] = []
        for (name, tensor) in tensors.map({ ($0.name, $0.tensor) }) {
            guard !name.isEmpty, name != "__metadata__" else {
                throw CheckpointError.invalidContent(path: path, reason: "tensor name \"\(name)\" is reserved")
            }
            guard names.insert(name).inserted else {
                throw CheckpointError.invalidContent(path: path, reason: "tensor name \(name) appears twice")
            }
            let begin = data.count
            switch tensor {
            case .float(let t): t.withUnsafeBufferPointer { appendLittleEndian($0, to: &data) }
            case .double(let t): t.withUnsafeBufferPointer { appendLittleEndian($0, to: &data) }
            }
            entries.append(HeaderEntry(name: name, dtype: tensor.dtype, shape: tensor.shape, begin: begin, end: data.count))
        }
        var stored = metadata
        stored[Self.checksumKey] = Checksum.text(canonicalHeader: headerJSON(entries: entries, metadata: metadata), data: data[...])
        var header = headerJSON(entries: entries, metadata: stored)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + data.count)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        bytes.append(contentsOf: data)
        return bytes
    }
}
