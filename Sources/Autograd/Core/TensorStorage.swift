// Specs/autograd.md, "Tensors and tapes": storage written once by the op that creates it.
import Kernels

/// A flat, row-major buffer of scalars owned by one or more tensors.
///
/// Storage is written once, by the op that creates it, and read afterwards; the only in-place writers are
/// optimizers updating parameters between steps. That is what lets tensors share it freely (reshape is
/// free) while keeping value semantics for everything a tape records.
@usableFromInline
final class TensorStorage<Scalar: KernelScalar>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Scalar>

    /// Uninitialised storage for `count` scalars (from `StoragePool`, 64-byte aligned; a real allocation even
    /// for zero scalars); the creating op must write every element.
    init(uninitializedCount count: Int) {
        let raw = StoragePool.allocate(byteCount: count * MemoryLayout<Scalar>.stride)
        buffer = UnsafeMutableBufferPointer(start: raw.bindMemory(to: Scalar.self, capacity: count), count: count)
    }

    convenience init(repeating value: Scalar, count: Int) {
        self.init(uninitializedCount: count)
        if value == 0 && value.sign == .plus {
            // Gradient buffers start at +0, whose bit pattern is all zeros: memset, instead of a per-element
            // initialisation through unspecialised generic code (which showed up as ~30% of a GPT train step),
            // in parallel over 256 KiB pieces.
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            Parallel.forEachRange(bytes.count, grain: 256 * 1024) { range in
                UnsafeMutableRawBufferPointer(rebasing: bytes[range]).initializeMemory(as: UInt8.self, repeating: 0)
            }
        } else {
            buffer.initialize(repeating: value)
        }
    }

    convenience init<C: Collection>(_ scalars: C) where C.Element == Scalar {
        self.init(uninitializedCount: scalars.count)
        _ = buffer.initialize(from: scalars)
    }

    deinit {
        StoragePool.release(UnsafeMutableRawPointer(buffer.baseAddress!), byteCount: buffer.count * MemoryLayout<Scalar>.stride)
    }

    var count: Int { buffer.count }
    /// Base pointer; valid (not dereferenceable) even for zero elements, so kernels can take it unconditionally.
    var pointer: UnsafeMutablePointer<Scalar> { buffer.baseAddress! }
}
