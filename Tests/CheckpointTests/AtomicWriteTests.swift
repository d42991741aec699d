import Autograd
import Checkpoints
import Foundation
import Testing

@Suite("Atomic checkpoint writes")
struct AtomicWriteTests {
    static func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test("writing over an existing checkpoint replaces it whole and leaves no temporary file")
    func overwrite() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        try Fixtures.randomCheckpoint(seed: 1).write(to: path)
        try Fixtures.small.write(to: path)
        #expect(Self.contents(path) == Data(try Fixtures.small.encoded()))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
    }

    @Test("writing into a missing directory is an 'io' error naming the path, and creates nothing")
    func missingParent() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("missing/model.safetensors").path
        #expect(Fixtures.errorCase { try Fixtures.small.write(to: path) } == "io")
        do { try Fixtures.small.write(to: path) } catch { #expect("\(error)".contains(path)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("a write that fails after the temporary file is complete (rename refused) leaves what was at the path intact and no temporary file")
    func renameFails() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The target is a non-empty directory: the temporary file is written and fsynced, then rename fails.
        let target = directory.appendingPathComponent("model.safetensors")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let inner = target.appendingPathComponent("old.safetensors").path
        try Fixtures.small.write(to: inner)
        let before = Self.contents(inner)
        #expect(Fixtures.errorCase { try Fixtures.randomCheckpoint(seed: 7).write(to: target.path) } == "io")
        #expect(Self.contents(inner) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
        #expect(try Checkpoint.read(from: inner).metadata == Fixtures.small.metadata)
    }

    @Test("a write that fails before the temporary file exists (name too long for it) leaves the old checkpoint intact")
    func temporaryCannotBeCreated() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 250 bytes fit a file name (255), but not ".<name>.tmp-<pid>".
        let path = directory.appendingPathComponent(String(repeating: "m", count: 250)).path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(try Fixtures.small.encoded())))
        let before = Self.contents(path)
        #expect(Fixtures.errorCase { try Fixtures.randomCheckpoint(seed: 3).write(to: path) } == "io")
        #expect(Self.contents(path) == before)
        #expect(try Checkpoint.read(from: path).metadata == Fixtures.small.metadata)
    }
}
