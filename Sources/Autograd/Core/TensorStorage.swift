import Kernels

/// A flat, row-major buffer of scalars owned by one or more tensors.
///
/// Storage is written once, by the op that creates it, and read afterwards; the only in-place writers are
/// optimizers updating parameters between steps. That is what lets tensors share it freely (reshape is
/// free) while keeping value semantics for everything a tape records.
@usableFromInline
final class TensorStorage<Scalar: KernelScalar>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Scalar>

    /// Uninitialised storage for `count` scalars; the creating op must write every element.
    init(uninitializedCount count: Int) {
        buffer = .allocate(capacity: count)
    }

    init(repeating value: Scalar, count: Int) {
        buffer = .allocate(capacity: count)
        if value == 0 && value.sign == .plus {
            // Gradient buffers start at +0, whose bit pattern is all zeros: one memset, instead of a per-element
            // initialisation through unspecialised generic code (which showed up as ~30% of a GPT train step).
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
        } else {
            buffer.initialize(repeating: value)
        }
    }

    init<C: Collection>(_ scalars: C) where C.Element == Scalar {
        buffer = .allocate(capacity: scalars.count)
        _ = buffer.initialize(from: scalars)
    }

    deinit { buffer.deallocate() }

    var count: Int { buffer.count }
    /// Base pointer; valid (not dereferenceable) even for zero elements, so kernels can take it unconditionally.
    var pointer: UnsafeMutablePointer<Scalar> { buffer.baseAddress ?? TensorStorage.emptyPlaceholder }

    private static var emptyPlaceholder: UnsafeMutablePointer<Scalar> {
        UnsafeMutablePointer(bitPattern: MemoryLayout<Scalar>.alignment)!
    }
}
