// Our side of the GPT comparison with PyTorch (Benchmarks/gpt-compare.sh runs both sides; the other is
// Benchmarks/torch/gpt_compare.py, with the same flags and output): a full AdamW train step, or batched
// KV-cache sampling, timed `--repeats` times after `--warmup` untimed runs, printed as one JSON line.
//
//     gpt-compare --workload train|sample64|sample512 [--repeats N] [--warmup N] [--threads N] [--seed N] [--cpu-time]
//     gpt-compare --export-weights DIR      (writes the same-function check's weights, batch and losses)
//     gpt-compare --roofline [--threads N]  (the FMA peak and read bandwidths at N threads, one JSON line)
//
// Threads: `--threads N`, else `VAPO_THREADS`, else every processor. `--cpu-time` times each run by the
// process's CPU time instead of the wall clock: on one thread, while another job shares the machine, that
// counts only the time the run was on a processor (it still pays for the caches that the other job shares).

import Foundation
import Kernels
import Roofline
import Transformer

var workload = Workload.train
var repeats = 5
var warmup = 1
var seed: UInt64 = 1
var exportDirectory: String?
var cpuTime = false
var rooflineOnly = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
func usage() -> Never {
    print("usage: gpt-compare --workload train|sample64|sample512 [--repeats N] [--warmup N] [--threads N] [--seed N] [--cpu-time] | --export-weights DIR | --roofline [--threads N]")
    exit(2)
}
/// The next argument, parsed; a missing or malformed value prints the usage.
@MainActor func value<T>(_ parse: (String) -> T?) -> T {
    guard let text = arguments.next(), let parsed = parse(text) else { usage() }
    return parsed
}
while let argument = arguments.next() {
    switch argument {
    case "--workload": workload = value(Workload.init(rawValue:))
    case "--repeats": repeats = value { Int($0) }
    case "--warmup": warmup = value { Int($0) }
    case "--threads": Parallel.threadCount = value { Int($0) }
    case "--seed": seed = value { UInt64($0) }
    case "--export-weights": exportDirectory = value { $0 }
    case "--cpu-time": cpuTime = true
    case "--roofline": rooflineOnly = true
    default: usage()
    }
}
guard repeats >= 1, warmup >= 0 else { usage() }

if rooflineOnly {
    printRooflineJSON(threads: Parallel.threadCount)
    exit(0)
}

let model = try GPT<Float>(configuration: Workload.configuration, head: .languageModel, stream: RandomStream(seed: seed, name: "gpt-compare.model"))
let rows = trainingRows(seed: seed)
if let exportDirectory {
    try exportCheck(model: model, rows: rows, seed: seed, to: exportDirectory)
    exit(0)
}

/// Seconds of the process's CPU time (every thread's) so far.
func processorSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Runs `body` `warmup + repeats` times and returns the seconds of the last `repeats` runs (wall clock, or
/// CPU time with `--cpu-time`).
func timed(warmup: Int, repeats: Int, cpuTime: Bool, _ body: (Int) -> Void) -> [Double] {
    let clock = ContinuousClock()
    return (0..<(warmup + repeats)).compactMap { run in
        let seconds: Double
        if cpuTime {
            let start = processorSeconds()
            body(run)
            seconds = processorSeconds() - start
        } else {
            let elapsed = clock.measure { body(run) }
            seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        return run < warmup ? nil : seconds
    }
}

let seconds: [Double]
if let sequences = workload.sequences {
    seconds = timed(warmup: warmup, repeats: repeats, cpuTime: cpuTime) { run in _ = sample(model, sequences: sequences, step: run) }
} else {
    let trainer = Trainer(model: model, rows: rows)
    seconds = timed(warmup: warmup, repeats: repeats, cpuTime: cpuTime) { _ in trainer.step() }
}

let rates = seconds.map { Double(workload.tokensPerRun) / $0 }.sorted()
let median = rates.count % 2 == 1 ? rates[rates.count / 2] : (rates[rates.count / 2 - 1] + rates[rates.count / 2]) / 2
let result: [String: Any] = [
    "side": "ours", "workload": workload.rawValue, "threads": Parallel.threadCount, "clock": cpuTime ? "cpu" : "wall",
    "tokens_per_run": workload.tokensPerRun, "warmup": warmup, "repeats": repeats, "seconds": seconds,
    "median_tokens_per_second": median, "flops_per_token": workload.flopsPerToken,
    "bytes_per_token": workload.bytesPerToken(parameters: model.parameters.reduce(0) { $0 + $1.count }) as Any, "min_tokens_per_second": rates.first!, "max_tokens_per_second": rates.last!,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
