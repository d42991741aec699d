// Specs/model.md, "Sampling": the weights laid out for decoding.
import Autograd
import Kernels

/// A language-model GPT's parameters laid out for the tape-free forward of sampling, in one buffer: each
/// linear layer's weight packed once for `gemm(packedB:)` (decoding multiplies it by a new batch of rows
/// at every step), every other parameter copied as it is. Values, not names: the hot loop looks nothing up.
final class InferenceWeights<Scalar: KernelScalar>: @unchecked Sendable {
    /// A linear layer x · W (+ b): W packed, [inputs, outputs].
    struct Linear {
        let weight: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>?
        let inputs: Int, outputs: Int
    }

    /// A layer norm's scale and offset.
    struct Norm {
        let scale: UnsafePointer<Scalar>, offset: UnsafePointer<Scalar>
    }

    /// One transformer block, in forward order.
    struct Block {
        let attentionNorm: Norm, qkv: Linear, attentionOutput: Linear
        let mlpNorm: Norm, up: Linear, down: Linear
    }

    let configuration: GPTConfiguration
    let tokenEmbedding: UnsafePointer<Scalar>, positionEmbedding: UnsafePointer<Scalar>
    let blocks: [Block]
    let finalNorm: Norm
    let head: Linear
    private let storage: UnsafeMutablePointer<Scalar>

    init(_ model: GPT<Scalar>) {
        precondition(model.head == .languageModel, "InferenceWeights need a language-model head; this model has \(model.head)")
        precondition(model.configuration.tokenFeatures == 0, "InferenceWeights: a model that reads token features is not sampled from")
        let specifications = model.configuration.parameterSpecifications(head: .languageModel)
        // Weights ([in, out], rank 2, named *.weight) are packed; everything else is copied.
        func packed(_ s: ParameterSpecification) -> Bool { s.name.hasSuffix(".weight") }
        let sizes = specifications.map { s in
            packed(s) ? packedMatmulOperandCount(k: s.shape[0], n: s.shape[1]) : s.shape.reduce(1, *)
        }
        storage = .allocate(capacity: sizes.reduce(0, +))
        // One pointer per parameter, in list order; the model's own name → position table places them.
        var pointers: [UnsafePointer<Scalar>] = []
        var next = storage
        for (i, (s, size)) in zip(specifications, sizes).enumerated() {
            model.parameters[i].withUnsafeBufferPointer { source in
                if packed(s) {
                    Scalar.packMatmulOperand(k: s.shape[0], n: s.shape[1], b: source.baseAddress!, ldb: s.shape[1],
                                             transposeB: false, into: next)
                } else {
                    next.initialize(from: source.baseAddress!, count: size)
                }
            }
            pointers.append(UnsafePointer(next))
            next += size
        }
        func linear(_ l: GPTParameterIndices.Linear) -> Linear {
            let shape = specifications[l.weight].shape
            return Linear(weight: pointers[l.weight], bias: l.bias.map { pointers[$0] }, inputs: shape[0], outputs: shape[1])
        }
        func norm(_ n: GPTParameterIndices.Norm) -> Norm { Norm(scale: pointers[n.scale], offset: pointers[n.offset]) }
        let indices = model.indices
        configuration = model.configuration
        tokenEmbedding = pointers[indices.tokenEmbedding]
        positionEmbedding = pointers[indices.positionEmbedding]
        blocks = indices.blocks.map { block in
            Block(
                attentionNorm: norm(block.attentionNorm), qkv: linear(block.qkv), attentionOutput: linear(block.output),
                mlpNorm: norm(block.mlpNorm), up: linear(block.up), down: linear(block.down))
        }
        finalNorm = norm(indices.finalNorm)
        head = linear(indices.head)
    }

    deinit { storage.deallocate() }
}
