// Measures Float.vectorExp, vectorLog and vectorTanh on every one of the 2^32 Float bit patterns against
// glibc's Double exp, log and tanh, and prints the largest ulp error of each (Specs/kernels.md records them).
//
//     swift run -c release exhaustive-math [exp] [log] [tanh]
//
// The bit patterns are split into 256 fixed chunks, run on all cores and merged in chunk order, so the
// printed figures do not depend on the core count. About a minute per function on two cores.

import Dispatch
import Foundation
import Kernels
import MathVerification

let functions: [(name: String, f: @Sendable (SIMD16<Float>) -> SIMD16<Float>, reference: @Sendable (Double) -> Double)] = [
    ("exp", Float.vectorExp, Foundation.exp),
    ("log", Float.vectorLog, Foundation.log),
    ("tanh", Float.vectorTanh, Foundation.tanh),
]
let requested = Set(CommandLine.arguments.dropFirst())

for function in functions where requested.isEmpty || requested.contains(function.name) {
    let start = Date()
    let chunks = 256
    let chunkSize = (1 << 32) / chunks
    // Each chunk writes only its own slot.
    nonisolated(unsafe) let summaries = UnsafeMutableBufferPointer<UlpErrorSummary>.allocate(capacity: chunks)
    summaries.initialize(repeating: UlpErrorSummary())
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let first = chunk * chunkSize
        let bitPatterns = (first..<first + chunkSize).lazy.map { UInt32($0) }
        summaries[chunk] = UlpErrorSummary(function.f, reference: function.reference, bitPatterns: bitPatterns)
    }
    let total = summaries.reduce(UlpErrorSummary()) { $0.merged(with: $1) }
    summaries.deallocate()
    let x = total.argumentOfMaximum
    let line = "\(function.name): max ulp error \(total.maximum) at x = \(x) (0x\(String(x.bitPattern, radix: 16))); "
        + "\(total.count) inputs, \(total.correctlyRounded) correctly rounded "
        + "(\(String(format: "%.4f", 100 * Double(total.correctlyRounded) / Double(total.count)))%); "
        + "\(String(format: "%.0f", Date().timeIntervalSince(start))) s\n"
    FileHandle.standardOutput.write(Data(line.utf8))  // unbuffered: each line appears when its function is done
}
