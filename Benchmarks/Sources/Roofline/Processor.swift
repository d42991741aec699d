// Benchmarks/README.md, "The roofline in the same run": which processor a table was measured on.
import Glibc

/// The processor as Linux reports it: `/proc/cpuinfo`'s model name with its family and model numbers (AMD's
/// model name can be just "AMD EPYC", so the numbers are what tell Zen 4 from Zen 5), the processors online,
/// and the size of the last-level cache (sysfs).
public struct Processor: Sendable {
    /// `model name`, e.g. "AMD EPYC" or "INTEL(R) XEON(R) PLATINUM 8581C".
    public let modelName: String
    /// `cpu family` (25: Zen 4, 26: Zen 5, 6: Intel) and `model`.
    public let family: Int?, model: Int?
    /// Processors online.
    public let processors: Int
    /// Bytes of the highest-level cache of processor 0 (nil where sysfs does not say).
    public let lastLevelCacheBytes: Int?

    /// The processor this process runs on.
    public static func current() -> Processor {
        var fields: [String: String] = [:]
        // The first processor's block ends at the first empty line.
        for line in (readText("/proc/cpuinfo") ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { break }
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            fields[parts[0].trimmingWhitespace] = parts[1].trimmingWhitespace
        }
        return Processor(
            modelName: fields["model name"] ?? "unknown", family: fields["cpu family"].flatMap { Int($0) },
            model: fields["model"].flatMap { Int($0) }, processors: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            lastLevelCacheBytes: lastLevelCache())
    }

    /// One line for the top of a table: "AMD EPYC (family 25, model 17), 2 processors, last-level cache 32 MiB".
    public var summary: String {
        let numbers = "family \(family.map(String.init) ?? "?"), model \(model.map(String.init) ?? "?")"
        let cache = lastLevelCacheBytes.map { ", last-level cache \(mebibytes($0))" } ?? ""
        return "\(modelName) (\(numbers)), \(processors) processors\(cache)"
    }

    /// The size of processor 0's cache of the highest level in sysfs (`index*/level`, `index*/size`).
    private static func lastLevelCache() -> Int? {
        var best: (level: Int, bytes: Int)?
        for index in 0..<8 {
            let directory = "/sys/devices/system/cpu/cpu0/cache/index\(index)/"
            guard let level = readText(directory + "level").flatMap({ Int($0.trimmingWhitespace) }),
                  let size = readText(directory + "size")?.trimmingWhitespace else { continue }
            let multiplier = size.hasSuffix("K") ? 1 << 10 : size.hasSuffix("M") ? 1 << 20 : 1
            guard let value = Int(size.filter(\.isNumber)) else { continue }
            if level > (best?.level ?? 0) { best = (level, value * multiplier) }
        }
        return best?.bytes
    }
}

/// `bytes` as "32 MiB" (or KiB below a mebibyte), rounded.
public func mebibytes(_ bytes: Int) -> String {
    bytes >= 1 << 20 ? "\((bytes + (1 << 19)) >> 20) MiB" : "\((bytes + (1 << 9)) >> 10) KiB"
}

/// A small text file's contents (procfs and sysfs files report a size of 0, so read until the end).
func readText(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension Substring {
    var trimmingWhitespace: String { String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
}

extension String {
    var trimmingWhitespace: String { self[...].trimmingWhitespace }
}
