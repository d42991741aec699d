// Specs/autograd.md, "Tensors and tapes": the tape of op records and the reverse pass.
import Kernels

/// One differentiable op as the tape stores it: the vector-Jacobian product of the op, with whatever
/// forward values it needs captured when the op ran.
protocol Operation<Scalar> {
    associatedtype Scalar: KernelScalar
    /// Adds the gradient of the loss with respect to each input, given the gradient `output` with respect
    /// to the op's output, into `inputs[i]` (nil for inputs that need no gradient).
    func backward(_ output: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>)
}

/// The gradient buffers of one op's inputs during the backward pass, allocated on first use.
struct GradientSlots<Scalar: KernelScalar> {
    /// (input, zeroed) ↦ the buffer and whether this call allocated it; nil for inputs that need no gradient.
    fileprivate let slot: (_ input: Int, _ zeroed: Bool) -> (UnsafeMutablePointer<Scalar>, fresh: Bool)?

    /// The gradient buffer of input `i` to add into (zeroed when first used), or nil when input `i` needs no
    /// gradient.
    subscript(_ i: Int) -> UnsafeMutablePointer<Scalar>? { slot(i, true)?.0 }

    /// The gradient buffer of input `i` for an op that can write its contribution instead of adding it:
    /// when `fresh`, no op has touched the buffer yet and it is NOT zeroed, so the op must overwrite every
    /// element; otherwise it must add, as with the subscript. Saves clearing the buffer and reading it back
    /// (the value is the same as adding into +0, up to the sign of a zero). Nil when input `i` needs no gradient.
    func forWriting(_ i: Int) -> (pointer: UnsafeMutablePointer<Scalar>, fresh: Bool)? { slot(i, false) }
}

/// A record of differentiable ops, in the order they ran, from which reverse mode computes gradients.
///
/// A tape is an ordinary object with no global state behind it: tapes on different threads never interact.
/// Make one per forward pass, mark the tensors to differentiate with `variable(_:)`, run the forward pass,
/// and ask for `gradients(of:withRespectTo:)`.
public final class Tape<Scalar: KernelScalar> {
    struct Node {
        let shape: [Int]
        /// nil for a variable (a leaf).
        let operation: (any Operation<Scalar>)?
        /// The node of each op input, nil for constant inputs.
        let inputs: [Int?]
    }

    private var nodes: [Node] = []

    public init() {}

    /// Number of recorded tensors (variables and op outputs).
    public var nodeCount: Int { nodes.count }

    /// `tensor`'s values as a leaf of this tape: gradients can be taken with respect to the result.
    /// The storage is shared, not copied.
    public func variable(_ tensor: Tensor<Scalar>) -> Tensor<Scalar> {
        let node = append(nil, inputs: [], shape: tensor.shape)
        return Tensor(shape: tensor.shape, storage: tensor.storage, tape: self, node: node)
    }

    func append(_ operation: (any Operation<Scalar>)?, inputs: [Int?], shape: [Int]) -> Int {
        nodes.append(Node(shape: shape, operation: operation, inputs: inputs))
        return nodes.count - 1
    }

    /// Reverse-mode gradients of `output` with respect to each of `variables`.
    ///
    /// `seed` is the gradient with respect to `output` (default: ones, so a scalar loss gets d loss/d x).
    /// Ops run backward in reverse recording order; each adds into its inputs' gradient buffers, so a tensor
    /// used twice receives the sum of both contributions, accumulated in that fixed order. A variable that
    /// `output` does not depend on gets a zero gradient.
    public func gradients(
        of output: Tensor<Scalar>, seed: Tensor<Scalar>? = nil, withRespectTo variables: [Tensor<Scalar>]
    ) -> [Tensor<Scalar>] {
        precondition(output.tape === self, "gradients(of:) needs an output recorded on this tape")
        for variable in variables {
            precondition(variable.tape === self, "gradient requested for a tensor not recorded on this tape")
        }
        var gradients = [TensorStorage<Scalar>?](repeating: nil, count: nodes.count)
        let seedStorage = TensorStorage<Scalar>(repeating: 1, count: output.count)
        if let seed {
            precondition(seed.shape == output.shape, "seed shape \(seed.shape) differs from output shape \(output.shape)")
            seedStorage.pointer.update(from: seed.pointer, count: seed.count)
        }
        gradients[output.node] = seedStorage
        let kept = Set(variables.map(\.node))

        for index in stride(from: output.node, through: 0, by: -1) {
            guard let operation = nodes[index].operation, let gradient = gradients[index] else { continue }
            let inputs = nodes[index].inputs
            let slots = GradientSlots<Scalar> { i, zeroed in
                guard let input = inputs[i] else { return nil }
                if let existing = gradients[input] { return (existing.pointer, false) }
                let count = Shape.count(self.nodes[input].shape)
                let storage = zeroed ? TensorStorage<Scalar>(repeating: 0, count: count) : TensorStorage(uninitializedCount: count)
                gradients[input] = storage
                return (storage.pointer, !zeroed)
            }
            operation.backward(UnsafePointer(gradient.pointer), slots)
            if !kept.contains(index) { gradients[index] = nil }
        }
        return variables.map { variable in
            Tensor(shape: variable.shape, storage: gradients[variable.node] ?? TensorStorage(repeating: 0, count: variable.count))
        }
    }
}
