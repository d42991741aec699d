// Specs/autograd.md, "Tensors and tapes": the kernel table every op reaches through its scalar.
/// The kernel table: every loop over tensor elements that the layers above need, as static requirements
/// of the scalar type.
///
/// Code above this module is generic over its scalar (Float for training, Double for gradient checks).
/// Generic code that called a generic kernel function would run it unspecialised, one witness call per
/// element. Calling `Scalar.kernel(...)` instead costs one witness-table call per kernel invocation, and
/// lands in an implementation specialised for `Float` or `Double` inside this module.
///
/// The kernel protocols refine `Codable` only to state what Float and Double already are: without it the
/// compiler warns that their `SIMD16<Self>` requirements imply it.
public protocol KernelScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable, VectorMath,
    UnaryKernels, BinaryKernels, LayoutKernels, OptimizerKernels, ActivationKernels,
    RandomKernels, ReductionKernels, SoftmaxKernels, LayerNormKernels, MatmulKernels, PackedMatmulKernels,
    CachedAttentionKernels, CausalAttentionKernels {}

extension Float: KernelScalar {}
extension Double: KernelScalar {}
