import Autograd
import Checkpoints
import Foundation
import Testing
import TestSupport
import VAPO

@testable import VapoCLI

/// `vapo export --format verl|nemo-rl` as its user runs it: the built `vapo` in a child process.
@Suite("vapo export (engine configurations)")
struct EngineExportCommandTests {
    /// A scratch folder with `train.safetensors` (a checkpoint whose metadata holds the vapo preset's
    /// configuration, as `vapo train` writes it) and `bare.safetensors` (a checkpoint without one).
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vapo-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let tensor = NamedTensor("policy.w", .float(Tensor(shape: [1], scalars: [0])))
        let configuration = String(decoding: TrainingConfiguration().jsonData(), as: UTF8.self)
        try Checkpoint(tensors: [tensor], metadata: ["vapo.configuration": configuration]).write(to: url.appendingPathComponent("train.safetensors").path)
        try Checkpoint(tensors: [tensor], metadata: [:]).write(to: url.appendingPathComponent("bare.safetensors").path)
        return url
    }

    @Test("--format verl --out FILE writes the YAML the engine configuration gives and prints what verl cannot express; --format nemo-rl likewise")
    func writes() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let checkpoint = scratch.appendingPathComponent("train.safetensors").path
        for format in [ExportFormat.verl, .nemoRL] {
            let out = scratch.appendingPathComponent("\(format.rawValue).yaml")
            let result = try ChildProcess.run(["export", "--checkpoint", checkpoint, "--format", format.rawValue, "--out", out.path])
            #expect(result.status == 0, "\(result.errors)")
            let expected = try ExportCommand.parse(["--checkpoint", checkpoint, "--format", format.rawValue]).engineConfiguration(format)
            #expect(try String(contentsOf: out, encoding: .utf8) == expected.yaml)
            #expect(result.lines.first == "wrote \(out.path) (\(format.rawValue))")
            #expect(Array(result.lines.dropFirst(2).dropLast()) == expected.inexpressible.map { "  - " + $0 })
        }
    }

    @Test("bad input: an unknown --format, an existing --out, a checkpoint without a training configuration, a missing checkpoint: one line naming it and what is allowed, exit 1, the existing file untouched")
    func badInput() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let train = scratch.appendingPathComponent("train.safetensors").path
        let existing = scratch.appendingPathComponent("existing.yaml")
        try Data("mine\n".utf8).write(to: existing)
        let cases: [([String], [String])] = [
            (["--checkpoint", train, "--format", "onnx"], ["onnx", "verl", "nemo-rl"]),
            (["--checkpoint", train, "--format", "verl", "--out", existing.path], ["--out", existing.path, "already exists"]),
            (["--checkpoint", scratch.appendingPathComponent("bare.safetensors").path, "--format", "verl"], ["bare.safetensors", "no training configuration", "allowed"]),
            (["--checkpoint", scratch.appendingPathComponent("none.safetensors").path, "--format", "nemo-rl"], ["none.safetensors", "does not exist", "allowed"]),
        ]
        for (arguments, mentions) in cases {
            let result = try ChildProcess.run(["export"] + arguments)
            #expect(result.status == 1, "\(arguments)")
            let lines = result.errors.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2 && lines[1].isEmpty && lines[0].hasPrefix("Error: "), "\(result.errors)")
            for text in mentions { #expect(result.firstErrorLine.contains(text), "\(result.firstErrorLine) should name \(text)") }
            #expect(result.output.isEmpty, "\(arguments)")
        }
        #expect(try String(contentsOf: existing, encoding: .utf8) == "mine\n")
    }
}
