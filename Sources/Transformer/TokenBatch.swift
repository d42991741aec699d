// Specs/model.md, "Forward pass": the input token ids.
/// Token ids of `batch` sequences of equal `length`, row-major [batch, length].
public struct TokenBatch: Sendable, Hashable {
    /// Row-major ids: token t of sequence b is `ids[b * length + t]`.
    public let ids: [Int]
    /// Number of sequences.
    public let batch: Int
    /// Tokens per sequence.
    public let length: Int

    /// A batch from row-major ids.
    public init(ids: [Int], batch: Int, length: Int) {
        precondition(batch >= 0 && length >= 0 && ids.count == batch * length, "TokenBatch: \(ids.count) ids for [\(batch), \(length)]")
        self.ids = ids
        self.batch = batch
        self.length = length
    }

    /// A batch from rows of equal length.
    public init(_ rows: [[Int]]) {
        let length = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == length }, "TokenBatch: rows of different lengths \(rows.map(\.count))")
        self.init(ids: rows.flatMap { $0 }, batch: rows.count, length: length)
    }

    /// Token t of sequence b.
    public subscript(b: Int, t: Int) -> Int { ids[b * length + t] }
}
