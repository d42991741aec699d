import ExactReferences
import Foundation
import Testing

@Suite("Golden vectors")
struct GoldenVectorTests {
    /// Specs/golden of this checkout.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Specs/golden")

    @Test("Regenerating the golden files reproduces every committed Specs/golden/*.json byte for byte, and no other")
    func regeneratesByteForByte() throws {
        let generated = GoldenVectors.files()
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }
        #expect(committed.sorted() == generated.map(\.name).sorted())
        for (name, contents) in generated {
            let onDisk = try Data(contentsOf: Self.directory.appendingPathComponent(name))
            #expect(onDisk == Data(contents.utf8), "\(name) differs; regenerate with `swift run -c release golden-vectors`")
        }
    }

    @Test("Every golden file is valid JSON and every string in an exact field parses as a canonical rational")
    func filesParse() throws {
        let textFields: Set = ["name", "description", "aggregation"]
        func check(_ value: Any, key: String?) {
            switch value {
            case let s as String where key.map { !textFields.contains($0) } ?? true:
                #expect(Rational(s)?.description == s, "\(key ?? "?"): \(s)")
            case let array as [Any]: array.forEach { check($0, key: key) }
            case let object as [String: Any]: object.forEach { check($1, key: $0) }
            default: break
            }
        }
        for (name, contents) in GoldenVectors.files() {
            let document = try JSONSerialization.jsonObject(with: Data(contents.utf8))
            #expect((document as? [String: Any])?["cases"] is [Any], "\(name)")
            check(document, key: nil)
        }
    }
}
