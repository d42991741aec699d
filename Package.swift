// swift-tools-version: 6.1
import PackageDescription

// Kernels use explicit FMA (`addingProduct`) on SIMD16 vectors. The baseline x86-64 target has neither
// AVX nor FMA, so every FMA would become a libm call (~0.8 GFLOP/s). Building for the host CPU turns them
// into vfmadd instructions. Results do not change: IEEE 754 specifies a fused multiply-add exactly.
let hostCPU: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "native"])]

// The trainer, the RL math, the tape and the model are generic over their scalar. A client module can specialize
// a generic call for Float only if it sees the callee's body: cross-module optimisation makes the bodies of these
// modules available, so that `Trainer.step`, specialized for Float (`@_specialize` in Trainer.swift), runs
// specialized code down to the kernels instead of looking up generic metadata and witnesses at every operation
// of the RL bookkeeping (measured: 12.9 % → 8.7 % of an RL step's wall clock outside the kernels on 2 threads, and
// steps 2.5–3.7 % faster side by side; Benchmarks/README.md, "rl-step"). The same IEEE operations run in the same
// order: checkpoints are unchanged.
let crossModule: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"])]

let package = Package(
    name: "VAPO",
    products: [
        .library(name: "Kernels", targets: ["Kernels"]),
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "RLMath", targets: ["RLMath"]),
        .library(name: "Tasks", targets: ["Tasks"]),
        .library(name: "Transformer", targets: ["Transformer"]),
        .library(name: "StrictJSON", targets: ["StrictJSON"]),
        .library(name: "Checkpoints", targets: ["Checkpoints"]),
        .library(name: "VAPO", targets: ["VAPO"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .executable(name: "vapo", targets: ["VapoCLI"]),
        .executable(name: "exhaustive-math", targets: ["ExhaustiveMath"]),
        .executable(name: "golden-vectors", targets: ["GoldenVectors"]),
        .executable(name: "vapo-fuzz", targets: ["VapoFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .target(name: "Kernels", swiftSettings: hostCPU),
        .target(name: "Autograd", dependencies: ["Kernels"], swiftSettings: hostCPU + crossModule),
        .target(name: "RLMath", dependencies: ["Kernels"], swiftSettings: hostCPU + crossModule),
        .target(name: "RLTape", dependencies: ["RLMath", "Autograd", "Kernels"], swiftSettings: hostCPU + crossModule),
        .target(name: "Tasks", dependencies: ["Kernels"], swiftSettings: hostCPU),
        .target(name: "Transformer", dependencies: ["Autograd", "Kernels"], swiftSettings: hostCPU + crossModule),
        // The strict JSON reader and the deterministic writer: checkpoints, configurations and metrics all use it.
        .target(name: "StrictJSON", swiftSettings: hostCPU),
        .target(name: "Checkpoints", dependencies: ["StrictJSON", "Autograd", "Kernels"], swiftSettings: hostCPU),
        .target(
            name: "VAPO", dependencies: ["RLMath", "RLTape", "Training", "Transformer", "Tasks", "Autograd", "Kernels", "Checkpoints", "StrictJSON"],
            swiftSettings: hostCPU + crossModule),
        .target(
            name: "Training", dependencies: ["Transformer", "Tasks", "Autograd", "Kernels", "Checkpoints", "StrictJSON"],
            swiftSettings: hostCPU),
        // The report of an experiment folder: metrics reading, statistics, verdicts and our own SVG line plots.
        .target(name: "Experiments", dependencies: ["StrictJSON"], swiftSettings: hostCPU),
        .target(name: "Demos", dependencies: ["Autograd", "Kernels"], swiftSettings: hostCPU),
        .executableTarget(
            name: "VapoCLI",
            dependencies: [
                "Demos", "Experiments", "Training", "VAPO", "Transformer", "Tasks", "Checkpoints", "StrictJSON", "Autograd", "Kernels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: hostCPU, plugins: ["BuildRevision"]),
        // Writes the git revision of the build into VapoCLI (`vapo --version`) whenever the git state or a tracked file changes.
        .plugin(name: "BuildRevision", capability: .buildTool(), path: "Plugins/BuildRevision"),
        .target(name: "MathVerification", path: "Verification/MathVerification", swiftSettings: hostCPU),
        .executableTarget(
            name: "ExhaustiveMath", dependencies: ["Kernels", "MathVerification"],
            path: "Verification/ExhaustiveMath", swiftSettings: hostCPU),
        .systemLibrary(name: "CGMP", path: "Verification/CGMP", pkgConfig: "gmp", providers: [.apt(["libgmp-dev"])]),
        .systemLibrary(name: "CLAPACK", path: "Verification/CLAPACK", providers: [.apt(["liblapack-dev"])]),
        .target(
            name: "ExactReferences", dependencies: ["CGMP", "CLAPACK", "RLMath"],
            path: "Verification/ExactReferences", swiftSettings: hostCPU),
        .executableTarget(
            name: "GoldenVectors", dependencies: ["ExactReferences"],
            path: "Verification/GoldenVectors", swiftSettings: hostCPU),
        .target(name: "TestSupport", dependencies: ["Tasks", "Kernels"], path: "Tests/TestSupport", swiftSettings: hostCPU),
        .target(
            name: "PropertyTesting", dependencies: [.product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/PropertyTesting", swiftSettings: hostCPU),
        .target(
            name: "Fuzzing", dependencies: ["TestSupport", "Checkpoints", "VAPO", "Tasks", "Autograd"],
            swiftSettings: hostCPU),
        .executableTarget(name: "VapoFuzz", dependencies: ["Fuzzing"], swiftSettings: hostCPU),
        .testTarget(
            name: "KernelsTests",
            dependencies: ["TestSupport", "Kernels", "MathVerification", "PropertyTesting", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: hostCPU),
        .testTarget(
            name: "AutogradTests",
            dependencies: ["TestSupport", "Autograd", "Kernels", "Demos", "PropertyTesting", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: hostCPU),
        .testTarget(
            name: "RLMathTests",
            dependencies: ["TestSupport", "RLMath", "RLTape", "ExactReferences", "Autograd", "Kernels", "PropertyTesting", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: hostCPU),
        .testTarget(
            name: "VerificationTests",
            dependencies: ["ExactReferences", "RLMath", "PropertyTesting", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: hostCPU),
        .testTarget(
            name: "TasksTests",
            dependencies: ["Tasks", "Kernels", "PropertyTesting", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: hostCPU),
        .testTarget(
            name: "TransformerTests",
            dependencies: ["TestSupport", "Transformer", "Autograd", "Kernels", "PropertyTesting", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: hostCPU),
        .testTarget(
            name: "CheckpointTests",
            dependencies: ["TestSupport", "Checkpoints", "Autograd", "Kernels", "PropertyTesting", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: hostCPU),
        .testTarget(
            name: "VapoCLITests",
            dependencies: [
                "TestSupport", "VapoCLI", "VAPO", "Training", "Transformer", "Tasks", "Autograd", "Kernels", "Checkpoints",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: hostCPU),
        .testTarget(
            name: "VAPOTests",
            dependencies: ["TestSupport", "VAPO", "RLMath", "Transformer", "Tasks", "Autograd", "Kernels", "Checkpoints"],
            swiftSettings: hostCPU),
        .systemLibrary(name: "CMalloc", path: "Tests/CMalloc"),
        .testTarget(
            name: "ReliabilityTests",
            dependencies: [
                "CMalloc", "TestSupport", "Fuzzing", "VAPO", "Training", "Transformer", "Tasks", "Kernels", "PropertyTesting",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: hostCPU),
        .testTarget(
            name: "ExperimentsTests",
            dependencies: [
                "TestSupport", "Experiments", "VapoCLI", "StrictJSON", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Fixtures")], swiftSettings: hostCPU),
        .testTarget(
            name: "TrainingTests",
            dependencies: ["TestSupport", "Training", "Transformer", "Tasks", "Checkpoints", "Autograd", "Kernels"],
            swiftSettings: hostCPU),
    ]
)
