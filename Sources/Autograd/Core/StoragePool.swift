// Specs/autograd.md, "Tensors and tapes": tensor buffers recycled by exact size.
import Synchronization

/// Freed tensor buffers kept for reuse, by exact byte size.
///
/// A train step allocates the same few hundred buffers (activations, gradients, temporaries) in the same
/// sizes at every step, and frees them all at its end. Handed back to malloc, the large ones go back to
/// the kernel (glibc trims the top of the heap, or unmaps), and the next step pays a page fault and a
/// page clearing for every 4 KiB it touches again: about a fifth of a GPT train step went there. Kept
/// here, they are reused as they are. Contents are never read before being written (fresh storage is
/// either written whole by the op that creates it or zeroed), so reuse cannot change a result.
///
/// Only buffers of at least `minimumBytes` are kept (malloc recycles small ones well), and at most
/// `maximumCachedBytes` in all, so the pool never holds much more than a step's own working set.
enum StoragePool {
    static let minimumBytes = 16 * 1024
    static let maximumCachedBytes = 1 << 30
    /// Alignment of every tensor buffer: a cache line, so that SIMD16<Float> loads never split one.
    static let alignment = 64

    /// Addresses as integers: raw pointers are not `Sendable`, and the mutex hands its value between threads.
    private struct Cache: ~Copyable {
        var free: [Int: [UInt]] = [:]
        var cachedBytes = 0
    }

    private static let cache = Mutex(Cache())

    /// A buffer of `byteCount` bytes: a kept one of that exact size when there is one.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount >= minimumBytes {
            let reused = cache.withLock { cache -> UInt? in
                guard let address = cache.free[byteCount]?.popLast() else { return nil }
                cache.cachedBytes -= byteCount
                return address
            }
            if let reused { return UnsafeMutableRawPointer(bitPattern: reused)! }
        }
        return .allocate(byteCount: max(byteCount, 1), alignment: alignment)
    }

    /// Takes back a buffer from `allocate(byteCount:)`, keeping it for reuse when there is room.
    static func release(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= minimumBytes {
            let kept = cache.withLock { cache -> Bool in
                guard cache.cachedBytes + byteCount <= maximumCachedBytes else { return false }
                cache.free[byteCount, default: []].append(UInt(bitPattern: pointer))
                cache.cachedBytes += byteCount
                return true
            }
            if kept { return }
        }
        pointer.deallocate()
    }
}
