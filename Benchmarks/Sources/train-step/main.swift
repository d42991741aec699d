// Tokens per second of a full AdamW train step of the default GPT (width 128, 4 layers, 4 heads,
// vocabulary 32, context 64) on a token batch [64, 64]: logits → cross-entropy → Tape.gradients → AdamW,
// all through the public API. Prints, per thread count, the best and median step time over the rounds,
// the split into forward (logits and loss), backward and update, the least process CPU time of a step
// (all threads; on a busy machine, with 1 thread, a steadier figure than wall time), and a checksum of the parameters after
// the run (equal checksums across thread counts: the same bits).
//
//     swift build -c release --product train-step
//     .build/release/train-step [--threads 1,2] [--steps 30]

import Autograd
import Glibc
import Kernels
import Transformer

var threadCounts = [1, 2]
var steps = 30
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else { fatalError("\(flag) needs a value") }
    switch flag {
    case "--threads": threadCounts = value.split(separator: ",").compactMap { Int($0) }
    case "--steps": steps = Int(value)!
    default: fatalError("unknown flag \(flag)")
    }
}

func seconds(_ clock: clockid_t = CLOCK_MONOTONIC) -> Double {
    var time = timespec()
    clock_gettime(clock, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

let configuration = GPTConfiguration(layers: 4, width: 128, heads: 4, context: 64, vocabulary: 32)
let (batch, length) = (64, 64)
// Random sequences of length + 1 tokens: the first `length` are the input, the last `length` the targets.
let tokenStream = RandomStream(seed: 1, name: "tokens")
var inputIDs: [Int] = [], targets: [Int] = []
for b in 0..<batch {
    let sequence = (0...length).map { t in Int(tokenStream.block(at: UInt64(b * (length + 1) + t))[0] % 32) }
    inputIDs += sequence.dropLast()
    targets += sequence.dropFirst()
}
let inputs = TokenBatch(ids: inputIDs, batch: batch, length: length)

print("| threads | best ms/step | median ms/step | tokens/s (best) | forward ms | backward ms | update ms | best CPU ms/step | loss after | checksum |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for threads in threadCounts {
    Parallel.threadCount = threads
    var model = try! GPT<Float>(configuration: configuration, head: .languageModel, stream: RandomStream(seed: 7, name: "model"))
    let optimizer = AdamW<Float>()
    var times: [(total: Double, forward: Double, backward: Double, update: Double, cpu: Double)] = []
    var lastLoss: Float = 0
    for _ in 0..<(steps + 2) {
        let c0 = seconds(CLOCK_PROCESS_CPUTIME_ID)
        let t0 = seconds()
        let tape = Tape<Float>()
        let variables = model.parameters.map { tape.variable($0) }
        let loss = model.logits(inputs, parameters: variables).crossEntropy(targets: targets)
        let t1 = seconds()
        let gradients = tape.gradients(of: loss, withRespectTo: variables)
        let t2 = seconds()
        optimizer.update(model.parameters, gradients: gradients, learningRate: 1e-3)
        let t3 = seconds()
        let c3 = seconds(CLOCK_PROCESS_CPUTIME_ID)
        lastLoss = loss.scalar
        times.append((t3 - t0, t1 - t0, t2 - t1, t3 - t2, c3 - c0))
    }
    times.removeFirst(2)   // warm-up: first touches of memory and of the worker pool
    let sorted = times.sorted { $0.total < $1.total }
    let best = sorted[0], median = sorted[sorted.count / 2]
    var checksum: UInt64 = 0
    for parameter in model.parameters {
        parameter.withUnsafeBufferPointer { for x in $0 { checksum = (checksum &* 1_099_511_628_211) ^ UInt64(x.bitPattern) } }
    }
    func ms(_ x: Double) -> String { let h = Int((x * 1e5).rounded()); return "\(h / 100).\(h % 100 < 10 ? "0" : "")\(h % 100)" }
    print("| \(threads) | \(ms(best.total)) | \(ms(median.total)) | \(Int(Double(batch * length) / best.total)) | \(ms(median.forward)) | \(ms(median.backward)) | \(ms(median.update)) | \(ms(times.map(\.cpu).min()!)) | \(lastLoss) | \(String(checksum, radix: 16)) |")
}
