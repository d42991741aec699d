// Specs/reliability.md, "Determinism scope": sorted keys, so files are byte-identical.
import Foundation

/// The encoders of the files the commands write: sorted keys, so the same values give the same bytes.
extension JSONEncoder {
    /// An encoder with sorted keys: deterministic bytes.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// An encoder with sorted keys, indented: deterministic bytes a person can read.
    static var pretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}
