import Foundation
import TestSupport
import Testing
import Training
import Transformer

/// Every size and count that sets memory has an upper bound, checked before anything is allocated or written
/// (issue item 9: `vapo sft --width 100000` used to abort in the allocator and leave an empty folder).
@Suite("Size limits")
struct SizeLimitTests {
    /// Each bounded field of `GPTConfiguration` and its largest allowed value.
    static let fieldBounds: [(field: String, bound: Int)] = [
        ("layers", 128), ("width", 4096), ("heads", 256), ("context", 4096), ("vocabulary", 65536), ("tokenFeatures", 256),
    ]

    /// A one-layer model of width 256 (which every allowed head count up to 256 divides, so that only `field`
    /// can be out of range) with `field` set to `value`; width is set with a single head.
    static func model(_ field: String, _ value: Int) -> GPTConfiguration {
        var c = GPTConfiguration(layers: 1, width: 256, heads: 2, context: 16, vocabulary: 26)
        switch field {
        case "layers": c.layers = value
        case "width": (c.width, c.heads) = (value, 1)
        case "heads": c.heads = value
        case "context": c.context = value
        case "vocabulary": c.vocabulary = value
        case "tokenFeatures": c.tokenFeatures = value
        default: Issue.record("no field \(field)")
        }
        return c
    }

    @Test("each size field of a model accepts its bound and rejects the first value above it, naming the field and the range", arguments: fieldBounds)
    func fieldBound(field: String, bound: Int) {
        #expect(throws: Never.self) { try Self.model(field, bound).validated() }
        let lowest = field == "tokenFeatures" ? 0 : 1
        #expect(throws: GPTConfigurationError.outOfRange(field: field, value: bound + 1, allowed: "\(lowest)...\(bound)")) {
            try Self.model(field, bound + 1).validated()
        }
    }

    @Test("a model of more than 2^28 parameters is an error naming layers and the most that fit at its width; the most that fit is accepted")
    func parameterBound() throws {
        let within = GPTConfiguration(layers: 5, width: 2048, heads: 16, context: 128, vocabulary: 26)
        var over = within
        over.layers = 6
        #expect(within.parameterCount(head: .languageModel) <= 1 << 28)
        #expect(over.parameterCount(head: .languageModel) > 1 << 28)
        #expect(throws: Never.self) { try within.validated() }
        #expect(throws: GPTConfigurationError.outOfRange(field: "layers", value: 6, allowed: "1...5 (at most 268435456 parameters at width 2048)")) {
            try over.validated()
        }
    }

    @Test("a model whose embeddings and one layer exceed 2^28 parameters is an error naming width and the widest one-layer model that fits, which is accepted")
    func parameterBoundOnWidth() throws {
        let within = GPTConfiguration(layers: 1, width: 1722, heads: 2, context: 4096, vocabulary: 65536)
        var over = within
        (over.width, over.heads) = (1723, 1)
        #expect(within.parameterCount(head: .languageModel) <= 1 << 28)
        #expect(over.parameterCount(head: .languageModel) > 1 << 28)
        #expect(throws: Never.self) { try within.validated() }
        let allowed = "1...1722 (at most 268435456 parameters with 1 layer, context 4096, vocabulary 65536)"
        #expect(throws: GPTConfigurationError.outOfRange(field: "width", value: 1723, allowed: allowed)) { try over.validated() }
        over.width = 4096
        #expect(throws: GPTConfigurationError.outOfRange(field: "width", value: 4096, allowed: allowed)) { try over.validated() }
    }

    @Test("the activation estimate of a pass is 2 · sequences · length · (layers · (18·width + heads·length) + 3·width + 2·vocabulary)")
    func activationEstimate() {
        #expect(GPTConfiguration().activationScalars(sequences: 1, length: 85) == 2 * 85 * (4 * (18 * 128 + 4 * 85) + 3 * 128 + 2 * 26))
        #expect(GPTConfiguration().activationScalars(sequences: 3, length: 10) == 3 * GPTConfiguration().activationScalars(sequences: 1, length: 10))
    }

    @Test("an SFT batch whose activations exceed 2^30 scalars is an error naming batchSize and the most sequences that fit; that many is accepted")
    func batchBound() throws {
        var c = SFTConfiguration()  // the default model, sequences of 85 tokens: 1,872,040 scalars each
        c.batchSize = 573
        #expect(throws: Never.self) { try c.validated() }
        c.batchSize = 574
        #expect(throws: SFTConfigurationError(
            field: "batchSize", value: "574", allowed: "1...573 (sequences of 85 tokens of this model: activations at most 1073741824 scalars)")
        ) { try c.validated() }
    }

    @Test("an SFT sequence whose activations alone exceed 2^30 scalars is an error naming sequenceLength and the longest that fits; that length is accepted")
    func sequenceBound() throws {
        var c = SFTConfiguration()
        c.model = GPTConfiguration(layers: 128, width: 256, heads: 256, context: 4096, vocabulary: 26)
        c.batchSize = 1
        c.sequenceLength = 4096
        #expect(throws: SFTConfigurationError(
            field: "sequenceLength", value: "4096", allowed: "85...119 (with this model: the activations of one sequence at most 1073741824 scalars)")
        ) { try c.validated() }
        c.sequenceLength = 119
        #expect(throws: Never.self) { try c.validated() }
        c.sequenceLength = 120
        #expect(throws: SFTConfigurationError.self) { try c.validated() }
    }

    @Test("an SFT evaluation of more than 2^20 sampled responses (evalProblems × evalSamples) is an error naming evalSamples and its range; 2^20 is accepted")
    func evaluationBound() throws {
        var c = SFTConfiguration()
        (c.evalProblems, c.evalSamples) = (1024, 1024)
        #expect(throws: Never.self) { try c.validated() }
        c.evalProblems = 1025
        #expect(throws: SFTConfigurationError(
            field: "evalSamples", value: "1024", allowed: "1...1023 (evalProblems × evalSamples, the evaluation's sampled responses, at most 1048576)")
        ) { try c.validated() }
    }

    @Test("a model size of 100000 (vapo sft --width, --layers, --context; vapo train --width, with --fresh or a short SFT) is refused within seconds: a non-zero exit, a first line naming it and its allowed range, and no --out folder", arguments: [
        (["sft", "--width", "100000", "--steps", "1"], "--width is 100000; allowed: 1...4096"),
        (["sft", "--layers", "100000", "--steps", "1"], "--layers is 100000; allowed: 1...128"),
        (["sft", "--context", "100000", "--steps", "1"], "--context is 100000; allowed: 1...4096"),
        (["train", "--fresh", "--width", "100000", "--steps", "1"], "--width is 100000; allowed: 1...4096"),
        (["train", "--width", "100000", "--steps", "1"], "--width is 100000; allowed: 1...4096"),
    ])
    func hugeModelFlags(arguments: [String], message: String) throws {
        let scratch = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out")
        let result = try ChildProcess.run(arguments + ["--out", out.path], timeout: 20)  // a Failure if still running
        #expect(result.status != 0)
        #expect(result.firstErrorLine == "Error: " + message, "\(result.firstErrorLine)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "--out folder created")
    }
}
