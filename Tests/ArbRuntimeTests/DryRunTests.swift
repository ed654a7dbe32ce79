import ArbEngine
import ArbExecution
import ArbJournal
import ArbRPC
import ArbSimCluster
import ArbVenues
import Foundation
import SolanaPrimitives
import Testing

@testable import ArbRuntime

/// A dry run (`solarb run --rpc …` without `--live`) must never produce a transaction signed by the wallet: the
/// RPC provider (or anyone on the path) could send signed bytes with a live blockhash. It simulates the UNSIGNED
/// message and journals what it would have done.
@Suite(.serialized) struct DryRunTests {
    /// The dry-run executor against the loopback cluster, with a scripted dislocation.
    @Test func aDryRunSimulatesTheUnsignedMessageAndSignsNothing() async throws {
        let world = try E2E.world()
        let dir = try E2E.temporaryDirectory()
        let journalPath = dir + "/journal.sqlite"
        try await E2E.withServer(world) { endpoints in
            let rpc = RPCClient(
                configuration: .init(endpoints: [RPCEndpoint(url: endpoints.rpcURL, name: "sim")]), logger: E2E.logger)
            let blockhashes = BlockhashCache()
            var c = E2E.configuration(world)
            c.runDirectory = dir
            let clusterGenesis = await E2E.genesis(world)
            let executor = try JournaledExecutor.standard(
                mode: .simulate, configuration: c, guardProgram: E2E.guardProgram, journalPath: journalPath,
                clusterGenesis: clusterGenesis, rpc: rpc, wsURL: endpoints.webSocketURL, signer: E2E.bot,
                blockhashes: blockhashes,
                lookupTables: [:], logger: E2E.logger)
            let runtime = ArbRuntime(
                configuration: c, rpc: rpc, wsURL: endpoints.webSocketURL, executor: executor,
                blockhashes: blockhashes, logger: E2E.logger)
            let before = await world.cluster.account(E2E.bot.address)!.lamports
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runtime.run() }
                try await E2E.advance(world, maxSlots: 500) { runtime.status.fresh }
                let tx = try await E2E.swap(
                    world, pool: 1, owner: E2E.trader, sell: Mints.wrappedSOL, amount: 40 * E2E.sol)
                _ = try await world.cluster.submit(tx)
                await world.cluster.advanceSlot()
                try await E2E.advance(world, maxSlots: 300) {
                    runtime.completedTrades.count >= 1 && runtime.status.inFlight == 0
                }
                runtime.requestStop()
                try await E2E.advance(world, maxSlots: 200) { runtime.status.inFlight == 0 }
                try await group.waitForAll()
            }
            let trade = runtime.completedTrades[0]
            // No signature exists: nothing was signed.
            #expect(trade.result.signature == nil)
            // The guarded trade passes in simulation (the dislocation is real and nobody contests it).
            guard case .simulated(ok: true, _) = trade.result.outcome else {
                Issue.record("dry run outcome: \(trade.result.outcome)")
                return
            }
            // Journaled as a dry run: the opportunity and the decision, no submission.
            let journal = try Journal(path: journalPath)
            let report = try journal.report()
            #expect(report.submissions == 0)
            #expect(report.opportunities >= 1)
            #expect((report.skipReasons["dry_run:simulated_ok"] ?? 0) >= 1)
            // Nothing was executed: the wallet is untouched (a few more blocks, in case anything was queued).
            for _ in 0..<3 { await world.cluster.advanceSlot() }
            #expect(await world.cluster.account(E2E.bot.address)!.lamports == before)
        }
    }

    /// The bytes a dry run hands to the node: zeroed signature slots, refused by the cluster as a transaction,
    /// yet simulated (sigVerify off, the node's blockhash) to the same verdict.
    @Test func theDryRunBytesAreUnsignedAndUnsendable() async throws {
        let world = try E2E.world()
        let tx = try await E2E.swap(world, pool: 1, owner: E2E.trader, sell: Mints.wrappedSOL, amount: 40 * E2E.sol)
        _ = try await world.cluster.submit(tx)
        await world.cluster.advanceSlot()
        let o = try #require(try await EndToEndTests.expectedOpportunity(world))
        let bank = await world.cluster.bank
        var venues: [Address: any Venue] = [:]
        for p in world.pools { venues[p.address] = try bank.venue(for: p) }
        var config = AssemblyConfig(guardProgram: E2E.guardProgram)
        config.wrap = .wrapAndUnwrap
        var input = AssemblyInput(
            opportunity: o, venues: venues, payer: E2E.bot.address, blockhash: bank.latestBlockhash,
            lastValidBlockHeight: 1_000, balances: [Mints.wrappedSOL: 0])
        input.missingTokenAccounts = [Mints.wrappedSOL]
        input.minProfit = E2E.minProfit
        let assembled = try TransactionAssembler(config: config).assemble(input)
        let bytes = JournaledExecutor.dryRunBytes(assembled)
        let decoded = try VersionedTransaction.deserialize(bytes)
        #expect(decoded.signatures.count == 1)
        #expect(decoded.signatures.allSatisfy { $0 == .zero })
        #expect(JournaledExecutor.dryRunOptions.sigVerify == false)
        #expect(JournaledExecutor.dryRunOptions.replaceRecentBlockhash == true)
        // Sent as a transaction, it is refused (no valid signature): nobody can execute it.
        await #expect(throws: TransactionError.self) { _ = try await world.cluster.submit(bytes) }
        try await E2E.withServer(world) { endpoints in
            let rpc = RPCClient(
                configuration: .init(endpoints: [RPCEndpoint(url: endpoints.rpcURL, name: "sim")]), logger: E2E.logger)
            await #expect(throws: RPCError.self) { _ = try await rpc.sendTransaction(bytes) }
            let verdict = await JournaledExecutor.dryRun(assembled, rpc: rpc)
            #expect(verdict.journalReason == "dry_run:simulated_ok")
        }
    }

    /// The start-up guard check over RPC (what `solarb run --rpc` does before trading): the loopback cluster's
    /// guard is deployed as on a real cluster; one whose upgrade authority is a stranger is refused.
    @Test func theGuardProgramIsVerifiedOverRPC() async throws {
        for (authority, accepted) in [(nil, true), (E2E.bot.address, true), (E2E.competitor.address, false)] {
            let world = try E2E.world(guardAuthority: authority)
            try await E2E.withServer(world) { endpoints in
                let rpc = RPCClient(
                    configuration: .init(endpoints: [RPCEndpoint(url: endpoints.rpcURL, name: "sim")]),
                    logger: E2E.logger)
                do {
                    let v = try await GuardVerification.verify(
                        rpc, guardProgram: E2E.guardProgram, wallet: E2E.bot.address)
                    #expect(accepted, "verified with upgrade authority \(String(describing: authority))")
                    #expect(v.build == "v3" && v.upgradeAuthority == authority)
                } catch {
                    #expect(!accepted, "\(error)")
                    #expect((error as? ExecutionError)?.code == .guardUnverified)
                }
                // The genesis hash the journal is bound to is what the cluster answers over RPC.
                let genesis = try await rpc.call("getGenesisHash", []).string
                #expect(genesis == (await E2E.genesis(world)))
                #expect(genesis == E2E.genesisHash)
            }
        }
    }

    /// Transactions are signed with a blockhash read at `confirmed` at least, whatever the feed's commitment: a
    /// `processed` blockhash may belong to a fork that is dropped, and such a transaction never lands.
    @Test func theSigningBlockhashIsAtLeastConfirmed() {
        #expect(ArbRuntime.blockhashCommitment(.processed) == .confirmed)
        #expect(ArbRuntime.blockhashCommitment(.confirmed) == .confirmed)
        #expect(ArbRuntime.blockhashCommitment(.finalized) == .finalized)
    }

    /// Only journaled transactions are sent: an executor in `.send` mode without a journal refuses the trade
    /// before anything leaves the process (review R6).
    @Test func aSendingExecutorWithoutAJournalSendsNothing() async throws {
        let world = try E2E.world()
        let tx = try await E2E.swap(world, pool: 1, owner: E2E.trader, sell: Mints.wrappedSOL, amount: 40 * E2E.sol)
        _ = try await world.cluster.submit(tx)
        await world.cluster.advanceSlot()
        let o = try #require(try await EndToEndTests.expectedOpportunity(world))
        let bank = await world.cluster.bank
        var byPool: [Address: any Venue] = [:]
        for p in world.pools { byPool[p.address] = try bank.venue(for: p) }
        let venues = o.legs.compactMap { byPool[$0.pool] }
        try await E2E.withServer(world) { endpoints in
            let rpc = RPCClient(
                configuration: .init(endpoints: [RPCEndpoint(url: endpoints.rpcURL, name: "sim")]), logger: E2E.logger)
            let blockhashes = BlockhashCache()
            blockhashes.set(try await rpc.getLatestBlockhash().value)
            var config = AssemblyConfig(guardProgram: E2E.guardProgram)
            config.wrap = .wrapAndUnwrap
            let executor = JournaledExecutor(
                mode: .send, assembler: TransactionAssembler(config: config),
                sender: Sender(client: rpc, config: SenderConfig(), logger: E2E.logger), journal: nil,
                risk: RiskManager(config: RiskConfig()), killSwitch: KillSwitch(), signer: E2E.bot, rpc: rpc,
                blockhashes: blockhashes, minProfit: [Mints.wrappedSOL: E2E.minProfit], logger: E2E.logger)
            let r = await executor.execute(
                TradeRequest(
                    id: 1, opportunity: o, venues: venues,
                    notificationReceived: .now))
            guard case .buildFailed(let why) = r.outcome else {
                Issue.record("an unjournaled trade went further: \(r.outcome)")
                return
            }
            #expect(why.contains("no journal"))
            #expect(await world.cluster.bank.pendingCount == 0)
        }
    }
}
