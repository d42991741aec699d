import Autograd
import Checkpoints
import Foundation
import PropertyBased
import PropertyTesting
import TestSupport
import Testing

@Suite("Corrupted checkpoint files")
struct CorruptionTests {
    @Test("every truncation of a checkpoint, at every byte, is a 'truncated' error")
    func everyTruncation() throws {
        let bytes = try Fixtures.small.encoded()
        for length in 0..<bytes.count {
            #expect(Fixtures.errorCase { _ = try Checkpoint(decoding: Array(bytes[0..<length])) } == "truncated", "length \(length)")
        }
    }

    @Test("a random checkpoint truncated at a random point is a 'truncated' error")
    func randomTruncation() async {
        await checkProperty(count: 200, input: Gen.int(in: 0...1_000_000), Gen.double(in: 0...1)) { seed, fraction in
            let bytes = try Fixtures.randomCheckpoint(seed: seed).encoded()
            let length = min(bytes.count - 1, Int(fraction * Double(bytes.count)))
            #expect(Fixtures.errorCase { _ = try Checkpoint(decoding: Array(bytes[0..<length])) } == "truncated")
        }
    }

    @Test("every single-bit flip anywhere in a checkpoint is an error, never a crash or a silent load")
    func everyBitFlip() throws {
        let bytes = try Fixtures.small.encoded()
        var kinds: [String: Int] = [:]
        for index in bytes.indices {
            for bit in 0..<8 {
                var corrupted = bytes
                corrupted[index] ^= 1 << bit
                let kind = Fixtures.errorCase { _ = try Checkpoint(decoding: corrupted) }
                #expect(kind != "none" && !kind.hasPrefix("not a"), "byte \(index) bit \(bit): \(kind)")
                kinds[kind, default: 0] += 1
            }
        }
        print("bit flips of a \(bytes.count)-byte file:", kinds.sorted { $0.key < $1.key })
    }

    @Test("a random bit flip in the data of a random checkpoint is a checksum mismatch")
    func dataBitFlip() async {
        await checkProperty(count: 300, input: Gen.int(in: 0...1_000_000), Gen.int(in: 0...Int(Int32.max)), Gen.int(in: 0...7)) { seed, position, bit in
            let bytes = try Fixtures.randomCheckpoint(seed: seed).encoded()
            let dataStart = 8 + Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            guard dataStart < bytes.count else { return }  // no data to corrupt
            var corrupted = bytes
            corrupted[dataStart + position % (bytes.count - dataStart)] ^= 1 << bit
            #expect(Fixtures.errorCase { _ = try Checkpoint(decoding: corrupted) } == "checksumMismatch")
        }
    }

    @Test("a random bit flip in the header of a random checkpoint is a clear error, or spells the same content another way (the case of an escape's hex digit) and loads exactly the original")
    func headerBitFlip() async {
        await checkProperty(count: 300, input: Gen.int(in: 0...1_000_000), Gen.int(in: 0...Int(Int32.max)), Gen.int(in: 0...7)) { seed, position, bit in
            let bytes = try Fixtures.randomCheckpoint(seed: seed).encoded()
            let dataStart = 8 + Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            var corrupted = bytes
            corrupted[position % dataStart] ^= 1 << bit
            let kind = Fixtures.errorCase { _ = try Checkpoint(decoding: corrupted) }
            if kind == "none" {
                // `\u001f` → `\u001F`: the same header text to JSON, so the checksum (over the canonical header)
                // rightly matches; what loads must then be the original, byte for byte once re-encoded.
                #expect(try Checkpoint(decoding: corrupted).encoded() == bytes, "a flip at \(position % dataStart) loaded other content")
            } else {
                #expect(!kind.hasPrefix("not a"), "\(kind)")
            }
        }
    }

    @Test("each malformed header is its named error, and the message names the file")
    func craftedErrors() {
        let f32 = #""dtype":"F32","shape":[1]"#
        let cases: [(String, [UInt8])] = [
            ("truncated", [1, 2, 3]),
            ("truncated", Fixtures.crafted(header: "{}", length: 100)),
            ("truncated", Fixtures.crafted(header: #"{"a":{\#(f32),"data_offsets":[0,4]}}"#, data: [0, 0])),
            ("headerTooLarge", Fixtures.crafted(header: "{}", length: 1 << 40)),
            ("invalidHeader", Fixtures.crafted(header: "{\u{FF}}").map { $0 == 0xC3 ? 0xFF : $0 }),
            ("invalidHeader", Fixtures.crafted(header: "{")),
            ("invalidHeader", Fixtures.crafted(header: "{} x")),
            ("invalidHeader", Fixtures.crafted(header: "[]")),
            ("invalidHeader", Fixtures.crafted(header: #"{"a":1}"#)),
            ("invalidHeader", Fixtures.crafted(header: #"{"__metadata__":{"k":1}}"#)),
            ("invalidHeader", Fixtures.crafted(header: #"{"a":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
            ("invalidHeader", Fixtures.crafted(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#)),
            ("invalidHeader", Fixtures.crafted(header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#)),
            ("invalidHeader", Fixtures.crafted(header: #"{"a":{\#(f32),"data_offsets":[0]}}"#)),
            ("invalidHeader", Fixtures.crafted(header: #"{"a":{\#(f32),"data_offsets":[0,4],"extra":0}}"#)),
            ("invalidHeader", Fixtures.crafted(header: #"{"a":{\#(f32),"data_offsets":[0,4]},"a":{\#(f32),"data_offsets":[4,8]}}"#)),
            ("invalidHeader", Fixtures.crafted(header: #"{"a":{\#(f32),"data_offsets":[00,4]}}"#)),
            ("invalidHeader", Fixtures.crafted(header: String(repeating: "[", count: 10_000))),
            ("invalidHeader", Fixtures.crafted(header: #"{"a":{"dtype":"F32","shape":[99999999999,99999999999,99999999999],"data_offsets":[0,4]}}"#)),
            ("unsupportedDType", Fixtures.crafted(header: #"{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, data: [0, 0])),
            ("unsupportedDType", Fixtures.crafted(header: #"{"a":{"dtype":"XYZ","shape":[1],"data_offsets":[0,2]}}"#, data: [0, 0])),
            ("sizeMismatch", Fixtures.crafted(header: #"{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, data: Array(repeating: 0, count: 20))),
            ("badOffsets", Fixtures.crafted(header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}"#)),
            ("badOffsets", Fixtures.crafted(header: #"{"a":{\#(f32),"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8))),
            ("badOffsets", Fixtures.crafted(header: #"{"a":{\#(f32),"data_offsets":[0,4]},"b":{\#(f32),"data_offsets":[8,12]}}"#, data: Array(repeating: 0, count: 12))),
            ("badOffsets", Fixtures.crafted(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{\#(f32),"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8))),
            ("trailingData", Fixtures.crafted(header: #"{"a":{\#(f32),"data_offsets":[0,4]}}"#, data: Array(repeating: 0, count: 5))),
            ("checksumMissing", Fixtures.crafted(header: #"{"a":{\#(f32),"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
            ("unsupportedChecksum", Fixtures.crafted(header: #"{"__metadata__":{"vapo.checksum":"md5:00"}}"#)),
            ("checksumMismatch", Fixtures.crafted(header: #"{"__metadata__":{"vapo.checksum":"fnv1a64:0000000000000000"}}"#)),
        ]
        for (expected, bytes) in cases {
            #expect(Fixtures.errorCase { _ = try Checkpoint(decoding: bytes, path: "crafted.safetensors") } == expected, "\(bytes.count) bytes")
            do { _ = try Checkpoint(decoding: bytes, path: "crafted.safetensors") } catch {
                #expect("\(error)".contains("crafted.safetensors"), "\(error)")
            }
        }
    }

    @Test("arbitrary bytes, and valid files with several random bytes overwritten, give an error or a checkpoint, never a crash")
    func arbitraryBytes() async {
        await checkProperty(count: 500, input: Gen.int(in: 0...255).array(of: 0...64), Gen.int(in: 0...1_000_000)) { noise, seed in
            _ = Fixtures.errorCase { _ = try Checkpoint(decoding: noise.map(UInt8.init), checksum: .ifPresent) }
            var bytes = try Fixtures.randomCheckpoint(seed: seed).encoded()
            var random = SplitMix64(state: UInt64(truncatingIfNeeded: seed))
            for byte in noise { bytes[random.integer(0...(bytes.count - 1))] = UInt8(byte) }
            let kind = Fixtures.errorCase { _ = try Checkpoint(decoding: bytes) }
            #expect(!kind.hasPrefix("not a"))
        }
    }

    @Test("a file of another format (wrong magic: PNG, ZIP, GGUF, NumPy, a PyTorch pickle, JSON text) or an empty one is a one-line error naming the file, never a load")
    func otherFormats() {
        let cases: [(String, [UInt8], String)] = [
            ("png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "headerTooLarge"),
            ("zip", Array("PK\u{3}\u{4}".utf8) + [0x14, 0, 0, 0, 8, 0], "headerTooLarge"),
            ("gguf", Array("GGUF".utf8) + [3, 0, 0, 0, 0, 0, 0, 0], "headerTooLarge"),
            ("npy", [0x93] + Array("NUMPY".utf8) + [1, 0, 0x76, 0], "headerTooLarge"),
            ("pt", [0x80, 0x02, 0x7D, 0x71, 0x00, 0x28, 0x58, 0x04], "headerTooLarge"),
            ("json", Array(#"{"a": [1, 2, 3]}"#.utf8), "headerTooLarge"),
            ("empty", [], "truncated"),
            ("short", Array("safetensors".utf8.prefix(7)), "truncated"),
        ]
        for (name, bytes, expected) in cases {
            let path = "model.\(name)"
            #expect(Fixtures.errorCase { _ = try Checkpoint(decoding: bytes, path: path) } == expected, "\(name)")
            do { _ = try Checkpoint(decoding: bytes, path: path) } catch {
                #expect("\(error)".contains(path) && !"\(error)".contains("\n"), "\(error)")
            }
        }
    }

    @Test("reading a missing file is 'fileMissing' naming the path")
    func missingFile() {
        let path = "/nonexistent-\(UUID().uuidString)/model.safetensors"
        #expect(Fixtures.errorCase { _ = try Checkpoint.read(from: path) } == "fileMissing")
        do { _ = try Checkpoint.read(from: path) } catch { #expect("\(error)".contains(path)) }
    }
}
