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
        let specifications = model.configuration.parameterSpecifications(head: .languageModel)
        // Weights ([in, out], rank 2, named *.weight) are packed; everything else is copied.
        func packed(_ s: ParameterSpecification) -> Bool { s.name.hasSuffix(".weight") }
        let sizes = specifications.map { s in
            packed(s) ? packedMatmulOperandCount(k: s.shape[0], n: s.shape[1]) : s.shape.reduce(1, *)
        }
        storage = .allocate(capacity: sizes.reduce(0, +))
        var pointers: [String: UnsafePointer<Scalar>] = [:]
        var next = storage
        for (s, size) in zip(specifications, sizes) {
            model.parameter(s.name, in: nil).withUnsafeBufferPointer { source in
                if packed(s) {
                    Scalar.packMatmulOperand(k: s.shape[0], n: s.shape[1], b: source.baseAddress!, ldb: s.shape[1],
                                             transposeB: false, into: next)
                } else {
                    next.initialize(from: source.baseAddress!, count: size)
                }
            }
            pointers[s.name] = UnsafePointer(next)
            next += size
        }
        func linear(_ name: String, bias: Bool = true) -> Linear {
            let shape = specifications.first { $0.name == "\(name).weight" }!.shape
            return Linear(weight: pointers["\(name).weight"]!, bias: bias ? pointers["\(name).bias"]! : nil,
                          inputs: shape[0], outputs: shape[1])
        }
        func norm(_ name: String) -> Norm { Norm(scale: pointers["\(name).scale"]!, offset: pointers["\(name).offset"]!) }
        configuration = model.configuration
        tokenEmbedding = pointers["token_embedding"]!
        positionEmbedding = pointers["position_embedding"]!
        blocks = (0..<configuration.layers).map { layer in
            let block = "blocks.\(layer)"
            return Block(
                attentionNorm: norm("\(block).attention_norm"), qkv: linear("\(block).attention.qkv"),
                attentionOutput: linear("\(block).attention.output"), mlpNorm: norm("\(block).mlp_norm"),
                up: linear("\(block).mlp.up"), down: linear("\(block).mlp.down"))
        }
        finalNorm = norm("final_norm")
        head = linear("lm_head", bias: false)
    }

    deinit { storage.deallocate() }
}
