import ArbEngine
import ArbExecution
import ArbGuard
import ArbJournal
import ArbRPC
import ArbSimCluster
import ArbVenues
import Foundation
import Logging
import SolanaKeys
import SolanaPrimitives
import Testing

func tempPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("solarb-\(name)-\(UUID().uuidString).sqlite").path
}

func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

/// Removes a journal and its WAL files.
func removeJournal(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// One trade through the whole execution path as the runtime does it: fees, assembly (simulated or not), journal
/// (opportunity, decision, intent committed before sending), risk clearance, signing, sending, outcome.
struct Trader {
    let market: Market
    let client: RPCClient
    let sender: Sender
    let journal: Journal
    let assembler: TransactionAssembler
    var risk = RiskManager(config: RiskConfig())
    var lookupTables: [AddressLookupTableAccount] = []

    var baseAccount: Address { AssociatedTokenAccount.address(wallet: market.wallet.address, mint: market.baseMint) }

    mutating func trade(_ opp: Opportunity, venues: [Address: any Venue], simulate: Bool) async throws -> (
        SignedArbTransaction, ExecutionOutcome
    ) {
        let latest = try await client.getLatestBlockhash().value
        let balance = try await client.getTokenAccountBalance(baseAccount).value.amount
        var input = AssemblyInput(
            opportunity: opp, venues: venues, payer: market.wallet.address, blockhash: latest.blockhash,
            lastValidBlockHeight: latest.lastValidBlockHeight, balances: [market.baseMint: balance])
        input.lookupTables = lookupTables
        // Fee samples over the writable accounts of a first draft.
        let draft = try assembler.assemble(input)
        input.recentPriorityFees = try await PriorityFees.fetch(client, writableAccounts: draft.writableAccounts)
        let tx = simulate ? try await assembler.assembleSimulated(input, client: client) : try assembler.assemble(input)
        let oppId = try journal.recordOpportunity(opp, atMilliseconds: nowMs())
        try journal.recordDecision(opportunityId: oppId, taken: true, reason: "profitable", atMilliseconds: nowMs())
        let clearance = try risk.clear(
            baseMint: opp.baseMint, notional: opp.amountIn, nowMilliseconds: nowMs(), killSwitchEngaged: false)
        let signed = try assembler.sign(
            tx, clearance: clearance, payer: market.wallet, otherSigners: [market.poolAuthority])
        let slot = try await client.getSlot()
        try journal.recordIntent(
            SubmissionIntent(opportunityId: oppId, transaction: signed, slot: slot, atMilliseconds: nowMs()))
        let outcome = await sender.execute(signed)
        try journal.recordOutcome(outcome, atMilliseconds: nowMs())
        risk.record(
            success: outcome.outcome == .landed, pnlLamports: outcome.lamportDelta ?? 0, nowMilliseconds: nowMs())
        return (signed, outcome)
    }
}

@Suite(.serialized) struct ClusterExecutionTests {
    func makeTrader(_ market: Market, _ client: RPCClient, _ endpoints: SimClusterServer.Endpoints, journal: Journal)
        -> Trader
    {
        var sc = SenderConfig(webSocketURL: endpoints.webSocketURL)
        sc.pollInterval = .milliseconds(20)
        return Trader(
            market: market, client: client, sender: Sender(client: client, config: sc, logger: X.quietLogger),
            journal: journal, assembler: TransactionAssembler(config: AssemblyConfig(guardProgram: X.guardProgram)))
    }

    @Test func profitableTradeLandsAndContestedOneRevertsByItsGuard() async throws {
        let market = Market.make(legs: 2, rates: [(101, 100), (101, 100)])
        let path = tempPath("land")
        defer { removeJournal(path) }
        try await withCluster(genesis: market.genesis(walletBalance: 50_000_000, vaultBalance: 1_000_000_000)) {
            cluster, endpoints, client in
            let journal = try Journal(path: path)
            var trader = makeTrader(market, client, endpoints, journal: journal)
            let before = await tokenAmount(cluster, trader.baseAccount) ?? 0

            // Profitable, simulated first (compute limit from the simulation).
            let opp = market.opportunity(amountIn: 10_000_000)
            let (signed, landed) = try await trader.trade(opp, venues: market.venueMap, simulate: true)
            #expect(landed.outcome == .landed, "\(landed)")
            #expect(landed.baseDelta == Int64(opp.expectedOut - opp.amountIn))
            #expect(
                landed.feeLamports == signed.assembled.baseFeeLamports
                    + signed.assembled.computeUnitPrice.priorityFeeLamports)
            #expect(landed.lamportDelta == -Int64(landed.feeLamports ?? 0))
            let after = await tokenAmount(cluster, trader.baseAccount) ?? 0
            #expect(after == before + 201_000)
            // Balance reconciliation against the chain: the bot's own accounting (before + landed delta) agrees;
            // a wrong expectation halts trading until an operator resumes it.
            let chain = try await ChainBalances.fetch(client, tokenAccounts: [trader.baseAccount])
            #expect(chain.tokens[trader.baseAccount] == after)
            let expected = [trader.baseAccount: before + UInt64(landed.baseDelta ?? 0)]
            #expect(trader.risk.reconcile(expected: expected, actual: chain.tokens).isEmpty)
            try journal.recordBalance(
                account: trader.baseAccount, mint: market.baseMint, slot: chain.slot,
                expected: expected[trader.baseAccount],
                actual: chain.tokens[trader.baseAccount] ?? 0, atMilliseconds: nowMs())
            var probe = trader.risk
            #expect(probe.reconcile(expected: [trader.baseAccount: after + 1], actual: chain.tokens).count == 1)
            #expect(throws: ExecutionError.self) {
                try probe.clear(
                    baseMint: market.baseMint, notional: 1, nowMilliseconds: nowMs(), killSwitchEngaged: false)
            }
            // Simulation refined the compute limit well below the per-venue estimate.
            #expect(signed.assembled.computeUnitLimit < 126_000)
            #expect((landed.computeUnitsConsumed ?? .max) <= UInt64(signed.assembled.computeUnitLimit))

            // Contested: between quote and execution another trader moved the second pool to 99/100. The engine's
            // opportunity still says 101/100; the chain pays less than the input; the guard reverts everything.
            var moved = market.venues
            moved[1].numerator = 99
            let stale = market.opportunity(amountIn: 10_000_000)
            let movedMap = Dictionary(uniqueKeysWithValues: moved.map { ($0.address, $0 as any Venue) })
            let (sig2, reverted) = try await trader.trade(stale, venues: movedMap, simulate: false)
            #expect(reverted.outcome == .revertedByGuard, "\(reverted)")
            #expect(reverted.error == "InstructionError(\(sig2.assembled.guardInstructionIndex), Custom(6000))")
            #expect(reverted.baseDelta == 0 || reverted.baseDelta == nil)
            #expect(await tokenAmount(cluster, trader.baseAccount) == after)  // nothing lost but the fee

            // Journaled as such.
            #expect(try journal.outcomeClass(signature: signed.signature) == .landed)
            #expect(try journal.outcomeClass(signature: sig2.signature) == .revertedByGuard)
            try journal.recordGroundTruth(
                baseMint: market.baseMint, availableProfit: 402_000, slot: 1, source: "test", atMilliseconds: nowMs())
            let report = try journal.report(bucketing: .slots(1_000))
            #expect(report.outcomes["landed"] == 1)
            #expect(report.outcomes["reverted_guard"] == 1)
            let m = try #require(report.perMint.first)
            #expect(m.landedGross == 201_000)
            #expect(m.expectedGrossLanded == 201_000)
            #expect(m.realisation == 1.0)
            let fees = (landed.feeLamports ?? 0) + (reverted.feeLamports ?? 0)
            #expect(m.feesLamports == Int64(fees))
            #expect(m.netPnL == 201_000 - Int64(fees))  // 1 lamport = 1 base unit in this opportunity
            #expect(m.capturedShare == 0.5)
            #expect(report.buckets.last?.cumulativeProfit == 201_000)
            #expect(report.pending == 0)
            #expect(try journal.counts().balances == 1)
        }
    }

    @Test func simulationRefusesALosingTradeBeforeSigning() async throws {
        let market = Market.make(legs: 2, rates: [(101, 100), (101, 100)])
        try await withCluster(genesis: market.genesis(walletBalance: 50_000_000, vaultBalance: 1_000_000_000)) {
            _, endpoints, client in
            let path = tempPath("sim")
            defer { removeJournal(path) }
            let journal = try Journal(path: path)
            var trader = makeTrader(market, client, endpoints, journal: journal)
            var moved = market.venues
            moved[1].numerator = 99
            let movedMap = Dictionary(uniqueKeysWithValues: moved.map { ($0.address, $0 as any Venue) })
            do {
                _ = try await trader.trade(market.opportunity(amountIn: 10_000_000), venues: movedMap, simulate: true)
                Issue.record("simulation should have failed")
            } catch let e as ExecutionError {
                #expect(e.code == .simulationFailed)
                #expect(e.detail.hasPrefix("reverted_guard"))
            }
            #expect(try journal.counts().submissions == 0)
        }
    }

    @Test func lookupTableManagerMakesTriangleAndFourLegTradesFit() async throws {
        let market = Market.make(legs: 4, rates: [(101, 100), (101, 100), (101, 100), (101, 100)])
        try await withCluster(genesis: market.genesis(walletBalance: 50_000_000, vaultBalance: 1_000_000_000)) {
            cluster, endpoints, client in
            let path = tempPath("alt")
            defer { removeJournal(path) }
            let journal = try Journal(path: path)
            var trader = makeTrader(market, client, endpoints, journal: journal)
            let manager = LookupTableManager(client: client, authority: market.wallet, logger: X.quietLogger)
            await manager.setTiming(pollInterval: .milliseconds(20), activationTimeout: .seconds(20))
            let poolAccounts =
                market.venues.flatMap { [$0.vaultA, $0.vaultB] } + [ProgramIDs.token, market.poolAuthority.address]
            let table = try await manager.ensure(poolAccounts)
            #expect(table.addresses.count == poolAccounts.count)
            // Idempotent: nothing new to add.
            let again = try await manager.ensure(poolAccounts)
            #expect(again.key == table.key && again.addresses == table.addresses)
            trader.lookupTables = [table]

            let opp = market.opportunity(amountIn: 10_000_000)
            let (signed, outcome) = try await trader.trade(opp, venues: market.venueMap, simulate: true)
            #expect(outcome.outcome == .landed, "\(outcome)")
            #expect(signed.bytes.count <= 1_232)
            #expect(!signed.assembled.message.addressTableLookups.isEmpty)
            #expect(outcome.baseDelta == Int64(opp.expectedOut - opp.amountIn))
            _ = cluster
        }
    }

    @Test func expiryIsDecidedByBlockHeightAndNothingIsResigned() async throws {
        let market = Market.make(legs: 2, rates: [(101, 100), (101, 100)])
        try await withCluster(
            genesis: market.genesis(walletBalance: 50_000_000, vaultBalance: 1_000_000_000),
            slotDuration: .milliseconds(5)
        ) {
            _, _, client in
            var sc = SenderConfig()
            sc.pollInterval = .milliseconds(10)
            let sender = Sender(client: client, config: sc, logger: X.quietLogger)
            let height = try await client.getBlockHeight()
            // A signature the cluster never saw, valid until height + 3.
            let ghost = try Signature(bytes: [UInt8](repeating: 1, count: 32) + [UInt8](repeating: 2, count: 32))
            let ctx = OutcomeContext(
                signature: ghost, payer: market.wallet.address, baseMint: market.baseMint,
                guardProgram: X.guardProgram, programs: [], lastValidBlockHeight: height + 3)
            let o = await sender.confirm(ctx)
            #expect(o.outcome == .expired)
            #expect(try await client.getBlockHeight() > height + 3)
        }
    }
}
