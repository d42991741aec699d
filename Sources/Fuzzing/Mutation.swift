// Specs/reliability.md, "Fuzzing": the byte-level mutations.
import TestSupport

/// Byte-level mutations shared by the targets: each picks its positions and values from `random`.
enum Mutation {
    /// Applies 1...4 random mutations (bit flips, byte overwrites, insertions, deletions, truncation,
    /// duplication of a slice, an interesting value written over a byte) to `bytes`.
    static func mutate(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var out = bytes
        for _ in 0..<random.integer(1...4) {
            let position = out.isEmpty ? 0 : random.index(out.count)
            switch random.integer(0...6) {
            case 0 where !out.isEmpty: out[position] ^= 1 << UInt8(random.integer(0...7))
            case 1 where !out.isEmpty: out[position] = UInt8(truncatingIfNeeded: random.next())
            case 2: out.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
            case 3 where !out.isEmpty: out.remove(at: position)
            case 4: out = Array(out[..<position])
            case 5 where !out.isEmpty:
                let end = min(out.count, position + random.integer(1...16))
                out.insert(contentsOf: out[position..<end], at: random.index(out.count))
            case 6 where !out.isEmpty: out[position] = random.pick([0, 0x7F, 0x80, 0xFF, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x2C, 0x3A, 0x30, 0x2D])
            default: break
            }
        }
        return out
    }

    /// The first `random` part of `a` followed by a `random` tail of `b`.
    static func splice(_ a: [UInt8], _ b: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        Array(a[..<random.integer(0...a.count)]) + Array(b[random.integer(0...b.count)...])
    }
}
