import Foundation
import Testing
import Kernels

/// Philox4x32-10 against published vectors, and the key derivation of named and indexed streams against
/// Verification/Random/philox_reference.py (an independent Python implementation).
@Suite("Random: Philox and streams")
struct PhiloxTests {
    @Test("Philox4x32-10 reproduces Random123's published known-answer vectors")
    func knownAnswers() {
        // Random123 tests/kat_vectors, the three "philox4x32 10" lines: counter (4 words), key (2), expected (4).
        let vectors: [(SIMD4<UInt32>, SIMD2<UInt32>, SIMD4<UInt32>)] = [
            (SIMD4(0, 0, 0, 0), SIMD2(0, 0), SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8)),
            (SIMD4(repeating: 0xffff_ffff), SIMD2(repeating: 0xffff_ffff),
             SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd)),
            (SIMD4(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), SIMD2(0xa409_3822, 0x299f_31d0),
             SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1)),
        ]
        for (counter, key, expected) in vectors {
            #expect(Philox.block(counter, key: key) == expected)
        }
    }

    @Test("each of the 16 lanes of Philox.blocks is the block of its own counter")
    func lanesAreIndependent() {
        let key = SIMD2<UInt32>(0xa409_3822, 0x299f_31d0)
        var counters = Philox.Blocks16(.zero, .zero, .zero, .zero)
        for lane in 0..<16 {
            counters.w0[lane] = UInt32(lane) &* 0x9E37_79B9
            counters.w1[lane] = 0x243f_6a88 &+ UInt32(lane)
            counters.w2[lane] = UInt32(lane * lane)
            counters.w3[lane] = 0xffff_ffff &- UInt32(lane)
        }
        let out = Philox.blocks(counters, key: key)
        for lane in 0..<16 {
            #expect(out[lane] == Philox.block(counters[lane], key: key))
        }
    }

    @Test("block c of a stream is Philox of counter (lo32 c, hi32 c, 0, 0) under key (lo32 k, hi32 k)")
    func blockAddressing() {
        let stream = RandomStream(key: 0x0123_4567_89ab_cdef)
        let expected = SIMD4<UInt32>(0xb8b2_43f7, 0xda8f_b9a8, 0x4600_4299, 0xe54c_389c)  // reference script
        #expect(stream.block(at: 0x1_0000_0005) == expected)
        #expect(Philox.block(SIMD4(5, 1, 0, 0), key: SIMD2(0x89ab_cdef, 0x0123_4567)) == expected)
        // A 16-block batch crossing a 2^32 boundary carries into the high counter word.
        let batch = stream.blocks(from: 0xffff_fff8)
        for lane in 0..<16 { #expect(batch[lane] == stream.block(at: 0xffff_fff8 + UInt64(lane))) }
    }

    @Test("names are hashed with 64-bit FNV-1a of their UTF-8 bytes (published test vectors)")
    func fnv1a() {
        #expect(RandomStream.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(RandomStream.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(RandomStream.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test("named and indexed streams have the keys of the independent Python derivation")
    func keyDerivationGolden() {
        #expect(RandomStream(seed: 42).key == 42)
        #expect(RandomStream(seed: 42, name: "layer0.weight").key == 0x4ef9_b437_abfe_7f8f)
        #expect(RandomStream(seed: 42, name: "layer0.weight").child("bias").key == 0x61fd_93af_e07a_4ac5)
        #expect(RandomStream(seed: 42).child(7).child(3).key == 0x27af_35a9_351e_7c52)
    }

    @Test("the same (seed, name) gives the same stream; different names, seeds or indices give different ones")
    func streamIdentity() {
        let a = RandomStream(seed: 7, name: "policy.init")
        #expect(a == RandomStream(seed: 7, name: "policy.init"))
        #expect(a.counter == 0)
        var keys = Set<UInt64>()
        for seed: UInt64 in [0, 1, 7] {
            for name in ["policy.init", "value.init", "sampling", "", "0"] { keys.insert(RandomStream(seed: seed, name: name).key) }
            for index in 0..<100 { keys.insert(RandomStream(seed: seed).child(index).key) }
        }
        #expect(keys.count == 3 * (5 + 100))  // "0" by name and 0 by index are different streams
        // A child depends on its parent's key only, not on how far the parent has been drawn.
        var drawn = a
        let _: Float = drawn.nextUniform()
        #expect(drawn.child("x") == a.child("x") && drawn.child(3) == a.child(3))
    }

    @Test("uniform values are the top 24 (Float) or 53 (Double) bits of words 0 and 1 of their block")
    func uniformGolden() {
        let stream = RandomStream(seed: 42, name: "layer0.weight")
        let floatBits: [Float] = [7_901_020, 2_897_048, 10_758_044, 14_397_681]
        let doubleBits: [Double] = [4_241_828_017_507_841, 1_555_341_291_314_825, 5_775_680_983_880_944, 7_729_696_187_802_139]
        for counter in 0..<4 {
            #expect(stream.uniform(Float.self, at: UInt64(counter)) == floatBits[counter] * 0x1p-24)
            #expect(stream.uniform(Double.self, at: UInt64(counter)) == doubleBits[counter] * 0x1p-53)
        }
    }

    @Test("a stream saved with Codable resumes with the same key, counter and next values")
    func codableRoundTrip() throws {
        var stream = RandomStream(seed: 99, name: "checkpoint").child(5)
        for _ in 0..<37 { let _: Float = stream.nextNormal() }
        var restored = try JSONDecoder().decode(RandomStream.self, from: JSONEncoder().encode(stream))
        #expect(restored == stream && restored.counter == 37)
        for _ in 0..<5 { #expect(restored.nextUniform(Double.self) == stream.nextUniform(Double.self)) }
    }
}
