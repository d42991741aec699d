import Autograd
import Checkpoints
import Foundation
import PropertyBased
import PropertyTesting
import Testing

/// Interoperability with an independent implementation: Python's json and numpy, nothing of ours.
@Suite("Checkpoints and an independent Python reader")
struct PythonReaderTests {
    /// Reads a safetensors file with json + numpy.frombuffer and prints its content as JSON: metadata,
    /// then tensors in data order with their bit patterns in hex (so NaN payloads and −0 are compared).
    static let reader = #"""
    import json, struct, sys
    import numpy as np
    raw = open(sys.argv[1], 'rb').read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    metadata = header.pop('__metadata__', {})
    data = raw[8 + n:]
    kinds = {'F32': ('<f4', '<u4'), 'F64': ('<f8', '<u8')}
    tensors = []
    for name, info in sorted(header.items(), key=lambda item: item[1]['data_offsets']):
        begin, end = info['data_offsets']
        values = np.frombuffer(data[begin:end], dtype=kinds[info['dtype']][0]).reshape(info['shape'])
        bits = values.reshape(-1).view(kinds[info['dtype']][1])
        tensors.append({'name': name, 'dtype': info['dtype'], 'shape': list(values.shape), 'bits': ['%x' % b for b in bits]})
    print(json.dumps({'metadata': metadata, 'tensors': tensors}))
    """#

    /// Writes a file the way the reference writer does (tensors sorted by name, header padded to 8), with
    /// numpy's bytes and no checksum.
    static let writer = #"""
    import json, struct, sys
    import numpy as np
    arrays = {'w': np.array([[1.5, -0.0], [np.nan, 2.0]], dtype='<f4'), 'b': np.arange(3, dtype='<f8'), 'e': np.zeros((0, 2), dtype='<f4')}
    header, data = {'__metadata__': {'format': 'pt'}}, b''
    for name in sorted(arrays):
        a = arrays[name]
        header[name] = {'dtype': {'float32': 'F32', 'float64': 'F64'}[str(a.dtype)], 'shape': list(a.shape), 'data_offsets': [len(data), len(data) + a.nbytes]}
        data += a.tobytes()
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)
    open(sys.argv[1], 'wb').write(struct.pack('<Q', len(text)) + text + data)
    """#

    struct Decoded: Decodable, Equatable {
        struct Entry: Decodable, Equatable {
            var name: String
            var dtype: String
            var shape: [Int]
            var bits: [String]
        }
        var metadata: [String: String]
        var tensors: [Entry]
    }

    /// Runs `script` with python3; a missing python3 or numpy fails the test with the reason.
    ///
    /// The child writes to files, not pipes: a blocking pipe read can be interrupted (EINTR) by a signal from
    /// another test's child process, which Foundation's `readDataToEndOfFile` turns into a crash, and reading
    /// one pipe to its end while the other fills could deadlock.
    static func runPython(_ script: String, _ argument: String) throws -> String? {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("stdout"), errorsURL = directory.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
            FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
        else {
            Issue.record("could not create output files in \(directory.path)")
            return nil
        }
        let output = try FileHandle(forWritingTo: outputURL), errors = try FileHandle(forWritingTo: errorsURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, argument]
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        try output.close()
        try errors.close()
        let text = String(decoding: try Data(contentsOf: outputURL), as: UTF8.self)
        let failure = String(decoding: try Data(contentsOf: errorsURL), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            Issue.record("python3 with numpy is required for this test and failed (status \(process.terminationStatus)): \(failure)")
            return nil
        }
        return text
    }

    @Test("numpy reads every tensor of our files bit for bit, and json reads the metadata")
    func pythonReadsOurFiles() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        await checkProperty(count: 15, input: Gen.int(in: 0...1_000_000)) { seed in
            let checkpoint = Fixtures.randomCheckpoint(seed: seed)
            try checkpoint.write(to: path)
            guard let output = try Self.runPython(Self.reader, path) else { return }
            let decoded = try JSONDecoder().decode(Decoded.self, from: Data(output.utf8))
            let expected = checkpoint.tensors.map { named in
                let bits: [String] = switch named.tensor {
                case .float(let t): t.scalars.map { String($0.bitPattern, radix: 16) }
                case .double(let t): t.scalars.map { String($0.bitPattern, radix: 16) }
                }
                return Decoded.Entry(name: named.name, dtype: named.tensor.dtype.rawValue, shape: named.tensor.shape, bits: bits)
            }
            #expect(decoded.tensors == expected)
            #expect(decoded.metadata.filter { $0.key != Checkpoint.checksumKey } == checkpoint.metadata)
            #expect(decoded.metadata[Checkpoint.checksumKey]?.hasPrefix("fnv1a64:") == true)
        }
    }

    @Test("we read a file written by numpy and json (reference ordering, no checksum) when the checksum is optional, and refuse it when required")
    func weReadPythonFiles() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("numpy.safetensors").path
        guard try Self.runPython(Self.writer, path) != nil else { return }
        let loaded = try Checkpoint.read(from: path, checksum: .ifPresent)
        #expect(Fixtures.bits(loaded) == [
            "b F64 [3] [0, \(1.0.bitPattern), \(2.0.bitPattern)]",
            "e F32 [0, 2] []",
            "w F32 [2, 2] [\(Float(1.5).bitPattern), \((-0.0 as Float).bitPattern), \(Float.nan.bitPattern), \(Float(2).bitPattern)]",
        ])
        #expect(loaded.metadata == ["format": "pt"])
        #expect(Fixtures.errorCase { _ = try Checkpoint.read(from: path) } == "checksumMissing")
    }
}
