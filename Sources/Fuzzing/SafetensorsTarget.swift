// Specs/reliability.md, "Fuzzing": the `safetensors` target.
import Autograd
import Checkpoints
import TestSupport

extension FuzzTarget {
    /// The safetensors reader (`Checkpoint(decoding:)`) on mutated valid files (bit flips, byte edits,
    /// truncations, splices of two files), valid length fields followed by random headers, and random bytes.
    /// Property: it returns or throws a `CheckpointError`, and whatever it loads with the checksum required
    /// is bit for bit one of the files the input came from (a mutation may only touch what the checksum does
    /// not cover, such as the padding's exact whitespace).
    public static let safetensors = FuzzTarget("safetensors") { random in
        let first = randomCheckpoint(&random), second = randomCheckpoint(&random)
        let a: [UInt8], b: [UInt8]
        do { (a, b) = (try first.encoded(), try second.encoded()) } catch { return "encoding a valid checkpoint failed: \(error)" }
        let input: [UInt8] = switch random.integer(0...4) {
        case 0, 1: Mutation.mutate(a, &random)
        case 2: Mutation.splice(a, b, &random)
        case 3: header(randomHeader(&random), data: (0..<random.integer(0...64)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        default: (0..<random.integer(0...64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
        do {
            let loaded = try Checkpoint(decoding: input, checksum: .required)
            let content = describe(loaded)
            return content == describe(first) || content == describe(second) ? nil : "a changed file loaded silently"
        } catch is CheckpointError {
            return nil
        } catch {
            return "threw \(type(of: error)), not a CheckpointError: \(error)"
        }
    }

    /// A checkpoint of 0...4 tensors (Float or Double, rank 0...3, extents 0...4, arbitrary bits) and 0...2
    /// metadata entries, names drawn from texts JSON must escape.
    static func randomCheckpoint(_ random: inout SplitMix64) -> Checkpoint {
        let texts = ["w", "blocks.0.attn", "q\"uote", "back\\slash", "tab\tnew\nline", "ctl\u{1}", "é", "🙂", "{\"a\":[1]}"]
        var tensors: [NamedTensor] = []
        for index in 0..<random.integer(0...4) {
            let shape = (0..<random.integer(0...3)).map { _ in random.integer(0...4) }
            let count = shape.reduce(1, *)
            let name = random.pick(texts) + ".\(index)"
            if random.coin() {
                tensors.append(NamedTensor(name, Tensor(shape: shape, scalars: (0..<count).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: random.next())) })))
            } else {
                tensors.append(NamedTensor(name, Tensor(shape: shape, scalars: (0..<count).map { _ in Double(bitPattern: random.next()) })))
            }
        }
        var metadata: [String: String] = [:]
        for _ in 0..<random.integer(0...2) { metadata[random.pick(texts)] = random.pick(texts) }
        return Checkpoint(tensors: tensors, metadata: metadata)
    }

    /// Header-like JSON from safetensors' own vocabulary (dtypes, shapes, offsets, metadata, checksum), so
    /// that random headers get past the JSON parser and reach the format checks.
    static func randomHeader(_ random: inout SplitMix64) -> String {
        func number(_ random: inout SplitMix64) -> String {
            random.pick(["0", "1", "4", "8", "-1", "1.5", "1e3", "01", "18446744073709551616", "\(random.integer(0...64))"])
        }
        var members: [String] = []
        for index in 0..<random.integer(0...3) {
            if random.integer(0...3) == 0 {
                let checksum = random.pick(["fnv1a64:0000000000000000", "md5:1", "fnv1a64:zz", "\(random.next())"])
                members.append(#""__metadata__":{"vapo.checksum":"\#(checksum)"}"#)
                continue
            }
            let dtype = random.pick(["F32", "F64", "F16", "I64", "BOOL", "f32", ""])
            let shape = (0..<random.integer(0...3)).map { _ in number(&random) }.joined(separator: ",")
            let offsets = (0..<random.integer(1...3)).map { _ in number(&random) }.joined(separator: ",")
            members.append(#""t\#(index)":{"dtype":"\#(dtype)","shape":[\#(shape)],"data_offsets":[\#(offsets)]}"#)
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A file: the little-endian header length, the header's bytes, then `data`.
    static func header(_ text: String, data: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: UInt64(text.utf8.count).littleEndian) { Array($0) } + Array(text.utf8) + data
    }

    /// A checkpoint's content as text: names, dtypes, shapes, raw bits, and sorted metadata.
    static func describe(_ checkpoint: Checkpoint) -> String {
        let tensors = checkpoint.tensors.map { named -> String in
            let bits: [UInt64] = switch named.tensor {
            case .float(let t): t.scalars.map { UInt64($0.bitPattern) }
            case .double(let t): t.scalars.map(\.bitPattern)
            }
            return "\(named.name) \(named.tensor.dtype.rawValue) \(named.tensor.shape) \(bits)"
        }
        return tensors.joined(separator: "; ") + " | " + checkpoint.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
