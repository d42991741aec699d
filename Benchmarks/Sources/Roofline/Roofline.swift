// Benchmarks/README.md, "The roofline in the same run": the measured limits printed above each table.

/// The limits of the machine a table is measured on: its processor, the FMA peak and the streaming-read
/// bandwidth at each thread count (on our own thread pool), both measured in the same run as the table.
public struct Roofline: Sendable {
    /// One bandwidth probe: a buffer of `bytes` read by `threads` threads.
    public struct Bandwidth: Sendable {
        public let label: String, bytes: Int, threads: Int, gigabytesPerSecond: Double
    }

    public let processor: Processor
    /// GFLOP/s by thread count.
    public let peakGigaflops: [Int: Double]
    public let bandwidths: [Bandwidth]

    /// Measures the FMA peak at each of `threadCounts`, and the read bandwidth of a buffer 4× the last-level
    /// cache (at least 64 MiB; labelled "memory") and of each of `namedSizes` (e.g. a KV cache's bytes).
    public init(threadCounts: [Int], namedSizes: [(label: String, bytes: Int)] = []) {
        processor = .current()
        var peaks: [Int: Double] = [:]
        for threads in threadCounts { peaks[threads] = peakFMAGigaflops(threads: threads) }
        peakGigaflops = peaks
        let memory = max(4 * (processor.lastLevelCacheBytes ?? 0), 64 << 20)
        bandwidths = ([("memory", memory)] + namedSizes).flatMap { label, bytes in
            threadCounts.map { threads in
                Bandwidth(label: label, bytes: bytes, threads: threads,
                          gigabytesPerSecond: streamingReadGigabytesPerSecond(bytes: bytes, threads: threads))
            }
        }
    }

    /// The read bandwidth of the probe `label` at `threads` threads.
    public func gigabytesPerSecond(_ label: String, threads: Int) -> Double? {
        bandwidths.first { $0.label == label && $0.threads == threads }?.gigabytesPerSecond
    }

    /// Markdown lines for the top of a table: the processor, then one row per thread count with the peak
    /// and every bandwidth probe.
    public var markdown: [String] {
        let labels = bandwidths.reduce(into: [(String, Int)]()) { seen, b in
            if !seen.contains(where: { $0.0 == b.label }) { seen.append((b.label, b.bytes)) }
        }
        var lines = ["Processor: \(processor.summary)", ""]
        lines.append("| threads | FMA peak GFLOP/s | peak / 1-thread peak | " + labels.map { "read GB/s, \($0.0) (\(mebibytes($0.1)))" }.joined(separator: " | ") + " |")
        lines.append("| ---: | ---: | ---: |" + String(repeating: " ---: |", count: labels.count))
        for threads in peakGigaflops.keys.sorted() {
            let reads = labels.map { label, _ in gigabytesPerSecond(label, threads: threads).map { fixed($0, 1) } ?? "" }
            let scaling = peakGigaflops[1].map { fixed(peakGigaflops[threads]! / $0, 2) } ?? ""
            lines.append("| \(threads) | \(fixed(peakGigaflops[threads]!, 1)) | \(scaling) | " + reads.joined(separator: " | ") + " |")
        }
        return lines
    }
}

/// `value` with `digits` decimals (no Foundation needed).
public func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    let scale = (0..<digits).reduce(1.0) { r, _ in r * 10 }
    let scaled = Int((abs(value) * scale).rounded())
    let (whole, fraction) = scaled.quotientAndRemainder(dividingBy: Int(scale))
    let sign = value < 0 && scaled != 0 ? "-" : ""
    return sign + (digits == 0 ? "\(whole)" : "\(whole)." + String(String(fraction + Int(scale)).dropFirst()))
}
