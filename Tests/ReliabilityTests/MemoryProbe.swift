import CMalloc
import Foundation

/// Memory of this process, and a check that a repeated step stops growing it.
///
/// Why a child process: Swift Testing runs suites concurrently in one process, so another test's
/// allocations would show in this one's resident set. Each check runs in an exit test
/// (`#expect(processExitsWith:)`), a fresh process that runs only its body, and both measures are then
/// the step's own:
/// - the resident set size (`/proc/self/statm`, what the issue promises), which also sees memory that
///   malloc keeps after a free, and
/// - the live heap (glibc's `mallinfo2`: bytes in use in every arena plus mmapped blocks), which sees a
///   leak of even a few kilobytes that the page-granular resident set could hide.
enum MemoryProbe {
    /// The resident set size in bytes.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * sysconf(Int32(_SC_PAGESIZE))
    }

    /// Bytes malloc has handed out and not had back.
    static func heapBytes() -> Int {
        let info = mallinfo2()
        return Int(info.uordblks) + Int(info.hblkhd)
    }

    /// Runs `step` `warmUp` times, then `measured` times more; prints the resident set and live heap growth
    /// over the measured steps, and exits the process with 0 when both stay within their bounds, else 1.
    static func exitIfGrowing(
        _ name: String, warmUp: Int, measured: Int, residentBound: Int, heapBound: Int, step: () throws -> Void
    ) -> Never {
        do {
            for _ in 0..<warmUp { try step() }
            let (resident, heap) = (residentBytes(), heapBytes())
            var peakHeapGrowth = 0
            for _ in 0..<measured {
                try step()
                peakHeapGrowth = max(peakHeapGrowth, heapBytes() - heap)
            }
            let residentGrowth = residentBytes() - resident, heapGrowth = heapBytes() - heap
            print("\(name): after \(warmUp) warm-up steps, \(measured) more grow the resident set by \(residentGrowth / 1024) KiB "
                + "(bound \(residentBound / 1024) KiB, from \(resident / 1024) KiB) and the live heap by \(heapGrowth / 1024) KiB "
                + "(bound \(heapBound / 1024) KiB, from \(heap / 1024) KiB; peak growth \(peakHeapGrowth / 1024) KiB)")
            exit(residentGrowth <= residentBound && heapGrowth <= heapBound ? 0 : 1)
        } catch {
            print("\(name): \(error)")
            exit(2)
        }
    }
}
