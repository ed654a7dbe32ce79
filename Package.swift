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
        .library(name: "ArbSimCluster", targets: ["ArbSimCluster"]),
        // MARK: connectivity (issue #5)
        .library(name: "ArbState", targets: ["ArbState"]),
        .library(name: "ArbRPC", targets: ["ArbRPC"]),
        .library(name: "ArbFeeds", targets: ["ArbFeeds"]),
        // MARK: runtime (issue #7 part B)
        .library(name: "ArbRuntime", targets: ["ArbRuntime"]),
        // MARK: execution + journal (issue #7 part A)
        .library(name: "ArbExecution", targets: ["ArbExecution"]),
        .library(name: "ArbJournal", targets: ["ArbJournal"]),
        // MARK: perf — allocation counter for `solarb bench` (preloaded on demand; never linked into solarb)
        .library(name: "SolArbMallocCounter", type: .dynamic, targets: ["CMallocCounter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // MARK: gossip (issue 10)
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // MARK: simulated cluster (HTTP JSON-RPC + PubSub WebSocket on loopback)
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        // MARK: connectivity (issue #5) — swift-nio and hummingbird(-websocket) are declared above/below for other targets
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        // MARK: execution + journal (issue #7 part A)
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
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
        /// Counts malloc-family calls per thread (interposes malloc): linked into the inference tests, and preloaded by
        /// `solarb bench` from the SolArbMallocCounter product; not linked into `solarb`.
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
        // MARK: L1 — simulated cluster (pure ledger/runtime core + JSON-RPC/PubSub shell)
        .target(
            name: "ArbSimCluster",
            dependencies: [
                "SolanaPrimitives", "SolanaKeys", "ArbGuard",
                "ArbVenues", "ArbMath",  // DEX programs (issue #6 part 2a)
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // MARK: connectivity (issue #5): ArbState is L0 (pure), ArbRPC and ArbFeeds are L1 shells
        .target(
            name: "ArbState",
            dependencies: ["SolanaPrimitives"],
            swiftSettings: strict
        ),
        .target(
            name: "ArbRPC",
            dependencies: [
                "SolanaPrimitives", "ArbState",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ArbFeeds",
            dependencies: [
                "SolanaPrimitives", "ArbState", "ArbRPC",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // MARK: L0 — the arbitrage engine
        .target(
            name: "ArbEngine", dependencies: ["SolanaPrimitives", "ArbVenues", "ArbFeatures"], swiftSettings: strict),

        // MARK: L1 — execution (assembly, guard, risk, sending) and the journal (issue #7 part A)
        .target(
            name: "ArbExecution",
            dependencies: [
                "SolanaPrimitives", "SolanaKeys", "ArbGuard", "ArbVenues", "ArbEngine", "ArbRPC", "ArbFeeds",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ArbJournal",
            dependencies: [
                "SolanaPrimitives", "ArbEngine", "ArbExecution", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ArbExecutionTests",
            dependencies: [
                "ArbExecution", "ArbJournal", "ArbSimCluster", "ArbGuard", "ArbEngine", "ArbVenues", "ArbRPC",
                "SolanaPrimitives", "SolanaKeys", .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // safetyB: scripted RPC failures for the outcome-proof tests
                "ArbTestServer",
            ],
            swiftSettings: strict
        ),

        // MARK: L2 — runtime (issue #7 part B): the pipeline feeds → venues → engine → gate → executor
        .target(
            name: "ArbRuntime",
            dependencies: [
                "SolanaPrimitives", "SolanaKeys", "ArbState", "ArbRPC", "ArbFeeds", "ArbVenues", "ArbEngine",
                "ArbFeatures", "ArbInference", "ArbExecution", "ArbJournal",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ArbRuntimeTests",
            dependencies: [
                "ArbRuntime", "ArbSimCluster", "ArbRPC", "ArbFeeds", "ArbState", "ArbEngine", "ArbVenues",
                "ArbExecution", "ArbJournal", "SolanaPrimitives", "SolanaKeys", "ArbTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: L3 — CLI and tools
        .executableTarget(
            name: "ArbCLI",
            dependencies: [
                "SolanaPrimitives", "SolanaKeys", "ArbTestSupport",
                "ArbGuard", "ArbSBPF",
                "ArbCoordination", "ArbGossip",  // gossip (issue 10)
                "ArbMath", "ArbVenues",
                "ArbSimCluster",
                "ArbEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "ArbState", "ArbRPC", "ArbFeeds", .product(name: "Logging", package: "swift-log"),  // connectivity (#5)
                "ArbFeatures", "ArbInference",
                "ArbRuntime",  // runtime (issue #7 part B)
                "ArbExecution", "ArbJournal",  // execution + journal (issue #7 part A)
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
                "ArbMath", "ArbFeatures",  // engine2: CLMM builders, gate-feature mapping
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
        // MARK: Tests — simulated cluster
        .testTarget(
            name: "ArbSimClusterTests",
            dependencies: [
                "ArbSimCluster", "SolanaPrimitives", "SolanaKeys",
                "ArbVenues", "ArbMath", "ArbTestSupport",  // DEX programs (issue #6 part 2a)
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: strict
        ),
        // MARK: connectivity tests (issue #5): a scripted JSON-RPC + PubSub server on loopback
        .target(
            name: "ArbTestServer",
            dependencies: [
                "SolanaPrimitives",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ArbStateTests",
            dependencies: ["ArbState", "SolanaPrimitives"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ArbConnectivityTests",
            dependencies: [
                "ArbRPC", "ArbFeeds", "ArbState", "SolanaPrimitives", "ArbTestServer",
                .product(name: "Logging", package: "swift-log"),
                // issue #5 proof against the simulated cluster over loopback
                "ArbSimCluster", "SolanaKeys",
            ],
            resources: [.copy("Vectors")],
            swiftSettings: strict
        ),
    ]
)
