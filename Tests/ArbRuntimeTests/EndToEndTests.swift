import ArbEngine
import ArbExecution
import ArbJournal
import ArbSimCluster
import ArbVenues
import Foundation
import SolanaPrimitives
import Testing

@testable import ArbRuntime

/// The whole bot over loopback against the simulated cluster: real RPC and PubSub code, the DEX programs, the
/// guard, the journal. Slots advance only when the test produces a block.
@Suite(.serialized) struct EndToEndTests {
    /// The opportunity an independent engine finds on the cluster's current state.
    static func expectedOpportunity(_ world: E2E.World) async throws -> Opportunity? {
        let bank = await world.cluster.bank
        var engine = ArbEngine<AnyPoolQuoter>(config: E2E.configuration(world).engineConfig())
        for p in world.pools { engine.insert(.of(try bank.venue(for: p)), slot: bank.slot) }
        engine.evaluateAll()
        return engine.ranked.first.map { engine.opportunity($0) }
    }

    @Test func capturesAScriptedDislocationWithTheExpectedProfit() async throws {
        let world = try E2E.world()
        let dir = try E2E.temporaryDirectory()
        try await E2E.withBot(world, journalPath: dir + "/journal.sqlite") { runtime, journal in
            try await E2E.advance(world, maxSlots: 500) { runtime.status.fresh }
            #expect(runtime.status.pools == 2)
            #expect(try await Self.expectedOpportunity(world) == nil)  // no dislocation yet
            let before = await world.cluster.account(E2E.bot.address)!.lamports

            // The scripted dislocation: a trader sells 40 SOL into the AMM v4 pool (SOL ≈ 1.6 % cheaper there).
            let tx = try await E2E.swap(world, pool: 1, owner: E2E.trader, sell: Mints.wrappedSOL, amount: 40 * E2E.sol)
            _ = try await world.cluster.submit(tx)
            await world.cluster.advanceSlot()
            let expected = try #require(try await Self.expectedOpportunity(world))

            try await E2E.advance(world, maxSlots: 300) {
                runtime.completedTrades.count >= 1 && runtime.status.inFlight == 0
            }
            let trade = runtime.completedTrades[0]
            let o = trade.request.opportunity
            // The bot traded exactly what an independent engine computes on the dislocated state.
            #expect(o.legs.map(\.pool) == expected.legs.map(\.pool))
            #expect(o.amountIn == expected.amountIn)
            #expect(o.expectedOut == expected.expectedOut)
            guard case .landed(let actual?) = trade.result.outcome else {
                Issue.record("not landed: \(trade.result.outcome)")
                return
            }
            let fee = try #require(trade.result.feeLamports)
            // Landed profit = quoted gross profit − the fee, to the lamport (the DEX programs use the same math).
            #expect(actual == Int64(expected.expectedOut) - Int64(expected.amountIn) - Int64(fee))
            #expect(actual >= Int64(E2E.minProfit))
            let after = await world.cluster.account(E2E.bot.address)!.lamports
            #expect(Int64(after) - Int64(before) == actual)
            // Journaled: the opportunity, the intent, and the landed outcome.
            let signature = try #require(trade.result.signature)
            #expect(try journal.outcomeClass(signature: signature) == .landed)
            let counts = try journal.counts()
            #expect(counts.submissions >= 1 && counts.pending == 0)
            // `solarb report`: the landed profit is measured from the chain (the wrap-mode wSOL account exists only
            // inside the transaction) — the gross equals the quote, and net PnL is the wallet's measured change.
            let report = try journal.report()
            let m = try #require(report.perMint.first { $0.baseMint == Mints.wrappedSOL.base58 })
            #expect(m.landedUnmeasured == 0)
            #expect(m.landedGross == Int64(expected.expectedOut) - Int64(expected.amountIn))
            #expect(m.landedGross == m.expectedGrossLanded)
            #expect(m.feesLamports == Int64(fee))
            #expect(m.netPnL == Int64(after) - Int64(before))
            #expect(runtime.status.pnlLamports == actual)
            #expect(runtime.status.latency.count >= 1)
        }
    }

    /// Issue #7 (review bug 8): --cu-price is paid (the engine ranks with it), and the landed profit the journal
    /// reports still equals the wallet's measured change.
    @Test func theConfiguredComputeUnitPriceIsPaid() async throws {
        let world = try E2E.world()
        let dir = try E2E.temporaryDirectory()
        let price: UInt64 = 20_000  // micro-lamports per CU
        try await E2E.withBot(
            world, journalPath: dir + "/journal.sqlite", configure: { $0.computeUnitPriceMicroLamports = price }
        ) { runtime, journal in
            try await E2E.advance(world, maxSlots: 500) { runtime.status.fresh }
            let before = await world.cluster.account(E2E.bot.address)!.lamports
            let tx = try await E2E.swap(world, pool: 1, owner: E2E.trader, sell: Mints.wrappedSOL, amount: 40 * E2E.sol)
            _ = try await world.cluster.submit(tx)
            await world.cluster.advanceSlot()
            try await E2E.advance(world, maxSlots: 300) {
                runtime.completedTrades.count >= 1 && runtime.status.inFlight == 0
            }
            let trade = runtime.completedTrades[0]
            guard case .landed(let actual?) = trade.result.outcome else {
                Issue.record("not landed: \(trade.result.outcome)")
                return
            }
            let fee = try #require(trade.result.feeLamports)
            // Base fee 5,000 plus a priority fee (limit × price / 10⁶ > 0): the price was paid.
            #expect(fee > 5_000, "fee \(fee)")
            let after = await world.cluster.account(E2E.bot.address)!.lamports
            #expect(Int64(after) - Int64(before) == actual)
            let o = trade.request.opportunity
            let m = try #require(try journal.report().perMint.first { $0.baseMint == Mints.wrappedSOL.base58 })
            #expect(m.landedGross == Int64(o.expectedOut) - Int64(o.amountIn))
            #expect(m.feesLamports == Int64(fee))
            #expect(m.netPnL == Int64(after) - Int64(before))
        }
    }

    @Test func aContestedOpportunityRevertsByItsGuardAndIsJournaled() async throws {
        let world = try E2E.world()
        let dir = try E2E.temporaryDirectory()
        try await E2E.withBot(world, journalPath: dir + "/journal.sqlite") { runtime, journal in
            try await E2E.advance(world, maxSlots: 500) { runtime.status.fresh }
            let before = await world.cluster.account(E2E.bot.address)!.lamports
            let tx = try await E2E.swap(world, pool: 1, owner: E2E.trader, sell: Mints.wrappedSOL, amount: 40 * E2E.sol)
            _ = try await world.cluster.submit(tx)
            await world.cluster.advanceSlot()
            // The bot's transaction reaches the cluster for the next block…
            try await E2E.wait { await world.cluster.bank.pendingCount >= 1 }
            // …and a competitor takes the cheap SOL first in the same block (higher priority fee: ordered first).
            let competing = try await E2E.swap(
                world, pool: 1, owner: E2E.competitor, sell: E2E.usdc.address, amount: 6_000 * 1_000_000,
                microLamportsPerCU: 1_000_000)
            _ = try await world.cluster.submit(competing)
            try await E2E.advance(world, maxSlots: 300) {
                runtime.completedTrades.count >= 1 && runtime.status.inFlight == 0
            }
            let trade = runtime.completedTrades[0]
            let signature = try #require(trade.result.signature)
            let cls = try journal.outcomeClass(signature: signature)
            // The last leg's minimum (input + costs + minimum profit: the profit guard) is checked by the DEX
            // program itself before the guard program runs; either way the trade reverts instead of losing.
            #expect(cls == .revertedBySlippage || cls == .revertedByGuard, "journaled as \(String(describing: cls))")
            switch trade.result.outcome {
            case .revertedByGuard, .revertedBySlippage: break
            default: Issue.record("not reverted: \(trade.result.outcome)")
            }
            let record = try #require(await world.cluster.record(signature))
            #expect(record.result.error != nil)
            // Only the fee was lost (the payer's balance in the reverted transaction; the bot may trade the
            // competitor's overshoot afterwards).
            let fee = try #require(trade.result.feeLamports)
            #expect(record.result.preBalances[0] == before)
            #expect(Int64(record.result.postBalances[0]) - Int64(record.result.preBalances[0]) == -Int64(fee))
            #expect(runtime.status.reverted >= 1)
        }
    }
}
