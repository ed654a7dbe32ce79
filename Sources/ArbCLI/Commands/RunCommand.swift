import ArbEngine
import ArbExecution
import ArbRPC
import ArbRuntime
import ArbSimCluster
import ArgumentParser
import Foundation
import Logging
import SolanaKeys
import SolanaPrimitives

/// `solarb run`: the bot trading end to end — against the simulated cluster started in-process (default) or a
/// real cluster (--rpc/--ws/--keypair; sends only with --live).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bot: the simulated cluster in-process by default, or a real cluster with --rpc/--ws.",
        discussion: """
            WITHOUT --rpc: starts the simulated Solana cluster inside this process on 127.0.0.1 (free ports), \
            makes a keypair (mode 0600) in the run directory, funds it, and trades through the real RPC and \
            WebSocket code over loopback. Nothing leaves the machine.

            WITH --rpc/--ws/--keypair: talks to that cluster. SAFETY: without --live nothing is ever sent and \
            nothing is signed — each transaction the bot would send is built and its UNSIGNED message SIMULATED \
            (simulateTransaction, sigVerify off), and its outcome reported. With --live, signed transactions are \
            sent to every --rpc endpoint. Only the --live flag on the command line enables sending: a config-file \
            key "live" or the SOLARB_LIVE variable is refused with an error. The cluster is identified \
            by its genesis hash (mainnet-beta is named in the banner) before anything happens. Every transaction \
            carries a profit guard: the last leg's minimum output is at least input + costs + minimum profit, so a \
            stale or contested trade reverts (costing only its fee) instead of losing.

            Settings come from, lowest to highest priority: defaults, --config FILE (JSON; keys: rpc, ws, keypair, \
            pools, baseTokens, capital, minProfit, slippageBps, maxLegs, computeUnitPrice, model, \
            gateThreshold, journal, journalSync, runDirectory, duration, slots, statusInterval, commitment, \
            scenario, slotMs, seed, guardProgram), environment variables SOLARB_RPC, SOLARB_WS, SOLARB_KEYPAIR, \
            SOLARB_POOLS, \
            SOLARB_BASE_TOKENS, SOLARB_CAPITAL, SOLARB_MIN_PROFIT (maps as mint=amount,…), SOLARB_SLIPPAGE_BPS, \
            SOLARB_MAX_LEGS, SOLARB_CU_PRICE, SOLARB_MODEL, SOLARB_GATE_THRESHOLD, SOLARB_JOURNAL, SOLARB_JOURNAL_SYNC, SOLARB_RUN_DIR, \
            SOLARB_DURATION, SOLARB_SLOTS, SOLARB_STATUS_INTERVAL, SOLARB_COMMITMENT, SOLARB_SCENARIO, \
            SOLARB_SLOT_MS, SOLARB_SEED, SOLARB_GUARD_PROGRAM, then these flags. Amounts are integers in base units (lamports for SOL).

            A status line (slot, pools, opportunities, sent/landed/failed, PnL, latency p50/p99) is shown on a \
            terminal, log lines otherwise. Ctrl-C (SIGINT) or SIGTERM drains: no new opportunity is taken, trades \
            in flight are awaited, then a summary is printed (with the share of available profit captured when the \
            simulated cluster reports it, and the reaction latency measured by the cluster).
            """
    )

    @Option(help: "JSON config file (see the key list above).") var config: String?
    @Option(name: .customLong("rpc"), help: "JSON-RPC endpoint of a real cluster (repeat for several).")
    var rpc: [String] = []
    @Option(help: "PubSub WebSocket endpoint of that cluster.") var ws: String?
    @Option(help: "Keypair file (Solana CLI format) of the trading wallet (real cluster).") var keypair: String?
    @Flag(
        help:
            "Really send signed transactions to the real cluster (otherwise: simulate unsigned, send nothing). Only this flag enables it."
    ) var live = false
    @Option(name: .customLong("pool"), help: "Pool state account to trade (repeat). Default: discover all.")
    var pools: [String] = []
    @Option(help: "Minimum net profit in lamports for SOL-based cycles.") var minProfit: UInt64?
    @Option(
        help:
            "Per-trade cap in lamports for SOL-based cycles (default 10 SOL; it also caps sizes, so a small value leaves profit on deep pools)."
    ) var capital: UInt64?
    @Option(help: "Slippage allowance on the last leg, in bps (never below break-even).") var slippageBps: UInt64?
    @Option(help: "Longest cycle (2…4 legs).") var maxLegs: Int?
    @Option(
        help:
            "Compute-unit price floor in micro-lamports (default 0): recent prioritization fees on the traded pools may raise it; it is capped at a share of the expected profit. Within a block transactions are ordered by priority fee."
    ) var cuPrice: UInt64?
    @Option(help: "ONNX model for the AI gate (ArbInference).") var model: String?
    @Option(help: "AI gate: trade when the model's score is at least this.") var gateThreshold: Double?
    @Option(help: "Directory for the run's keypair (simulated cluster), journal and summary.") var runDir: String?
    @Option(help: "Journal path (default <run-dir>/journal.sqlite).") var journal: String?
    @Option(
        help: """
            Journal durability: process (default; a committed row survives a process kill, an OS crash or power \
            loss can lose the last commits; no fsync before sending) or full (one fsync per commit, before every send).
            """)
    var journalSync: String?
    @Option(help: "Stop after this many seconds.") var duration: Double?
    @Option(help: "Stop after this many slots.") var slots: UInt64?
    @Option(help: "Seconds between status lines.") var statusInterval: Double?
    @Option(help: "Commitment of reads and the feed: processed, confirmed or finalized.") var commitment: String?
    @Option(help: "Simulated cluster: scenario file (default scenario when absent).") var scenario: String?
    @Option(help: "Simulated cluster: slot time in milliseconds.") var slotMs: UInt64?
    @Option(help: "Simulated cluster: seed.") var seed: UInt64?
    @Option(help: "Address of the deployed profit-guard program (real cluster; required with --live).")
    var guardProgram: String?
    @Flag(help: "Simulated cluster: no competing searchers (measures the share captured uncontested).")
    var uncontested = false
    @Flag(
        help: """
            Simulated cluster: do not run the ground-truth worker (the exhaustive best-arbitrage search after each \
            block, which keeps a core busy); the share captured is then not computed. For latency measurements.
            """)
    var noGroundTruth = false
    @Option(help: "Also write the summary as JSON to this file.") var summaryJson: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func overrides() -> RuntimeConfiguration.Overrides {
        var o = RuntimeConfiguration.Overrides()
        if !rpc.isEmpty { o.rpc = rpc }
        o.ws = ws
        o.keypair = keypair
        if !pools.isEmpty { o.pools = pools }
        if let minProfit { o.minProfit = [EngineConfig.wrappedSol.base58: minProfit] }
        if let capital { o.capital = [EngineConfig.wrappedSol.base58: capital] }
        o.slippageBps = slippageBps
        o.maxLegs = maxLegs
        o.computeUnitPrice = cuPrice
        o.model = model
        o.gateThreshold = gateThreshold
        o.runDirectory = runDir
        o.journal = journal
        o.journalSync = journalSync
        o.duration = duration
        o.slots = slots
        o.statusInterval = statusInterval
        o.commitment = commitment
        o.scenario = scenario
        o.slotMs = slotMs
        o.seed = seed
        o.guardProgram = guardProgram
        return o
    }

    func resolvedConfiguration() throws -> RuntimeConfiguration {
        var file: (data: Data, source: String)?
        if let config {
            file = (try Data(contentsOf: URL(fileURLWithPath: (config as NSString).expandingTildeInPath)), config)
        }
        // `live` comes from the --live flag alone (a config key `live` or SOLARB_LIVE is refused).
        return try RuntimeConfiguration.resolve(
            configFile: file, environment: ProcessInfo.processInfo.environment, flags: overrides(), liveFlag: live)
    }

    func run() async throws {
        let c: RuntimeConfiguration
        do { c = try resolvedConfiguration() } catch let e as RuntimeError { throw ValidationError(e.detail) }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level: one of trace, debug, info, notice, warning, error")
        }
        var logger = Logger(label: "solarb.run")
        logger.logLevel = level
        try FileManager.default.createDirectory(atPath: c.runDirectory, withIntermediateDirectories: true)
        let session = RunSession(
            configuration: c, logger: logger, summaryPath: summaryJson, uncontested: uncontested,
            groundTruth: !noGroundTruth)
        if c.rpcURLs.isEmpty {
            try await session.runSimulated()
        } else {
            try await session.runReal()
        }
    }
}

/// One `solarb run`: wires the cluster (in-process or real), the runtime, signals, status and summary.
struct RunSession: Sendable {
    let configuration: RuntimeConfiguration
    let logger: Logger
    let summaryPath: String?
    let uncontested: Bool
    var groundTruth = true

    static let mainnetGenesis = "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d"
    static let devnetGenesis = "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG"
    static let testnetGenesis = "4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY"

    // MARK: simulated cluster

    func runSimulated() async throws {
        let c = configuration
        // The wallet: reused when the run directory already has one (a restart), else made (mode 0600).
        let keyPath = c.keypairPath ?? (c.runDirectory as NSString).appendingPathComponent("keypair.json")
        let wallet: Keypair
        if FileManager.default.fileExists(atPath: keyPath) {
            wallet = try KeypairFile.read(path: keyPath)
        } else {
            wallet = Keypair()
            try KeypairFile.write(wallet, path: keyPath)
        }
        let funding: UInt64 = 1_000 * 1_000_000_000
        let cluster = SimCluster(
            configuration: BankConfiguration(
                seed: c.seed, slotMilliseconds: c.slotMilliseconds,
                genesisAccounts: [wallet.address: Account(lamports: funding)], programs: SimulatedMarket.programs()))
        let setup = try await SimulatedMarket.install(cluster: cluster, configuration: c, uncontested: uncontested)
        let probe = LatencyProbe()
        await cluster.installLatencyProbe(probe)
        let (ready, readySink) = AsyncStream.makeStream(of: SimClusterServer.Endpoints.self)
        let slotDuration = Duration.milliseconds(Int64(clamping: c.slotMilliseconds))
        let journalPath = c.journalPath ?? (c.runDirectory as NSString).appendingPathComponent("journal.sqlite")
        let logger = self.logger
        // Ground truth (the best arbitrage after each block) is computed off the cluster actor, at low priority, in
        // a task the run does not wait for: at exit it is cancelled and only finished slots are reported.
        // Without it (--no-ground-truth) blocks only queue their snapshots, nothing computes them.
        if !groundTruth { await cluster.setGroundTruthInline(false) }
        let ledger = AvailableProfitLedger()
        let groundTruthWorker = Task.detached(priority: .background) { [groundTruth] in
            guard groundTruth else { return }
            try? await cluster.runAvailableProfitWorker(
                ledger: ledger, clock: ContinuousClock(), idle: .milliseconds(20))
        }
        defer { groundTruthWorker.cancel() }
        let outcome: RunOutcome = try await withThrowingTaskGroup(of: RunOutcome?.self) { group in
            group.addTask {
                var serverLogger = SimClusterServer.defaultLogger
                serverLogger.logLevel = .critical
                try await SimClusterServer.run(
                    cluster: cluster, configuration: .init(rpcPort: 0, webSocketPort: 0, slotDuration: slotDuration),
                    logger: serverLogger
                ) { endpoints in readySink.yield(endpoints) }
                return nil
            }
            group.addTask {
                var iterator = ready.makeAsyncIterator()
                guard let endpoints = await iterator.next() else { return nil }
                print(
                    """
                    solarb run — simulated cluster in-process (nothing leaves this machine)
                      JSON-RPC:  \(endpoints.rpcURL)
                      WebSocket: \(endpoints.webSocketURL)
                      wallet:    \(wallet.address) (\(keyPath), mode 0600; funded with \(RuntimeStatus.sol(Int64(funding))) SOL)
                      market:    \(setup.description)
                      journal:   \(journalPath)
                    """)
                let rpc = RPCClient(
                    configuration: .init(endpoints: [RPCEndpoint(url: endpoints.rpcURL, name: "simcluster")]),
                    logger: logger)
                let blockhashes = BlockhashCache()
                let genesis = await cluster.bank.genesisHash.description
                let executor = try JournaledExecutor.standard(
                    mode: .send, configuration: c, guardProgram: setup.guardProgram, journalPath: journalPath,
                    clusterGenesis: genesis, rpc: rpc, wsURL: endpoints.webSocketURL, signer: wallet,
                    blockhashes: blockhashes,
                    lookupTables: setup.lookupTables, logger: logger)
                var runConfig = c
                if runConfig.pools.isEmpty { runConfig.pools = setup.pools }
                let runtime = ArbRuntime(
                    configuration: runConfig, rpc: rpc, wsURL: endpoints.webSocketURL, executor: executor,
                    blockhashes: blockhashes, logger: logger)
                let status = try await self.drive(runtime)
                return RunOutcome(status: status, results: runtime.completedTrades)
            }
            var result: RunOutcome?
            while let r = try await group.next() {
                if let r {
                    result = r
                    break
                }
            }
            group.cancelAll()
            return result ?? RunOutcome(status: RuntimeStatus(), results: [])
        }
        let s = outcome.status
        let truth = await SimulatedMarket.groundTruth(
            cluster, ledger: ledger, slots: s.startSlot...max(s.startSlot, s.slot), wallet: wallet.address,
            waitUpTo: groundTruth ? .seconds(120) : .zero)
        printSummary(
            s, cluster: probe.summary(), truth: truth, mode: "simulated cluster (sending)",
            transit: Transit(results: outcome.results, samples: probe.samples))
    }
    // MARK: real cluster

    func runReal() async throws {
        let c = configuration
        guard let keyPath = c.keypairPath, let ws = c.wsURL else { return }
        let wallet = try KeypairFile.read(path: keyPath) { warning in
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        let rpc = RPCClient(configuration: .init(endpoints: c.rpcURLs.map { RPCEndpoint(url: $0) }), logger: logger)
        // The cluster is identified before anything else: the banner names it and the journal is bound to it.
        let genesis: String
        do {
            guard let g = try await rpc.call("getGenesisHash", []).string else {
                throw ValidationError("getGenesisHash: not a string")
            }
            genesis = g
        } catch {
            throw ValidationError("cannot identify the cluster (getGenesisHash): \(error)")
        }
        let name: String
        switch genesis {
        case Self.mainnetGenesis: name = "MAINNET-BETA"
        case Self.devnetGenesis: name = "devnet"
        case Self.testnetGenesis: name = "testnet"
        default: name = "unknown cluster"
        }
        if c.live && c.guardProgram == nil {
            throw ValidationError("--live needs --guard-program (the deployed profit guard; see docs/guard.md)")
        }
        // The guard must be this build's guard, deployed unmodified, replaceable by nobody but the wallet.
        var guardLine = "none — dry run only, each leg guarded by its own minimum output"
        if let g = c.guardProgram {
            do {
                let v = try await GuardVerification.verify(rpc, guardProgram: g, wallet: wallet.address)
                guardLine =
                    "\(g) — verified: this build's guard (\(v.build)), "
                    + (v.upgradeAuthority == nil ? "immutable" : "upgradeable only by the wallet")
            } catch {
                if c.live { throw ValidationError("--guard-program \(g) refused: \(error.detail)") }
                guardLine = "\(g) — NOT VERIFIED (\(error.detail)); --live would refuse it"
            }
        }
        print(
            """
            solarb run — \(name) (genesis \(genesis)) via \(rpc.configuration.endpoints.map(\.name).joined(separator: ", "))
              wallet: \(wallet.address)
              guard:  \(guardLine)
              mode:   \(c.live ? "LIVE — signed transactions are SENT (real funds at risk)" : "dry run — every transaction is simulated, nothing is sent (add --live to send)")
            """)
        let blockhashes = BlockhashCache()
        let executor: any Executor
        if let guardProgram = c.guardProgram {
            executor = try JournaledExecutor.standard(
                mode: c.live ? .send : .simulate, configuration: c, guardProgram: guardProgram,
                journalPath: c.journalPath ?? (c.runDirectory as NSString).appendingPathComponent("journal.sqlite"),
                clusterGenesis: genesis, rpc: rpc, wsURL: ws, signer: wallet, blockhashes: blockhashes,
                lookupTables: [:], logger: logger)
        } else {
            // No guard program: dry run only (checked above); the last leg's minimum output is the profit guard.
            executor = SwapExecutor(
                mode: .simulate, rpc: rpc, signer: wallet, blockhashes: blockhashes,
                computeUnitPrice: c.computeUnitPriceMicroLamports, minProfit: c.minProfit, logger: logger)
        }
        let runtime = ArbRuntime(
            configuration: c, rpc: rpc, wsURL: ws, executor: executor, blockhashes: blockhashes, logger: logger)
        let status = try await drive(runtime)
        printSummary(status, cluster: nil, truth: nil, mode: c.live ? "live" : "dry run (simulated each transaction)")
    }

    // MARK: common

    /// Runs the runtime with signal handling and the status display; returns the final status.
    func drive(_ runtime: ArbRuntime) async throws -> RuntimeStatus {
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { sig in
            FileHandle.standardError.write(
                Data("\nsignal \(sig): draining (no new trades; waiting for trades in flight)…\n".utf8))
            runtime.requestStop()
        }
        defer { signals.cancel() }
        let tty = isatty(1) == 1
        let interval = RuntimeConfiguration.duration(seconds: configuration.statusIntervalSeconds)
        return try await withThrowingTaskGroup(of: RuntimeStatus?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                    let line = runtime.status.line
                    if tty {
                        FileHandle.standardOutput.write(Data("\r\u{1B}[K\(line)".utf8))
                    } else {
                        print(line)
                    }
                }
                return nil
            }
            group.addTask { try await runtime.run() }
            var final: RuntimeStatus?
            while let r = try await group.next() {
                if let r {
                    final = r
                    break
                }
            }
            group.cancelAll()
            if tty { print("") }
            return final ?? runtime.status
        }
    }

    func printSummary(
        _ s: RuntimeStatus, cluster: LatencyProbe.Summary?, truth: GroundTruth?, mode: String, transit: Transit? = nil
    ) {
        var lines: [String] = []
        lines.append("summary (\(mode))")
        lines.append("  slots:          \(s.startSlot) → \(s.slot) (\(s.slot &- s.startSlot))")
        lines.append("  pools:          \(s.pools) traded, \(s.poolsRejected) rejected; \(s.cycles) cycles indexed")
        lines.append("  updates:        \(s.updates) account updates in \(s.batches) batches")
        lines.append(
            "  opportunities:  \(s.opportunities) ranked; \(s.submitted) submitted, \(s.gatedOut) gated out, "
                + "\(s.skippedBusy) skipped (pools busy), \(s.skippedStale) skipped (feed stale)")
        let outcomes = s.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("  outcomes:       \(outcomes.isEmpty ? "none" : outcomes)")
        lines.append(
            "  profit:         expected (landed) \(RuntimeStatus.sol(Int64(clamping: s.expectedLandedLamports))) SOL; "
                + "measured PnL \(RuntimeStatus.sol(s.pnlLamports)) SOL")
        lines.append(
            "  latency (bot):  notification received → signed bytes: p50 \(RuntimeStatus.micros(s.latency.percentile(50))), "
                + "p99 \(RuntimeStatus.micros(s.latency.percentile(99))) over \(s.latency.count) decisions")
        lines.append("  hot path (per decision; times from the first notification's receipt):")
        lines += s.stageTable
        lines.append(
            "  settle:         pools released complete \(s.settledComplete), feed past the slot \(s.settledFeedPassed), "
                + "deadline \(s.settledDeadline)")
        if let transit, transit.webSocket.count > 0 {
            lines.append(
                "  transit (same clock, in-process): cluster wrote first notification → bot received it: p50 "
                    + "\(RuntimeStatus.micros(transit.webSocket.percentile(50))), p99 "
                    + "\(RuntimeStatus.micros(transit.webSocket.percentile(99))); bot issued send → cluster handled it: p50 "
                    + "\(RuntimeStatus.micros(transit.http.percentile(50))), p99 \(RuntimeStatus.micros(transit.http.percentile(99))) "
                    + "(\(transit.webSocket.count) transactions)")
        }
        if let cluster {
            lines.append(
                "  latency (cluster): notification written → sendTransaction received: p50 "
                    + "\(RuntimeStatus.micros(UInt64(max(0, cluster.p50FromFirst)))), p99 "
                    + "\(RuntimeStatus.micros(UInt64(max(0, cluster.p99FromFirst)))) over \(cluster.transactions) "
                    + "transactions (\(cluster.unattributed) unattributed); from the LAST notification of that slot "
                    + "among the transaction's accounts: p50 \(RuntimeStatus.micros(UInt64(max(0, cluster.p50FromLast)))), "
                    + "p99 \(RuntimeStatus.micros(UInt64(max(0, cluster.p99FromLast))))")
        }
        if let truth, truth.slots < truth.runSlots {
            lines.append(
                "  captured:       \(GroundTruth.usd(truth.capturedMicroUsd)) captured (landed, net of fees); share NOT "
                    + "computed: available profit covers only \(truth.slots) of \(truth.runSlots) slots "
                    + "(\(GroundTruth.usd(truth.availableMicroUsd)) on those; the search fell behind)")
        } else if let truth {
            lines.append(
                "  share captured: \(truth.sharePercent) = \(GroundTruth.usd(truth.capturedMicroUsd)) captured (landed, net of "
                    + "fees, pre/post balances at fair prices) / \(GroundTruth.usd(truth.availableMicroUsd)) available "
                    + "(new opportunities on disjoint pools after each block, counted once; docs/runtime.md); "
                    + "coverage \(truth.slots)/\(truth.runSlots) slots")
        } else {
            lines.append("  captured:       n/a (no ground truth from this cluster)")
        }
        print(lines.joined(separator: "\n"))
        if let summaryPath {
            var o: [String: Any] = [
                "startSlot": s.startSlot, "slot": s.slot, "pools": s.pools, "cycles": s.cycles,
                "opportunities": s.opportunities, "submitted": s.submitted, "outcomes": s.outcomes,
                "expectedLandedLamports": s.expectedLandedLamports, "pnlLamports": s.pnlLamports,
                "latencyP50Ns": s.latency.percentile(50), "latencyP99Ns": s.latency.percentile(99),
                "decisions": s.latency.count,
                "settledComplete": s.settledComplete, "settledFeedPassed": s.settledFeedPassed,
                "settledDeadline": s.settledDeadline,
            ]
            for stage in TradeTimeline.Stage.allCases where s.stageLatency[stage.rawValue].count > 0 {
                let h = s.stageLatency[stage.rawValue]
                let d = s.stageDelta[stage.rawValue]
                o["stage.\(stage).p50Ns"] = h.percentile(50)
                o["stage.\(stage).p99Ns"] = h.percentile(99)
                o["stage.\(stage).stepP50Ns"] = d.percentile(50)
                o["stage.\(stage).stepP99Ns"] = d.percentile(99)
            }
            if let transit, transit.webSocket.count > 0 {
                o["transitWebSocketP50Ns"] = transit.webSocket.percentile(50)
                o["transitWebSocketP99Ns"] = transit.webSocket.percentile(99)
                o["transitHTTPP50Ns"] = transit.http.percentile(50)
                o["transitHTTPP99Ns"] = transit.http.percentile(99)
            }
            if let cluster {
                o["clusterLatencyP50Ns"] = cluster.p50FromFirst
                o["clusterLatencyP99Ns"] = cluster.p99FromFirst
                o["clusterLatencyTransactions"] = cluster.transactions
                o["clusterLatencyFromLastP50Ns"] = cluster.p50FromLast
                o["clusterLatencyFromLastP99Ns"] = cluster.p99FromLast
            }
            if let truth {
                o["availableMicroUsd"] = truth.availableMicroUsd
                o["capturedMicroUsd"] = truth.capturedMicroUsd
                o["groundTruthSlots"] = truth.slots
                o["runSlots"] = truth.runSlots
            }
            if let data = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .prettyPrinted]) {
                _ = FileManager.default.createFile(atPath: summaryPath, contents: data)
            }
        }
    }
}

/// In-process runs only (the cluster's probe and the bot share one clock): the two transits around the bot's
/// hot path, per sent transaction — the cluster writing the first notification of the slot the transaction
/// answered → the bot receiving the notification that started its decision, and the bot issuing sendTransaction →
/// the cluster's handler receiving it.
struct Transit: Sendable {
    var webSocket = LatencyHistogram()
    var http = LatencyHistogram()

    init(results: [CompletedTrade], samples: [LatencyProbe.Sample]) {
        var bySignature: [Signature: LatencyProbe.Sample] = [:]
        for s in samples { bySignature[s.signature] = s }
        func ns(_ d: Duration) -> UInt64 {
            let (sec, atto) = d.components
            return UInt64(clamping: max(0, sec * 1_000_000_000 + atto / 1_000_000_000))
        }
        for t in results {
            guard let sig = t.result.signature, let sample = bySignature[sig], let timeline = t.result.timeline,
                let issued = timeline.instant(.sendIssued)
            else { continue }
            webSocket.record(ns(timeline.received - sample.firstWritten))
            http.record(ns(sample.received - issued))
        }
    }
}

struct RunOutcome: Sendable {
    var status: RuntimeStatus
    var results: [CompletedTrade]
}

/// The available and captured profit over a run, from the simulated cluster's ground truth (micro-USD).
struct GroundTruth: Sendable {
    /// Slots with a computed ground truth, and slots in the run.
    var slots: UInt64
    var runSlots: UInt64
    var availableMicroUsd: Int64
    var capturedMicroUsd: Int64
    var sharePercent: String {
        guard availableMicroUsd > 0 else { return "n/a: no profit was available" }
        let bp = Int128(capturedMicroUsd) * 10_000 / Int128(availableMicroUsd)
        let frac = Int(abs(bp % 100))
        return "\(bp / 100).\(frac < 10 ? "0" : "")\(frac) %"
    }
    static func usd(_ micro: Int64) -> String {
        let m = micro.magnitude
        let cents = String(m % 1_000_000 / 10_000)
        return "\(micro < 0 ? "-" : "")$\(m / 1_000_000).\(cents.count < 2 ? "0" : "")\(cents)"
    }
}

/// Turns SIGINT/SIGTERM into a callback (the default action is suspended while watching).
final class SignalWatcher {
    let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        var sources: [any DispatchSourceSignal] = []
        for s in signals {
            signal(s, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
            source.setEventHandler { handler(s) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() {
        for s in sources { s.cancel() }
    }
}
