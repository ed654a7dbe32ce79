import ArbVenues
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

@testable import ArbSimCluster

/// The market running on the DEX programs: determinism, noise traders, competing searchers, ground truth.
/// The default variants use a small scenario and a few slots so that they run in every `swift test` (debug build,
/// loaded machine); `MarketStressTests` (`SOLARB_MARKET=1`) repeats them on the default scenario with more slots.
@Suite struct MarketAgentTests {
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
        try await Self.determinism(Self.scenario(seed: 11, searchers: 1), slots: 4)
    }

    /// Same scenario and seed → identical ledger hash and ground truth after `slots` slots; another seed → another
    /// ledger. The market must have done something (transactions landed).
    static func determinism(_ scenario: Scenario, slots: Int) async throws {
        var other = scenario
        other.seed = scenario.seed + 1
        let a = try await Self.run(scenario, slots: slots)
        let b = try await Self.run(scenario, slots: slots)
        let c = try await Self.run(other, slots: slots)
        let (ha, hb, hc) = (await a.ledgerHash(), await b.ledgerHash(), await c.ledgerHash())
        #expect(ha == hb)
        #expect(ha != hc)
        // The market did something (not two empty ledgers).
        let landed = await a.capturedProfit().values.reduce(0) { $0 + $1.transactions - $1.failed }
        #expect(landed >= 2 * slots, "only \(landed) transactions landed in \(slots) slots")
        let last = UInt64(slots - 1)
        let range = (last - 1)...last
        #expect(await a.groundTruth(slots: range).count == 2)
        #expect(await a.groundTruth(slots: range) == (await b.groundTruth(slots: range)))
    }

    @Test func noiseTradersSwapsLandAndMovePools() async throws {
        try await Self.noiseTraders(Self.scenario(seed: 3, noise: 4), slots: 3, minLanded: 15, minMoved: 4)
    }

    /// Noise traders' swaps land (counted from the blocks) and move the pools: each pool decoded from the ledger
    /// with ArbVenues before and after quotes differently.
    static func noiseTraders(_ scenario: Scenario, slots: Int, minLanded: Int, minMoved: Int) async throws {
        let cluster = SimCluster(configuration: .init(seed: 1))
        let description = try await cluster.installMarket(scenario)
        await cluster.setGroundTruthInline(false)
        let before = try await description.pools.asyncMap { p in try await Self.decode(cluster, p.address) }
        var landedOK = 0
        var failed: [String] = []
        let traders = Set(description.noiseTraders)
        for _ in 0..<slots {
            let block = await cluster.advanceSlot()
            for r in block.transactions where traders.contains(r.accountKeys.first ?? .zero) {
                if r.error == nil { landedOK += 1 } else { failed.append("\(r.error!) \(r.logs.suffix(3))") }
            }
        }
        #expect(landedOK >= minLanded, "landed \(landedOK); failures: \(failed.prefix(5))")
        // Pools decoded from the ledger (ArbVenues) quote differently now.
        var moved = 0
        var kinds = Set<VenueKind>()
        for (i, p) in description.pools.enumerated() {
            let after = try await Self.decode(cluster, p.address)
            let probe = QuoteRequest(amount: 1_000_000, direction: .aToB)
            if try before[i].quote(probe).amountOut != after.quote(probe).amountOut {
                moved += 1
                kinds.insert(p.kind)
            }
        }
        #expect(moved >= minMoved, "only \(moved) pools moved")
        #expect(kinds.count >= 2, "moved pools of kinds \(kinds)")
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
        try await Self.searcherCaptures(Self.scenario(seed: 8, noise: 0, searchers: 1, latency: 1))
    }

    /// No noise, no bot: a whale pushes the AMM v4 SOL/USDC pool; ground truth sees the dislocation; the
    /// competing searcher (latency 1 slot) takes it (its captured profit is positive) and the dislocation shrinks.
    static func searcherCaptures(_ scenario: Scenario, waitSlots: Int = 4) async throws {
        var s = scenario
        s.noiseTraders = nil
        let cluster = SimCluster(configuration: .init(seed: 2))
        let d = try await cluster.installMarket(s)
        await cluster.advance(slots: 2)
        let gtBefore = await cluster.groundTruth(slot: 1)
        #expect((gtBefore?.best?.profitMicroUsd ?? 0) < 1_000_000, "no sizeable arbitrage before the whale")

        let whale = try Keypair(seed: [UInt8](repeating: 77, count: 32))
        await cluster.fund(whale.address, lamports: 10_000 * 1_000_000_000)
        let poolIndex = try #require(s.pools.firstIndex { $0.kind == .raydiumAmmV4 && $0.pair == ["SOL", "USDC"] })
        let pool = try await Self.decode(cluster, d.pools[poolIndex].address)
        let depthSol = s.pools[poolIndex].depthUsd.micro / 150_000_000
        let solIn: UInt64 = depthSol * 1_000_000_000 * 5 / 100  // 5 % of the pool's SOL side
        let dir: SwapDirection = pool.mintA == Mints.wrappedSOL ? .aToB : .bToA
        let bank = await cluster.bank
        let ixs = try SwapTransaction.instructions(
            owner: whale.address, legs: [SwapLeg(venue: pool, direction: dir, amountIn: solIn, minimumOut: 1)],
            computeUnitLimit: 400_000, microLamportsPerComputeUnit: 0)
        let m = try V0Message(instructions: ixs, payer: whale.address, recentBlockhash: bank.latestBlockhash)
        _ = try await cluster.submit(try VersionedTransaction.signedWireBytes(message: .v0(m), signers: [whale]).bytes)
        let whaleBlock = await cluster.advanceSlot()
        #expect(whaleBlock.transactions.contains { $0.accountKeys.first == whale.address && $0.error == nil })
        let truth = try #require(await cluster.groundTruth(slot: whaleBlock.slot))
        let dislocation = try #require(truth.best)
        #expect(dislocation.profitMicroUsd > 10_000_000, "\(dislocation)")
        #expect(dislocation.pools.contains(d.pools[poolIndex].address))
        #expect(truth.availableMicroUsd >= dislocation.profitMicroUsd)

        await cluster.advance(slots: waitSlots)
        let searcher = d.searchers[0]
        let profit = try #require(await cluster.capturedProfit()[searcher])
        #expect(profit.transactions > profit.failed, "\(profit)")
        #expect(profit.microUsd > 1_000_000, "searcher captured \(profit)")
        let after = await cluster.groundTruth(slot: await cluster.slot - 1)?.best?.profitMicroUsd ?? 0
        #expect(after < dislocation.profitMicroUsd / 2, "dislocation still there: \(after)")
    }

    /// A hand-built dislocation on real pool layouts (CPMM, AMM v4, Whirlpool; decoded with ArbVenues): the
    /// ground truth of every cycle equals brute force over every integer input, and the slot's best is the best
    /// of those.
    @Test func groundTruthOnHandBuiltDislocationEqualsBruteForce() throws {
        var bank = Bank(configuration: .init(seed: 4))
        let sol = MintSpec(Mints.wrappedSOL, decimals: 9)
        let usdc = MintSpec(T.key(50).address, decimals: 6, mintAuthority: T.key(51).address)
        // 0.02 SOL against 3 USDC (the price of 150 USDC per SOL); the AMM v4 pool pays 5 % more USDC per SOL.
        let specs: [PoolSpec] = [
            PoolSpec(
                kind: .raydiumCpmm, mintA: sol, mintB: usdc, feeRate: 2_500, reserveA: 20_000_000, reserveB: 3_000_000,
                seed: 1),
            PoolSpec(
                kind: .raydiumAmmV4, mintA: sol, mintB: usdc, feeRate: 2_500, reserveA: 20_000_000, reserveB: 3_150_000,
                seed: 2),
            PoolSpec(
                kind: .orcaWhirlpool, mintA: sol, mintB: usdc, feeRate: 400, reserveA: 20_000_000, reserveB: 3_000_000,
                seed: 3),
        ]
        var pools: [VenueGroundTruthPool] = []
        for spec in specs {
            let created = try bank.createPool(spec)
            pools.append(VenueGroundTruthPool(try bank.venue(for: created)))
        }
        let cycles = GroundTruth.cycles(pools: pools, bases: [usdc.address])
        #expect(cycles.count == 6)
        let r = GroundTruth.solve(
            pools: pools, cycles: cycles, probe: { _ in 100 }, microUsd: { _, p in p },
            options: .init(maxWalk: 1_000_000))
        var bruteBest: Int128 = 0
        var checked = 0
        for cycle in cycles {
            let probeProfit = GroundTruth.cycleOut(cycle, pools: pools, amountIn: 100).map { Int128($0) - 100 } ?? -1
            guard probeProfit > 0 else { continue }  // concave: not profitable at 100 units → not at any size
            checked += 1
            var best: (UInt64, Int128) = (0, 0)
            for x in UInt64(1)...100_000 {
                guard let out = GroundTruth.cycleOut(cycle, pools: pools, amountIn: x) else { continue }
                let p = Int128(out) - Int128(x)
                if p > best.1 { best = (x, p) }
            }
            let found = try #require(
                GroundTruth.best(cycle, pools: pools, probe: 100, options: .init(maxWalk: 1_000_000)))
            #expect(Int128(found.amountOut) - Int128(found.amountIn) == best.1, "\(cycle.legs): \(found) vs \(best)")
            let quick = try #require(GroundTruth.best(cycle, pools: pools, probe: 100))
            let q = Int128(quick.amountOut) - Int128(quick.amountIn)
            #expect(q <= best.1 && q + 4 >= best.1, "runtime options: \(quick) vs \(best)")
            bruteBest = max(bruteBest, best.1)
        }
        #expect(checked == 2, "the two cycles that sell SOL into the AMM v4 pool")
        #expect(bruteBest > 100)
        #expect(Int128(r.best?.profit ?? 0) == bruteBest)
        #expect(r.best?.pools.contains(pools[1].address) == true)
        #expect(r.selected.count == 1)  // both profitable cycles use the AMM v4 pool
    }
}

/// The market tests on the default scenario (25 pools, 8 noise traders, 2 searchers) with more slots: slow in a
/// debug build on a loaded machine; enabled with `SOLARB_MARKET=1` (faster with `swift test -c release`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SOLARB_MARKET"] == "1", "set SOLARB_MARKET=1"))
struct MarketStressTests {
    @Test func determinismOnTheDefaultScenario() async throws {
        try await MarketAgentTests.determinism(Scenario.builtInDefault(), slots: 12)
    }

    @Test func noiseTradersOnTheDefaultScenario() async throws {
        try await MarketAgentTests.noiseTraders(Scenario.builtInDefault(), slots: 10, minLanded: 70, minMoved: 15)
    }

    @Test func searcherOnTheBiggerScenario() async throws {
        var s = MarketAgentTests.scenario(seed: 8, noise: 0, searchers: 2, latency: 2)
        s.pools += Scenario.builtInDefault().pools.filter { p in
            p.pair.allSatisfy { ["SOL", "USDC", "JUP"].contains($0) }
        }
        try await MarketAgentTests.searcherCaptures(s, waitSlots: 10)
    }

    /// On market snapshots of the default scenario the fast search finds the first search's best (within 0.01 %)
    /// and the same number of profitable cycles, and its result does not depend on the rate screen. (The first
    /// search takes minutes per snapshot in a debug build; `solarb bench simcluster` compares them in release.)
    @Test func fastSearchAgreesWithLegacyOnTheDefaultScenario() async throws {
        let cluster = SimCluster(configuration: .init(seed: 5))
        try await cluster.installMarket(Scenario.builtInDefault())
        await cluster.setGroundTruthInline(false)
        await cluster.advance(slots: 3)
        let work = await cluster.takeGroundTruthWork()
        #expect(work.snapshots.count == 3)
        for snap in work.snapshots {
            let fast = Market.compute(snap, cycles: work.cycles, options: .init())
            let legacy = Market.compute(snap, cycles: work.cycles, options: .init(algorithm: .legacy))
            var unscreened = GroundTruth.Options()
            unscreened.screenSlack = 1e9
            let all = Market.compute(snap, cycles: work.cycles, options: unscreened)
            #expect(fast == all)
            #expect(fast.profitableCycles == legacy.profitableCycles)
            let (f, l) = (fast.best?.profit ?? 0, legacy.best?.profit ?? 0)
            // Same cycle, profit within 0.01 % (rounding plateaus are wider than the walks at these sizes).
            #expect(
                f + l / 10_000 >= l,
                "slot \(snap.slot): fast \(String(describing: fast.best)) legacy \(String(describing: legacy.best))")
        }
    }
}

extension Array {
    func asyncMap<T>(_ f: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await f(e)) }
        return out
    }
}
