// Specs/checkpoints.md, "Errors on read": parsing a file, checking everything before trusting it.
import Autograd
import Kernels
import StrictJSON

extension Checkpoint {
    /// Parses the bytes of a safetensors file, checking everything the format promises before trusting it:
    /// lengths, header JSON and its shape, dtypes, that each tensor's shape × dtype size equals its offsets'
    /// span, that the spans tile the data section exactly from 0, and the checksum (see `ChecksumPolicy`).
    /// Tensors come back in the order of their data (by begin offset, then end offset, then header order).
    ///
    /// - Parameter path: only named in errors.
    /// - Throws: a `CheckpointError` saying what is wrong; never traps on any bytes.
    public init(decoding bytes: [UInt8], path: String = "<memory>", checksum: ChecksumPolicy = .required) throws {
        guard bytes.count >= 8 else {
            throw CheckpointError.truncated(path: path, detail: "the file is \(bytes.count) bytes, shorter than the 8-byte header length")
        }
        let length = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length <= safetensorsHeaderLimit else { throw CheckpointError.headerTooLarge(path: path, length: length) }
        guard length <= UInt64(bytes.count - 8) else {
            throw CheckpointError.truncated(path: path, detail: "the header length is \(length) bytes but only \(bytes.count - 8) follow")
        }
        let dataStart = 8 + Int(length)
        let headerBytes = Array(bytes[8..<dataStart])
        let (entries, metadata) = try parseHeader(headerBytes, path: path)
        let covered = entries.last?.end ?? 0
        let dataLength = bytes.count - dataStart
        guard covered <= dataLength else {
            throw CheckpointError.truncated(path: path, detail: "the data section is \(dataLength) bytes but the tensors need \(covered)")
        }
        guard covered == dataLength else { throw CheckpointError.trailingData(path: path, covered: covered, actual: dataLength) }

        var userMetadata = metadata
        if let stored = userMetadata.removeValue(forKey: Self.checksumKey) {
            guard Checksum.isWellFormed(stored) else { throw CheckpointError.unsupportedChecksum(path: path, value: stored) }
            let computed = Checksum.text(canonicalHeader: headerJSON(entries: entries, metadata: userMetadata), data: bytes[dataStart...])
            guard computed == stored else { throw CheckpointError.checksumMismatch(path: path, stored: stored, computed: computed) }
        } else if checksum == .required {
            throw CheckpointError.checksumMissing(path: path)
        }

        self.init(tensors: entries.map { entry in
            let count = entry.shape.reduce(1, *)
            let offset = dataStart + entry.begin
            switch entry.dtype {
            case .f32: return NamedTensor(entry.name, Tensor(shape: entry.shape, scalars: readLittleEndian(bytes, offset: offset, count: count, as: Float.self)))
            case .f64: return NamedTensor(entry.name, Tensor(shape: entry.shape, scalars: readLittleEndian(bytes, offset: offset, count: count, as: Double.self)))
            }
        }, metadata: userMetadata)
    }
}

/// The header's tensor entries sorted by offset, checked to tile `[0, end)` exactly, and its metadata.
private func parseHeader(_ header: [UInt8], path: String) throws -> ([HeaderEntry], [String: String]) {
    func invalid(_ reason: String) -> CheckpointError { .invalidHeader(path: path, reason: reason) }
    guard String(validating: header, as: UTF8.self) != nil else { throw invalid("not valid UTF-8") }
    let root: JSONValue
    do { root = try JSONParser.parse(header) } catch {
        throw invalid("not valid JSON at byte \(error.offset) of the header: \(error.reason)")
    }
    guard case .object(let members) = root else { throw invalid("the header is \(root.kindName), expected an object") }

    var metadata: [String: String] = [:]
    var entries: [HeaderEntry] = []
    for (name, value) in members {
        if name == "__metadata__" {
            guard case .object(let pairs) = value else { throw invalid("__metadata__ is \(value.kindName), expected an object of strings") }
            for (key, item) in pairs {
                guard case .string(let text) = item else { throw invalid("__metadata__ value of \(key) is \(item.kindName), expected a string") }
                metadata[key] = text
            }
            continue
        }
        guard case .object(let fields) = value else { throw invalid("tensor \(name) is \(value.kindName), expected an object") }
        for (key, _) in fields where !["dtype", "shape", "data_offsets"].contains(key) {
            throw invalid("tensor \(name) has an unexpected key \"\(key)\"")
        }
        func field(_ key: String) throws -> JSONValue {
            guard let found = fields.first(where: { $0.key == key }) else { throw invalid("tensor \(name) has no \(key)") }
            return found.value
        }
        guard case .string(let dtypeName) = try field("dtype") else { throw invalid("dtype of tensor \(name) is not a string") }
        guard case .array(let extents) = try field("shape") else { throw invalid("shape of tensor \(name) is not an array") }
        let shape = extents.compactMap(\.nonNegativeInteger)
        guard shape.count == extents.count else { throw invalid("shape of tensor \(name) is not a list of non-negative integers") }
        guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
              let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger else {
            throw invalid("data_offsets of tensor \(name) is not a pair of non-negative integers")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw CheckpointError.unsupportedDType(path: path, tensor: name, dtype: dtypeName)
        }
        guard begin <= end else { throw CheckpointError.badOffsets(path: path, reason: "tensor \(name) has data_offsets [\(begin), \(end)], end before begin") }
        var size = dtype.byteCount
        for extent in shape {
            let (product, overflow) = size.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw invalid("shape \(shape) of tensor \(name) is too large") }
            size = product
        }
        guard size == end - begin else {
            throw CheckpointError.sizeMismatch(path: path, tensor: name, shape: shape, dtype: dtypeName, expected: size, actual: end - begin)
        }
        entries.append(HeaderEntry(name: name, dtype: dtype, shape: shape, begin: begin, end: end))
    }

    let ordered = entries.enumerated().sorted { ($0.element.begin, $0.element.end, $0.offset) < ($1.element.begin, $1.element.end, $1.offset) }.map(\.element)
    var next = 0
    for entry in ordered {
        guard entry.begin <= next else {
            throw CheckpointError.badOffsets(path: path, reason: "tensor \(entry.name) starts at \(entry.begin), leaving a gap after byte \(next)")
        }
        guard entry.begin == next else {
            throw CheckpointError.badOffsets(path: path, reason: "tensor \(entry.name) starts at \(entry.begin), overlapping data that ends at \(next)")
        }
        next = entry.end
    }
    return (ordered, metadata)
}
