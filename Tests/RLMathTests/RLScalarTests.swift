import Kernels
import RLMath
import Testing

@Suite("RL scalars")
struct RLScalarTests {
    @Test("Float's RL exp and log are the kernels' own bit-reproducible exp and log")
    func floatTranscendentals() {
        for x: Float in [-3.5, -1, 0, 0.25, 1, 7.75] {
            #expect(Float.exp(x).bitPattern == Float.vectorExp(SIMD16(repeating: x))[0].bitPattern)
            let positive = abs(x) + 0.5
            #expect(Float.log(positive).bitPattern == Float.vectorLog(SIMD16(repeating: positive))[0].bitPattern)
        }
        #expect(Float.one == 1 && Double.one == 1 && Float.zero == 0)
    }
}
