import ArbSimCluster
import ArgumentParser
import Foundation
import SolanaKeys
import SolanaPrimitives

/// `solarb localnet`: the simulated Solana cluster, standalone (JSON-RPC on 8899, PubSub on 8900 by default).
struct LocalnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localnet",
        abstract: "Run the simulated Solana cluster on loopback (JSON-RPC + PubSub WebSocket) with a funded keypair.",
        discussion: """
            Speaks the standard Solana JSON-RPC and PubSub APIs, like solana-test-validator, with System, Compute \
            Budget, SPL Token, Associated Token Account, Address Lookup Table and Memo programs at their real ids. \
            Writes a funded keypair (mode 0600) and prints its path and address; the secret is never printed. \
            Runs a market (tokens, pools of the five DEX kinds, noise traders, competing searchers, ground truth) \
            from --scenario, or the built-in default scenario (scenarios/default.json); --no-market runs the bare \
            cluster. Stop with Ctrl-C.
            """
    )

    @Option(help: "JSON-RPC port (0 = any free port).") var rpcPort = 8899
    @Option(help: "PubSub WebSocket port (0 = any free port).") var wsPort = 8900
    @Option(help: "Slot time in milliseconds.") var slotMs: UInt64 = 400
    @Option(help: "Seed of the ledger (same seed and inputs → same ledger).") var seed: UInt64 = 0
    @Option(help: "The funded keypair: reused if the file exists, else created (mode 0600).") var keypair =
        "localnet-keypair.json"
    @Option(help: "Lamports given to the funded keypair.") var fund: UInt64 = 1_000 * 1_000_000_000
    @Option(help: "Market scenario file (JSON, docs/simcluster.md); default: the built-in default scenario.")
    var scenario: String?
    @Flag(help: "Run the bare cluster without a market.") var noMarket = false
    @Option(help: "Print a market summary line every N slots (0 = never).") var reportSlots: UInt64 = 0

    func validate() throws {
        guard slotMs >= 1 else { throw ValidationError("--slot-ms must be at least 1") }
        guard !(noMarket && scenario != nil) else {
            throw ValidationError("--no-market and --scenario exclude each other")
        }
    }

    func run() async throws {
        // An existing file is reused (and funded), never overwritten: it may be a real key.
        let kp: Keypair
        if FileManager.default.fileExists(atPath: (keypair as NSString).expandingTildeInPath) {
            kp = try KeypairFile.read(path: keypair) { warning in
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
        } else {
            kp = Keypair()
            try KeypairFile.write(kp, path: keypair)
        }
        let bank = BankConfiguration(
            seed: seed, slotMilliseconds: slotMs,
            genesisAccounts: [kp.address: Account(lamports: fund)])
        let cluster = SimCluster(configuration: bank)
        var marketText = ""
        if !noMarket {
            let sc: Scenario
            do {
                sc = try scenario.map { try Scenario.load(path: $0) } ?? Scenario.builtInDefault()
            } catch {
                throw ValidationError("\(error)")
            }
            let market = try await cluster.installMarket(sc)
            marketText = Self.describe(
                market, scenario: sc, file: scenario ?? "built-in default (scenarios/default.json)")
        }
        let path = URL(fileURLWithPath: keypair).standardizedFileURL.path
        let marketSummary = marketText
        let lamports = fund
        let report = reportSlots
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await SimClusterServer.run(
                    cluster: cluster,
                    configuration: .init(
                        rpcPort: rpcPort, webSocketPort: wsPort, slotDuration: .milliseconds(Int64(slotMs)),
                        stopOnSignals: true)
                ) { endpoints in
                    let text = """
                        solarb localnet (simulated cluster)
                          JSON-RPC:  \(endpoints.rpcURL)
                          WebSocket: \(endpoints.webSocketURL)
                          funded keypair: \(path) (\(kp.address), \(lamports) lamports)
                          slot time: \(slotMs) ms, seed \(seed)
                        \(marketSummary)
                        """
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            }
            if !noMarket {
                // Ground truth off the slot path: blocks queue snapshots, this task computes them.
                group.addTask {
                    try await cluster.runGroundTruthWorker(clock: ContinuousClock(), idle: .milliseconds(20))
                }
            }
            if report > 0 && !noMarket {
                group.addTask { try await Self.reportLoop(cluster, every: report, slotMs: slotMs) }
            }
            // The server returns on SIGINT/SIGTERM; then stop the helpers.
            try await group.next()
            group.cancelAll()
        }
    }

    static func describe(_ m: MarketDescription, scenario: Scenario, file: String) -> String {
        var lines = [
            "  market: \(scenario.name ?? "scenario") from \(file), market seed \(scenario.seed)", "  tokens:",
        ]
        for t in m.tokens {
            lines.append(
                "    \(t.symbol.padding(toLength: 6, withPad: " ", startingAt: 0)) \(t.mint)  decimals \(t.decimals)")
        }
        lines.append("  pools (\(m.pools.count); \(m.cycles) arbitrage cycles watched by the ground truth):")
        for p in m.pools {
            lines.append(
                "    \(p.address)  \(p.kind.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(p.pair.joined(separator: "/"))"
            )
        }
        lines.append("  agents: \(m.noiseTraders.count) noise traders, \(m.searchers.count) competing searchers")
        lines.append("  ground truth: simGetGroundTruth [fromSlot, toSlot]; captured profit: simGetCapturedProfit")
        return lines.joined(separator: "\n") + "\n"
    }

    static func reportLoop(_ cluster: SimCluster, every: UInt64, slotMs: UInt64) async throws {
        var next = every
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(Int64(slotMs * every)))
            let slot = await cluster.slot
            guard slot >= next else { continue }
            next = slot + every
            // Only what the ground-truth worker has computed: never run the search on the cluster's actor.
            let gt = await cluster.groundTruth(slots: (slot > every ? slot - every : 0)...slot, computePending: false)
            let available = gt.reduce(UInt64(0)) { $0 + $1.availableMicroUsd }
            let line =
                "slot \(slot): available arbitrage (sum over slots of the pool-disjoint best cycles) over the last \(gt.count) slots: $\(USD(micro: available).description)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
