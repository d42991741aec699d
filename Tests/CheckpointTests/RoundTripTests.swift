import Autograd
import Checkpoints
import Foundation
import PropertyBased
import PropertyTesting
import TestSupport
import Testing

@Suite("Checkpoint round trip and layout")
struct RoundTripTests {
    @Test("save then load returns every tensor bit for bit (NaN payloads, −0, empty, rank 0, Float and Double) and the same metadata")
    func roundTrip() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        await checkProperty(count: 200, input: Gen.int(in: 0...1_000_000)) { seed in
            let checkpoint = Fixtures.randomCheckpoint(seed: seed)
            let path = directory.appendingPathComponent("model.safetensors").path
            try checkpoint.write(to: path)
            let loaded = try Checkpoint.read(from: path)
            #expect(Fixtures.bits(loaded) == Fixtures.bits(checkpoint))
            #expect(loaded.metadata == checkpoint.metadata)
        }
    }

    @Test("a model-sized checkpoint (1M Float parameters and an unaligned Double tensor) round-trips bit for bit")
    func modelSized() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix64(state: UInt64(truncatingIfNeeded: 11))
        let weights = Tensor<Float>(shape: [1000, 1000], scalars: (0..<1_000_000).map { _ in Float(bitPattern: Fixtures.floatBits(&random)) })
        let odd = Tensor<Float>(shape: [3], scalars: [1, 2, 3])
        let state = Tensor<Double>(shape: [5], scalars: (0..<5).map { _ in Double(bitPattern: Fixtures.doubleBits(&random)) })
        let checkpoint = Checkpoint(tensors: [NamedTensor("w", weights), NamedTensor("odd", odd), NamedTensor("state", state)])
        let path = directory.appendingPathComponent("big.safetensors").path
        let clock = ContinuousClock()
        let writing = try clock.measure { try checkpoint.write(to: path) }
        var loaded: Checkpoint?
        let reading = try clock.measure { loaded = try Checkpoint.read(from: path) }
        #expect(Fixtures.bits(try #require(loaded)) == Fixtures.bits(checkpoint))
        print("4 MB checkpoint: write \(writing), read \(reading)")
    }

    @Test("the same tensors and metadata always give byte-identical files")
    func deterministic() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        await checkProperty(count: 100, input: Gen.int(in: 0...1_000_000)) { seed in
            let first = directory.appendingPathComponent("a.safetensors").path
            let second = directory.appendingPathComponent("b.safetensors").path
            try Fixtures.randomCheckpoint(seed: seed).write(to: first)
            try Fixtures.randomCheckpoint(seed: seed).write(to: second)
            #expect(FileManager.default.contents(atPath: first) == FileManager.default.contents(atPath: second))
            // Loading and writing again reproduces the file too.
            try Checkpoint.read(from: first).write(to: second)
            #expect(FileManager.default.contents(atPath: first) == FileManager.default.contents(atPath: second))
        }
    }

    @Test("the layout is: u64 LE header length, header JSON (metadata sorted first, tensors in given order) padded with spaces to 8, then the data")
    func layout() throws {
        let checkpoint = Checkpoint(
            tensors: [NamedTensor("b", Tensor<Float>(shape: [2], scalars: [1, -2])), NamedTensor("a", Tensor<Double>(shape: [], scalars: [0.5]))],
            metadata: ["z": "1", "config": "{}"])
        let bytes = try checkpoint.encoded()
        let length = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect(length % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        let expectedPrefix = #"{"__metadata__":{"config":"{}","vapo.checksum":"fnv1a64:"#
        #expect(header.hasPrefix(expectedPrefix))
        let tail = #""z":"1"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F64","shape":[],"data_offsets":[8,16]}}"#
        let trimmed = header.replacingOccurrences(of: " ", with: "")
        #expect(trimmed.hasSuffix(tail))
        #expect(header.count - trimmed.count < 8)
        #expect(Array(bytes[(8 + length)...]) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0, 0, 0, 0, 0, 0, 0xE0, 0x3F])
        let loaded = try Checkpoint(decoding: bytes)
        #expect(loaded.tensors.map(\.name) == ["b", "a"])
    }

    @Test("a file whose header lists tensors out of data order loads in data order (as the reference reader allows)")
    func headerOrder() throws {
        let header = #"{"second":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"first":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let bytes = Fixtures.crafted(header: header, data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
        let loaded = try Checkpoint(decoding: bytes, checksum: .ifPresent)
        #expect(loaded.tensors.map(\.name) == ["first", "second"])
        #expect(loaded.tensors.map { $0.tensor.floatTensor!.scalar } == [1, 2])
    }

    @Test("names escaped as other writers escape them (\\u with surrogate pairs, \\/) read as the same text; a lone surrogate is an invalid header")
    func escapes() throws {
        let entry = #"{"dtype":"F32","shape":[0],"data_offsets":[0,0]}"#
        let header = #"{"\u00e9\ud83d\ude42\/\"\\\b\f\n\r\t\u0001":\#(entry)}"#
        let loaded = try Checkpoint(decoding: Fixtures.crafted(header: header), checksum: .ifPresent)
        #expect(loaded.tensors.map(\.name) == ["é🙂/\"\\\u{8}\u{C}\n\r\t\u{1}"])
        for lone in [#"{"\ud83d":\#(entry)}"#, #"{"\ude42":\#(entry)}"#, #"{"\ud83dx":\#(entry)}"#] {
            #expect(Fixtures.errorCase { _ = try Checkpoint(decoding: Fixtures.crafted(header: lone), checksum: .ifPresent) } == "invalidHeader")
        }
    }

    @Test("writing rejects duplicate, empty or reserved tensor names and a caller-supplied checksum key")
    func invalidContent() {
        let t = Tensor<Float>(shape: [1], scalars: [1])
        for checkpoint in [
            Checkpoint(tensors: [NamedTensor("a", t), NamedTensor("a", t)]),
            Checkpoint(tensors: [NamedTensor("", t)]),
            Checkpoint(tensors: [NamedTensor("__metadata__", t)]),
            Checkpoint(tensors: [], metadata: [Checkpoint.checksumKey: "x"]),
        ] {
            #expect(Fixtures.errorCase { _ = try checkpoint.encoded() } == "invalidContent")
        }
    }
}
