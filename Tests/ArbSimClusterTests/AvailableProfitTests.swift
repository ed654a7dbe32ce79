import ArbVenues
import SolanaPrimitives
import Testing

@testable import ArbSimCluster

/// The counted-once, disjoint-pool definition of available profit (`AvailableProfitTracker`).
@Suite struct AvailableProfitTests {
    static func addr(_ n: UInt8) -> Address { try! Address(bytes: [UInt8](repeating: n, count: 32)) }
    static let base = addr(200)
    static let quote = addr(201)
    /// Two tokens priced 1 USD per base unit ×10⁶ (decimals 6, price 1 USD): profit in base units = micro-USD.
    static let tokens = [
        MarketToken(
            symbol: "B", mint: base, decimals: 6, fairPriceMicroUsd: 1_000_000, volatilityPpm: 0,
            jumpProbabilityBps: 0, jumpPpm: 0),
        MarketToken(
            symbol: "Q", mint: quote, decimals: 6, fairPriceMicroUsd: 1_000_000, volatilityPpm: 0,
            jumpProbabilityBps: 0, jumpPpm: 0),
    ]

    static func pool(_ n: UInt8, _ a: UInt64, _ b: UInt64) -> CPPool {
        CPPool(address: addr(n), mintA: base, mintB: quote, reserveA: a, reserveB: b, feeBps: 25)
    }

    /// Pools 0,1 form a dislocated pair; pools 2,3 another; both pairs at 1:1 are balanced.
    static func market(_ dislocated01: Bool, _ dislocated23: Bool) -> [CPPool] {
        let deep: UInt64 = 10_000_000_000_000
        return [
            pool(1, deep, dislocated01 ? deep * 103 / 100 : deep), pool(2, deep, deep),
            pool(3, deep, dislocated23 ? deep * 102 / 100 : deep), pool(4, deep, deep),
        ]
    }

    @Test func aDislocationLeftInPlaceIsCountedOnceAndANewOneAgain() {
        let pools0 = Self.market(false, false)
        var t = AvailableProfitTracker(cycles: GroundTruth.cycles(pools: pools0, bases: [Self.base]))
        let s1 = t.add(slot: 1, pools: pools0, tokens: Self.tokens)
        #expect(s1.microUsd == 0)
        // Slot 2: pair 0/1 dislocated → counted.
        let s2 = t.add(slot: 2, pools: Self.market(true, false), tokens: Self.tokens)
        #expect(s2.microUsd > 0)
        #expect(s2.opportunities.count == 1)
        // Slot 3: the same state (nobody took it): carried, not counted again.
        let s3 = t.add(slot: 3, pools: Self.market(true, false), tokens: Self.tokens)
        #expect(s3.microUsd == 0)
        #expect(s3.carriedCycles >= 1)
        #expect(s3.best == s2.best)
        // Slot 4: pair 2/3 dislocates too: only the new one counts.
        let s4 = t.add(slot: 4, pools: Self.market(true, true), tokens: Self.tokens)
        #expect(s4.opportunities.count == 1)
        #expect(s4.opportunities[0].pools.contains(Self.addr(3)))
        // The counted profit equals the exact optimum of that cycle alone.
        var fresh = AvailableProfitTracker(cycles: GroundTruth.cycles(pools: pools0, bases: [Self.base]))
        let alone = fresh.add(slot: 1, pools: Self.market(false, true), tokens: Self.tokens)
        #expect(s4.microUsd == alone.microUsd)
        #expect(alone.microUsd > 0)
    }

    @Test func disjointOpportunitiesAddUpAndOverlappingOnesDoNot() {
        let pools = Self.market(true, true)
        var t = AvailableProfitTracker(cycles: GroundTruth.cycles(pools: pools, bases: [Self.base]))
        let both = t.add(slot: 1, pools: pools, tokens: Self.tokens)
        var a = AvailableProfitTracker(cycles: t.cycles)
        var b = AvailableProfitTracker(cycles: t.cycles)
        let only01 = a.add(slot: 1, pools: Self.market(true, false), tokens: Self.tokens)
        let only23 = b.add(slot: 1, pools: Self.market(false, true), tokens: Self.tokens)
        #expect(both.opportunities.count == 2)
        #expect(both.microUsd == only01.microUsd + only23.microUsd)
        // Every chosen set is pool-disjoint.
        let used = both.opportunities.flatMap(\.pools)
        #expect(Set(used).count == used.count)
    }

    /// The size search is within 10⁻⁵ of the best profit over a fine geometric grid of sizes (ratio 1.01, from the
    /// probe, ≈ 1 USD here, to 10¹³ units) on random two-pool dislocations (an independent reference: no shared search code).
    @Test func theSizeSearchIsWithinATinyFractionOfAFineGrid() {
        var rng = AvailableProfitRNG(seed: 11)
        var checked = 0
        for _ in 0..<60 {
            let ra = rng.next() % 1_000_000_000_000 + 1_000_000_000
            let skewBps = rng.next() % 500 + 1
            let pools = [Self.pool(1, ra, ra * (10_000 + skewBps) / 10_000), Self.pool(2, ra / 2, ra / 2)]
            for c in GroundTruth.cycles(pools: pools, bases: [Self.base]) {
                var gridBest: Int128 = 0
                var x: UInt64 = 1_000_000
                while x < 10_000_000_000_000 {
                    if let out = GroundTruth.cycleOut(c, pools: pools, amountIn: x) {
                        gridBest = max(gridBest, Int128(out) - Int128(x))
                    }
                    x = x + x / 100 + 1
                }
                let fast = AvailableProfitTracker.search(c, pools: pools, probe: 1_000_000)
                let pf = fast.map { Int128($0.amountOut) - Int128($0.amountIn) } ?? 0
                #expect(pf >= gridBest - gridBest / 100_000 - 2, "grid \(gridBest) search \(pf)")
                if gridBest > 1_000 { checked += 1 }
            }
        }
        #expect(checked > 30)
    }

    /// The branch-and-bound choice equals brute force over every subset (random small instances).
    @Test func bestDisjointEqualsBruteForce() {
        var rng = AvailableProfitRNG(seed: 7)
        for _ in 0..<300 {
            let n = Int(rng.next() % 9) + 1
            var candidates: [(pools: [Int], opportunity: ArbOpportunity)] = []
            for k in 0..<n {
                let legs = Int(rng.next() % 2) + 2
                var ps: [Int] = []
                while ps.count < legs {
                    let p = Int(rng.next() % 7)
                    if !ps.contains(p) { ps.append(p) }
                }
                let profit = rng.next() % 1_000 + 1
                candidates.append(
                    (
                        ps,
                        ArbOpportunity(
                            base: Self.base, pools: ps.map { Self.addr(UInt8($0)) } + [Self.addr(UInt8(100 + k))],
                            directions: [], amountIn: 1, amountOut: 1 + profit, profit: profit,
                            profitMicroUsd: profit)
                    ))
            }
            var brute: UInt64 = 0
            for mask in 0..<(1 << n) {
                var used = Set<Int>()
                var ok = true
                var v: UInt64 = 0
                for i in 0..<n where mask & (1 << i) != 0 {
                    if candidates[i].pools.contains(where: used.contains) {
                        ok = false
                        break
                    }
                    used.formUnion(candidates[i].pools)
                    v += candidates[i].opportunity.profitMicroUsd
                }
                if ok { brute = max(brute, v) }
            }
            let chosen = AvailableProfitTracker.bestDisjoint(candidates, limit: 20)
            #expect(chosen.reduce(0) { $0 + $1.profitMicroUsd } == brute)
        }
    }
}

struct AvailableProfitRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
