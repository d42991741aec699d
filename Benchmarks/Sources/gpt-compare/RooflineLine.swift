// Benchmarks/README.md, "The roofline in the same run": gpt-compare's roofline as one JSON line.
import Foundation
import Roofline

/// Measures the roofline at `threads` threads (the FMA peak; the read bandwidth of memory and of each
/// sampling workload's KV cache) and prints it as one JSON line with `"side": "roofline"`, which
/// torch/gpt_compare_table.py prints above the table and divides the workloads' rates by.
func printRooflineJSON(threads: Int) {
    let caches = Workload.allCases.compactMap { w in w.kvCacheBytes.map { (label: "kv cache \(w.rawValue)", bytes: $0) } }
    let roofline = Roofline(threadCounts: [threads], namedSizes: caches)
    let p = roofline.processor
    let line: [String: Any] = [
        "side": "roofline", "threads": threads, "processor": p.summary, "model_name": p.modelName,
        "cpu_family": p.family as Any, "cpu_model": p.model as Any,
        "peak_gflops": roofline.peakGigaflops[threads]!,
        "bandwidth_gbps": Dictionary(uniqueKeysWithValues: roofline.bandwidths.map { ($0.label, $0.gigabytesPerSecond) }),
        "bandwidth_bytes": Dictionary(uniqueKeysWithValues: roofline.bandwidths.map { ($0.label, $0.bytes) }),
    ]
    print(String(decoding: try! JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
}
