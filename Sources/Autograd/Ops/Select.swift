// Specs/autograd.md, "The derivative table: primitives" and "Subgradient conventions": select and what is composed from it.
import Kernels

/// where(mask, a, b) on equal shapes: the gradient goes to a where the mask is set, to b elsewhere.
struct SelectOperation<Scalar: KernelScalar>: Operation {
    let mask: Tensor<Scalar>
    func backward(_ gy: UnsafePointer<Scalar>, _ inputs: GradientSlots<Scalar>) {
        Scalar.selectBackward(mask.pointer, gy, count: mask.count, a: inputs[0], b: inputs[1])
    }
}

extension Tensor {
    /// `a` where `mask` ≠ 0, else `b`, with broadcasting of all three. The mask is a constant: no gradient
    /// flows into it. Selection is exact (no arithmetic), so an infinite or NaN entry in the branch not
    /// taken never leaks into the result or its gradient.
    public static func select(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = Shape.broadcast(Shape.broadcast(mask.shape, a.shape), b.shape)
        let m = mask.detached().expanded(to: shape), x = a.expanded(to: shape), y = b.expanded(to: shape)
        return make(shape: shape, inputs: [x, y]) {
            Scalar.select(m.pointer, x.pointer, y.pointer, count: m.count, into: $0)
        } operation: {
            SelectOperation(mask: m)
        }
    }

    /// 1 where `self ⋄ other` holds, else 0 (broadcasting); a constant.
    public func compared(_ comparison: Comparison, _ other: Tensor) -> Tensor {
        let (a, b) = Tensor.broadcastPair(detached(), other.detached())
        let storage = TensorStorage<Scalar>(uninitializedCount: a.count)
        Scalar.compare(comparison, a.pointer, b.pointer, count: a.count, into: storage.pointer)
        return Tensor(shape: a.shape, storage: storage)
    }

    /// max(x, 0) (composed: select(x > 0, x, 0)). Subgradient at 0: 0.
    public func relu() -> Tensor {
        Tensor.select(compared(.greater, Tensor(0)), self, Tensor(0))
    }

    /// Elementwise maximum (composed: select(a ≥ b, a, b)). Subgradient on ties: all of it to `a`.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { select(a.compared(.greaterOrEqual, b), a, b) }

    /// Elementwise minimum (composed: select(a ≤ b, a, b)). Subgradient on ties: all of it to `a`.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { select(a.compared(.lessOrEqual, b), a, b) }

    /// x limited to [lower, upper] (composed from two selects). The gradient passes where
    /// lower ≤ x ≤ upper, boundaries included, and is 0 outside.
    public func clamped(_ lower: Scalar, _ upper: Scalar) -> Tensor {
        precondition(lower <= upper, "clamp bounds \(lower) > \(upper)")
        let aboveLower = Tensor.select(compared(.less, Tensor(lower)), Tensor(lower), self)
        return Tensor.select(compared(.greater, Tensor(upper)), Tensor(upper), aboveLower)
    }

    /// Causal masking of attention scores [..., T, S] (query t may see keys s ≤ t + S − T): masked entries
    /// become −∞ so that softmax gives them exactly 0; their gradient is 0.
    public func causallyMasked() -> Tensor {
        precondition(rank >= 2, "causal mask needs [..., queries, keys], got \(shape)")
        let queries = shape[rank - 2], keys = shape[rank - 1]
        var visible = [Scalar](repeating: 0, count: queries * keys)
        for t in 0..<queries {
            for s in 0..<keys where s <= t + keys - queries { visible[t * keys + s] = 1 }
        }
        return Tensor.select(Tensor(shape: [queries, keys], scalars: visible), self, Tensor(-.infinity))
    }
}
