import ArbVenues
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

@testable import ArbSimCluster

/// The market running on the DEX programs: determinism, noise traders, competing searchers, ground truth.
/// Slow in a debug build on a loaded machine (every slot signs, verifies and executes real swaps and searches
/// every cycle): enabled with `SOLARB_MARKET=1` (run them with `swift test -c release`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SOLARB_MARKET"] == "1", "set SOLARB_MARKET=1"))
struct MarketAgentTests {
    /// One pool of every kind around SOL/USDC/USDT plus a volatile token, a few noise traders.
    static func scenario(seed: UInt64, noise: Int = 3, searchers: Int = 0, latency: UInt64 = 0) -> Scenario {
        var s = Scenario(
            name: "test", seed: seed, slotMilliseconds: 400, baseTokens: ["SOL", "USDC"],
            tokens: [
                .init(symbol: "SOL", decimals: 9, price: "150", volatilityBps: 5, jumpProbabilityBps: 50, jumpBps: 100),
                .init(symbol: "USDC", decimals: 6, price: "1"),
                .init(symbol: "JUP", decimals: 6, price: "0.8", volatilityBps: 10),
            ],
            pools: [
                .init(kind: .raydiumAmmV4, pair: ["SOL", "USDC"], feeBps: 25, depthUsd: "1000000"),
                .init(kind: .raydiumCpmm, pair: ["SOL", "USDC"], feeBps: 25, depthUsd: "500000"),
                .init(kind: .raydiumClmm, pair: ["SOL", "USDC"], feeBps: 5, depthUsd: "1000000", rangeBps: 1000),
                .init(kind: .orcaWhirlpool, pair: ["SOL", "USDC"], feeBps: 4, depthUsd: "1000000", rangeBps: 1000),
                .init(kind: .meteoraDlmm, pair: ["SOL", "USDC"], feeBps: 10, depthUsd: "500000", rangeBps: 500),
                .init(kind: .raydiumCpmm, pair: ["JUP", "USDC"], feeBps: 25, depthUsd: "300000"),
                .init(kind: .raydiumAmmV4, pair: ["JUP", "SOL"], feeBps: 25, depthUsd: "300000"),
            ],
            noiseTraders: .init(
                count: noise, swapsPerSlot: 2, minSizeUsd: "100", maxSizeUsd: "20000", towardFairPercent: 50,
                maxPriorityMicroLamports: 10_000),
            searchers: nil)
        if searchers > 0 {
            s.searchers = .init(
                count: searchers, latencySlots: latency, latencyMs: nil, gridUsd: ["100", "1000", "10000"],
                priorityMicroLamports: 50_000, tipLamports: nil, minProfitUsd: "0.01")
        }
        return s
    }

    static func run(_ scenario: Scenario, slots: Int, clusterSeed: UInt64 = 5) async throws -> SimCluster {
        let cluster = SimCluster(configuration: .init(seed: clusterSeed))
        try await cluster.installMarket(scenario)
        // Ground truth is computed on demand (it is pure and slow in a debug build).
        await cluster.setGroundTruthInline(false)
        await cluster.advance(slots: slots)
        return cluster
    }

    @Test func sameSeedSameLedgerDifferentSeedDifferent() async throws {
        let a = try await Self.run(Self.scenario(seed: 11, searchers: 1), slots: 6)
        let b = try await Self.run(Self.scenario(seed: 11, searchers: 1), slots: 6)
        let c = try await Self.run(Self.scenario(seed: 12, searchers: 1), slots: 6)
        let (ha, hb, hc) = (await a.ledgerHash(), await b.ledgerHash(), await c.ledgerHash())
        #expect(ha == hb)
        #expect(ha != hc)
        // The market did something (not two empty ledgers).
        let landed = await a.capturedProfit().values.reduce(0) { $0 + $1.transactions - $1.failed }
        #expect(landed > 10)
        #expect(await a.groundTruth(slots: 4...5).count == 2)
        #expect(await a.groundTruth(slots: 4...5) == (await b.groundTruth(slots: 4...5)))
    }

    @Test func noiseTradersSwapsLandAndMovePools() async throws {
        let cluster = SimCluster(configuration: .init(seed: 1))
        let description = try await cluster.installMarket(Self.scenario(seed: 3, noise: 4))
        await cluster.setGroundTruthInline(false)
        let before = try await description.pools.asyncMap { p in try await Self.decode(cluster, p.address) }
        var landedOK = 0
        var failed: [String] = []
        let traders = Set(description.noiseTraders)
        for _ in 0..<5 {
            let block = await cluster.advanceSlot()
            for r in block.transactions where traders.contains(r.accountKeys.first ?? .zero) {
                if r.error == nil { landedOK += 1 } else { failed.append("\(r.error!) \(r.logs.suffix(3))") }
            }
        }
        #expect(landedOK >= 30, "landed \(landedOK); failures: \(failed.prefix(5))")
        // Pools decoded from the ledger (ArbVenues) quote differently now.
        var moved = 0
        for (i, p) in description.pools.enumerated() {
            let after = try await Self.decode(cluster, p.address)
            let probe = QuoteRequest(amount: 1_000_000, direction: .aToB)
            if try before[i].quote(probe).amountOut != after.quote(probe).amountOut { moved += 1 }
        }
        #expect(moved >= 4, "only \(moved) pools moved")
    }

    static func decode(_ cluster: SimCluster, _ address: Address) async throws -> any Venue {
        let bank = await cluster.bank
        let a = try #require(bank.account(address))
        var v = try VenueRegistry.decode(
            AccountData(address: address, owner: a.owner, lamports: a.lamports, data: a.data))
        try v.update(from: BankAccountSource(bank))
        return v
    }

    @Test func competingSearcherCapturesADislocation() async throws {
        // No noise: a whale pushes one pool; the searcher (latency 1 slot) must take the arbitrage.
        var s = Self.scenario(seed: 8, noise: 0, searchers: 1, latency: 1)
        s.noiseTraders = nil
        let cluster = SimCluster(configuration: .init(seed: 2))
        let d = try await cluster.installMarket(s)
        await cluster.advance(slots: 2)
        let gtBefore = await cluster.groundTruth(slot: 1)
        #expect((gtBefore?.best?.profitMicroUsd ?? 0) < 1_000_000, "no sizeable arbitrage before the whale")

        let whale = try Keypair(seed: [UInt8](repeating: 77, count: 32))
        await cluster.fund(whale.address, lamports: 10_000 * 1_000_000_000)
        let pool = try await Self.decode(cluster, d.pools[0].address)  // AMM v4 SOL/USDC
        let solIn: UInt64 = 1_000 * 1_000_000_000  // $150k into a $1M-per-side pool
        let dir: SwapDirection = pool.mintA == Mints.wrappedSOL ? .aToB : .bToA
        let bank = await cluster.bank
        let ixs = try SwapTransaction.instructions(
            owner: whale.address, legs: [SwapLeg(venue: pool, direction: dir, amountIn: solIn, minimumOut: 1)],
            computeUnitLimit: 400_000, microLamportsPerComputeUnit: 0)
        let m = try V0Message(instructions: ixs, payer: whale.address, recentBlockhash: bank.latestBlockhash)
        _ = try await cluster.submit(try VersionedTransaction.signedWireBytes(message: .v0(m), signers: [whale]).bytes)
        let whaleBlock = await cluster.advanceSlot()
        #expect(whaleBlock.transactions.contains { $0.accountKeys.first == whale.address && $0.error == nil })
        let dislocation = try #require(await cluster.groundTruth(slot: whaleBlock.slot)?.best)
        #expect(dislocation.profitMicroUsd > 10_000_000, "\(dislocation)")

        await cluster.advance(slots: 4)
        let searcher = d.searchers[0]
        let profit = try #require(await cluster.capturedProfit()[searcher])
        #expect(profit.transactions > profit.failed, "\(profit)")
        #expect(profit.microUsd > 1_000_000, "searcher captured \(profit)")
        let after = await cluster.groundTruth(slot: await cluster.slot - 1)?.best?.profitMicroUsd ?? 0
        #expect(after < dislocation.profitMicroUsd / 2, "dislocation still there: \(after)")
    }
}

extension Array {
    func asyncMap<T>(_ f: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await f(e)) }
        return out
    }
}
