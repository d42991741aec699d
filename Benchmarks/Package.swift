// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so that the main package's build and tests never need
// ordo-one/benchmark or OpenBLAS. The kernels come from the root package, built with its own
// `-target-cpu native` settings.
let package = Package(
    name: "VAPOBenchmarks",
    dependencies: [
        .package(name: "VAPO", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The measured FMA peak and read bandwidth printed above the tables (built for this processor, as
        // the root package's kernels are: without it, SIMD16 FMAs become libm calls).
        .target(
            name: "Roofline", dependencies: [.product(name: "Kernels", package: "VAPO")], path: "Sources/Roofline",
            swiftSettings: [.unsafeFlags(["-target-cpu", "native"])]),
        // OpenBLAS's C interface (Debian: `apt-get install libopenblas-dev`).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas"),
        .executableTarget(
            name: "sgemm-compare",
            dependencies: ["CBLAS", "Roofline", .product(name: "Kernels", package: "VAPO")],
            path: "Sources/sgemm-compare"),
        .executableTarget(
            name: "cached-attention",
            dependencies: ["Roofline", .product(name: "Kernels", package: "VAPO")],
            path: "Sources/cached-attention", swiftSettings: [.unsafeFlags(["-target-cpu", "native"])]),
        .executableTarget(
            name: "parallel-overhead",
            dependencies: [.product(name: "Kernels", package: "VAPO")],
            path: "Sources/parallel-overhead"),
        .executableTarget(
            name: "gpt-compare",
            dependencies: [
                .product(name: "Autograd", package: "VAPO"), .product(name: "Checkpoints", package: "VAPO"),
                .product(name: "Kernels", package: "VAPO"), .product(name: "Transformer", package: "VAPO"), "Roofline",
            ],
            path: "Sources/gpt-compare"),
        .executableTarget(
            name: "train-step",
            dependencies: [
                .product(name: "Autograd", package: "VAPO"), .product(name: "Kernels", package: "VAPO"),
                .product(name: "Transformer", package: "VAPO"),
            ],
            path: "Sources/train-step"),
        .executableTarget(
            name: "SgemmBenchmarks",
            dependencies: [
                .product(name: "Kernels", package: "VAPO"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SgemmBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
