// swift-tools-version: 6.2
// SolArb — a Solana DEX arbitrage bot. Layers and modules: see docs/ARCHITECTURE-NOTES.md and
// ../shared/design/ARCHITECTURE.md. Dependencies point down only: L0 (pure) ← L1 (shells) ← runtime ← CLI.
import PackageDescription

/// Every target of ours: Swift 6 language mode, warnings are errors.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "SolArb",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "solarb", targets: ["ArbCLI"]),
        .executable(name: "solarb-conformance", targets: ["ArbConformanceTool"]),
        .library(name: "SolanaPrimitives", targets: ["SolanaPrimitives"]),
        .library(name: "SolanaKeys", targets: ["SolanaKeys"]),
        .library(name: "ArbTestSupport", targets: ["ArbTestSupport"]),
        .library(name: "ArbEngine", targets: ["ArbEngine"]),
        // MARK: AI runtime (issue #9)
        .library(name: "ArbFeatures", targets: ["ArbFeatures"]),
        .library(name: "ArbInference", targets: ["ArbInference"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // MARK: gossip (issue 10)
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // MARK: L0 — pure
        .target(
            name: "SolanaPrimitives",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "SolanaKeys",
            dependencies: ["SolanaPrimitives", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),

        // MARK: L0 — on-chain profit guard (sBPF assembler + ELF writer, the guard program, loader deploy plan)
        .target(name: "ArbSBPF", swiftSettings: strict),
        .target(name: "ArbGuard", dependencies: ["ArbSBPF", "SolanaPrimitives", "SolanaKeys"], swiftSettings: strict),

        // MARK: gossip (issue 10) — L0 pure membership/ownership, L1 NIO UDP shell
        .target(
            name: "ArbCoordination",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "ArbGossip",
            dependencies: [
                "ArbCoordination",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ArbCoordinationTests",
            dependencies: ["ArbCoordination", "ArbGossip"],
            swiftSettings: strict
        ),
        // MARK: AI runtime (issue #9): feature schema (L0, pure) and the ONNX evaluator (L1)
        .target(name: "ArbFeatures", swiftSettings: strict),
        .target(name: "ArbInference", dependencies: ["ArbFeatures"], swiftSettings: strict),
        /// Counts malloc-family calls per thread (interposes malloc; linked only into the CLI and inference tests).
        .target(name: "CMallocCounter"),
        // MARK: L0 — venues (ArbMath: pure integer pool math; ArbVenues: decode/quote/swap ix per DEX)
        .target(
            name: "ArbMath",
            swiftSettings: strict
        ),
        .target(
            name: "ArbVenues",
            dependencies: ["SolanaPrimitives", "ArbMath"],
            swiftSettings: strict
        ),

        // MARK: L0 — the arbitrage engine
        .target(name: "ArbEngine", dependencies: ["SolanaPrimitives", "ArbVenues"], swiftSettings: strict),

        // MARK: L3 — CLI and tools
        .executableTarget(
            name: "ArbCLI",
            dependencies: [
                "SolanaPrimitives", "SolanaKeys", "ArbTestSupport",
                "ArbGuard", "ArbSBPF",
                "ArbCoordination", "ArbGossip",  // gossip (issue 10)
                "ArbMath", "ArbVenues",
                "ArbEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "ArbFeatures", "ArbInference", "CMallocCounter",
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ArbConformanceTool",
            dependencies: ["ArbTestSupport"],
            swiftSettings: strict
        ),

        // MARK: Test support and tests
        .target(
            name: "ArbTestSupport",
            dependencies: ["SolanaPrimitives", "SolanaKeys"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SolanaPrimitivesTests",
            dependencies: [
                "SolanaPrimitives", "SolanaKeys", "ArbTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Vectors")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SolanaKeysTests",
            dependencies: ["SolanaKeys", "SolanaPrimitives", "ArbTestSupport"],
            swiftSettings: strict
        ),

        // MARK: Tests — arbitrage engine
        .testTarget(
            name: "ArbEngineTests",
            dependencies: [
                "ArbEngine", "ArbVenues", "SolanaPrimitives",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),

        // MARK: Tests — profit guard
        .testTarget(
            name: "ArbSBPFTests",
            dependencies: ["ArbSBPF", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ArbGuardTests",
            dependencies: [
                "ArbGuard", "ArbSBPF", "SolanaPrimitives", "SolanaKeys",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),

        // MARK: AI runtime tests (issue #9)
        .testTarget(
            name: "ArbInferenceTests",
            dependencies: ["ArbInference", "ArbFeatures", "CMallocCounter"],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        // MARK: Venue tests
        .testTarget(
            name: "ArbMathTests",
            dependencies: [
                "ArbMath", "ArbTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ArbVenuesTests",
            dependencies: [
                "ArbVenues", "ArbMath", "SolanaPrimitives", "SolanaKeys", "ArbTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
    ]
)
