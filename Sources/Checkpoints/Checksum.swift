// Specs/checkpoints.md, "Checksum".
/// The checksum stored under `vapo.checksum`: FNV-1a 64 over the canonical header (the header this
/// library would write for the same tensors and metadata, without the checksum entry and padding)
/// followed by the data section, written `fnv1a64:` + 16 lowercase hex digits.
///
/// Why FNV-1a: each step `h = (h ^ byte) &* prime` is a bijection of `h` for a fixed byte (the prime is
/// odd), so two inputs of equal length that differ in one byte always give different digests: every
/// single-byte corruption of the data is detected, not just most. Covering the canonical header too
/// means a corrupted name, shape or metadata value is detected even when it still parses.
enum Checksum {
    static let prefix = "fnv1a64:"

    static func fnv1a64<Bytes: Sequence<UInt8>>(_ bytes: Bytes, continuing start: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var hash = start
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// The stored text of the digest of `canonicalHeader` followed by `data`.
    static func text(canonicalHeader: [UInt8], data: ArraySlice<UInt8>) -> String {
        let digest = fnv1a64(data, continuing: fnv1a64(canonicalHeader))
        let hex = String(digest, radix: 16)
        return prefix + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether `value` has the form this library writes.
    static func isWellFormed(_ value: String) -> Bool {
        guard value.hasPrefix(prefix) else { return false }
        let digits = value.utf8.dropFirst(prefix.utf8.count)
        return digits.count == 16 && digits.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
