// Specs/autograd.md, "Tensors and tapes": the tensor, a value recorded on a tape or a constant.
import Kernels

/// An n-dimensional array of `Scalar` (row-major), optionally recorded on a `Tape` for differentiation.
///
/// A tensor is a value: ops never modify their inputs. A tensor not attached to a tape is a constant;
/// ops whose inputs are all constants record nothing and cost nothing beyond their kernels, which is how
/// inference runs. `Float` is the training scalar; `Double` runs the very same ops for gradient checks.
///
/// ```swift
/// let tape = Tape<Double>()
/// let w = tape.variable(Tensor(shape: [2], scalars: [0.5, -1]))
/// let loss = (w * w).sum()
/// let (gradient) = tape.gradients(of: loss, withRespectTo: [w])[0]   // [1, -2]
/// ```
public struct Tensor<Scalar: KernelScalar> {
    /// Extent of each axis; `[]` is a scalar.
    public let shape: [Int]
    let storage: TensorStorage<Scalar>
    /// The tape that records ops on this tensor, and this tensor's node on it; nil for constants.
    let tape: Tape<Scalar>?
    let node: Int

    init(shape: [Int], storage: TensorStorage<Scalar>, tape: Tape<Scalar>? = nil, node: Int = -1) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(Shape.count(shape) == storage.count, "shape \(shape) does not match \(storage.count) scalars")
        self.shape = shape
        self.storage = storage
        self.tape = tape
        self.node = node
    }

    /// A constant tensor holding `scalars` in row-major order.
    public init(shape: [Int], scalars: [Scalar]) {
        precondition(Shape.count(shape) == scalars.count, "shape \(shape) needs \(Shape.count(shape)) scalars, got \(scalars.count)")
        self.init(shape: shape, storage: TensorStorage(scalars))
    }

    /// A constant tensor with every element equal to `value`.
    public init(repeating value: Scalar, shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: Shape.count(shape)))
    }

    /// A constant tensor of zeros.
    public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

    /// A rank-0 constant.
    public init(_ scalar: Scalar) { self.init(shape: [], scalars: [scalar]) }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { storage.count }
    /// The elements in row-major order.
    public var scalars: [Scalar] { Array(storage.buffer) }
    /// The only element of a one-element tensor.
    public var scalar: Scalar {
        precondition(count == 1, "scalar of a tensor of shape \(shape)")
        return storage.buffer[0]
    }
    /// Whether gradients flow back through this tensor (it is on a tape).
    public var isRecorded: Bool { tape != nil }

    /// The same values as a constant: gradients stop here.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// Calls `body` with the elements in row-major order.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    var pointer: UnsafePointer<Scalar> { UnsafePointer(storage.pointer) }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = count <= 16 ? "\(scalars)" : "\(Array(scalars.prefix(8))) …"
        return "Tensor<\(Scalar.self)>\(shape) \(shown)"
    }
}

extension Tensor {
    /// Creates the output of an op: computes its values with `compute` into fresh storage, and, when any
    /// input is recorded, appends `operation()` (the op's backward) to their tape.
    static func make(
        shape: [Int], inputs: [Tensor], compute: (UnsafeMutablePointer<Scalar>) -> Void,
        operation: () -> any Operation<Scalar>
    ) -> Tensor {
        let storage = TensorStorage<Scalar>(uninitializedCount: Shape.count(shape))
        compute(storage.pointer)
        return recording(Tensor(shape: shape, storage: storage), inputs: inputs, operation: operation)
    }

    /// `output` attached to the tape of `inputs` with `operation()` as its backward, or `output` itself when
    /// no input is recorded.
    static func recording(_ output: Tensor, inputs: [Tensor], operation: () -> any Operation<Scalar>) -> Tensor {
        var tape: Tape<Scalar>? = nil
        for input in inputs {
            guard let other = input.tape else { continue }
            if let tape { precondition(tape === other, "op mixes tensors recorded on two different tapes") }
            tape = other
        }
        guard let tape else { return output }
        let node = tape.append(operation(), inputs: inputs.map { $0.tape == nil ? nil : $0.node }, shape: output.shape)
        return Tensor(shape: output.shape, storage: output.storage, tape: tape, node: node)
    }
}
