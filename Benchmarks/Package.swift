// swift-tools-version: 6.1
// SolArb benchmarks (ordo-one/benchmark). Run: cd Benchmarks && swift package benchmark
// Each benchmark target lives in Benchmarks/<Name>/ and is added below.
import PackageDescription

let package = Package(
    name: "SolArbBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "SolArb", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "TransactionBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SolanaPrimitives", package: "SolArb"),
                .product(name: "SolanaKeys", package: "SolArb"),
                .product(name: "ArbTestSupport", package: "SolArb"),
            ],
            path: "Benchmarks/TransactionBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
