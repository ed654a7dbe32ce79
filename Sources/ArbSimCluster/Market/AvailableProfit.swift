import ArbVenues
import SolanaPrimitives
import Synchronization

/// The profit available to an arbitrage bot, slot by slot, COUNTED ONCE — the denominator of "share of available
/// profit captured" (docs/runtime.md, "Share of available profit").
///
/// Definition. After each block the market's state (every pool, after the slot's noise trades and whatever else
/// landed) is what a bot can act on in the next block. For every 2- and 3-pool cycle from a base token the exact
/// profit-maximizing trade on that state is searched (`search`: exact venue quotes, size to within 0.05 %, valued
/// at the slot's fair prices). A cycle's opportunity is NEW at a slot when the state of one of its pools changed since the
/// previous computed slot; an opportunity on pools that did not change is the same dislocation left in place
/// and is not counted again. The slot's available profit is the largest total over a set of NEW opportunities
/// on pairwise disjoint pools (disjoint trades can all be taken in one block; trades sharing a pool cannot both
/// get the quoted price). Profits are gross (before transaction fees); the bot's captured profit is net of its
/// fees, so the share errs against the bot.
///
/// Change detection: a pool's state is fingerprinted by its exact quotes for six sizes (≈ 1 USD, 1,000 USD and
/// 100,000 USD of each token, both directions). A change that moves none of these quotes is not seen as a
/// change; such a change cannot alter an opportunity measurably.
public struct AvailableProfitSlot: Sendable, Hashable {
    public var slot: UInt64
    /// The chosen new opportunities (pairwise disjoint pools).
    public var opportunities: [ArbOpportunity]
    /// Σ profit of `opportunities`, micro-USD at the slot's fair prices.
    public var microUsd: UInt64
    /// Cycles profitable at this slot, and how many of those were unchanged since the previous slot (carried,
    /// not counted again).
    public var profitableCycles: Int
    public var carriedCycles: Int
    /// The best single opportunity (new or carried): the classic ground-truth record.
    public var best: ArbOpportunity?
}

/// Computes `AvailableProfitSlot`s from consecutive market snapshots (pure; holds the previous slot's results).
public struct AvailableProfitTracker: Sendable {
    public let cycles: [ArbCycle]
    /// Largest number of new opportunities considered by the exact disjoint-set search (the most profitable).
    public var maxExactCandidates = 20
    var previousFingerprints: [[UInt64]] = []
    var previousResults: [Int: ArbOpportunity] = [:]

    public init(cycles: [ArbCycle]) { self.cycles = cycles }

    /// The next snapshot (slots must be given in increasing order).
    public mutating func add<P: GroundTruthPool>(
        slot: UInt64, pools: [P], tokens: [MarketToken]
    ) -> AvailableProfitSlot {
        let byMint = Dictionary(tokens.map { ($0.mint, $0) }, uniquingKeysWith: { a, _ in a })
        let fingerprints = pools.map { Self.fingerprint($0, byMint) }
        var changed = [Bool](repeating: true, count: pools.count)
        if previousFingerprints.count == pools.count {
            for i in pools.indices { changed[i] = fingerprints[i] != previousFingerprints[i] }
        }
        var results: [Int: ArbOpportunity] = [:]
        var fresh: [Int] = []
        var carried = 0
        for (k, cycle) in cycles.enumerated() {
            if Task.isCancelled { break }
            if !cycle.legs.contains(where: { changed[$0.pool] }) {
                if let r = previousResults[k] {
                    results[k] = r
                    carried += 1
                }
                continue
            }
            guard let base = byMint[cycle.base],
                let r = Self.search(cycle, pools: pools, probe: base.units(microUsd: 1_000_000))
            else { continue }
            let profit = r.amountOut - r.amountIn
            results[k] = ArbOpportunity(
                base: cycle.base, pools: cycle.legs.map { pools[$0.pool].address },
                directions: cycle.legs.map(\.direction), amountIn: r.amountIn, amountOut: r.amountOut,
                profit: profit, profitMicroUsd: base.microUsd(units: profit))
            fresh.append(k)
        }
        previousFingerprints = fingerprints
        previousResults = results
        // The best single opportunity; ties broken by cycle index (deterministic).
        var best: ArbOpportunity?
        for k in results.keys.sorted() {
            let o = results[k]!
            if best == nil || (o.profitMicroUsd, o.profit) > (best!.profitMicroUsd, best!.profit) { best = o }
        }
        let candidates = fresh.compactMap { k -> (pools: [Int], opportunity: ArbOpportunity)? in
            guard let o = results[k], o.profitMicroUsd > 0 else { return nil }
            return (cycles[k].legs.map(\.pool), o)
        }
        let chosen = Self.bestDisjoint(candidates, limit: maxExactCandidates)
        return AvailableProfitSlot(
            slot: slot, opportunities: chosen, microUsd: chosen.reduce(0) { $0 + $1.profitMicroUsd },
            profitableCycles: results.count, carriedCycles: carried, best: best)
    }

    /// The profit-maximizing input of a cycle to within 0.05 % of the size (the profit is flat at the optimum:
    /// the profit given up is of the order of 10⁻⁷ of it), every candidate size quoted exactly. Geometric
    /// bracketing from the probe (≈ 1 USD, which must already be profitable) by √2, then ternary search on the
    /// bracket. About 70 cycle quotes instead of `GroundTruth.best`'s ≈ 250 (unit-exact), which could not keep up
    /// with 400 ms slots on the default scenario. The result is a size whose exact output is `amountOut`: an
    /// achievable trade, so the available profit is never overstated by the search.
    static func search(
        _ cycle: ArbCycle, pools: [some GroundTruthPool], probe: UInt64
    ) -> (amountIn: UInt64, amountOut: UInt64)? {
        func profit(_ x: UInt64) -> Int128 {
            guard !Task.isCancelled, let out = GroundTruth.cycleOut(cycle, pools: pools, amountIn: x) else {
                return Int128.min
            }
            return Int128(out) - Int128(x)
        }
        let start = max(probe, 1)
        var bestX = start
        var bestP = profit(start)
        guard bestP > 0 else { return nil }
        var x = start
        var lastX = start
        while true {
            let next = Self.grow(x)
            guard next > x else { break }
            x = next
            lastX = x
            let p = profit(x)
            if p > bestP {
                bestP = p
                bestX = x
            } else {
                break  // past the top (profit is unimodal in the size)
            }
        }
        var lo = max(start, Self.shrink(bestX))
        var hi = max(lo, min(lastX, Self.grow(bestX)))
        let tolerance = max(32, bestX / 2_000)
        while hi - lo > tolerance {
            let m1 = lo + (hi - lo) / 3
            let m2 = hi - (hi - lo) / 3
            let p1 = profit(m1)
            let p2 = profit(m2)
            for (m, p) in [(m1, p1), (m2, p2)] where p > bestP {
                bestP = p
                bestX = m
            }
            if p1 < p2 { lo = m1 + 1 } else { hi = m2 - 1 }
        }
        guard bestP > 0, let out = GroundTruth.cycleOut(cycle, pools: pools, amountIn: bestX) else { return nil }
        return (bestX, out)
    }

    /// x × √2 (181/128 ≈ 1.4141), at least x + 1, saturating.
    static func grow(_ x: UInt64) -> UInt64 {
        let v = (UInt128(x) * 181) / 128
        return v >= UInt128(UInt64.max) ? UInt64.max : max(UInt64(v), x &+ 1)
    }

    /// x ÷ √2 (128/181).
    static func shrink(_ x: UInt64) -> UInt64 { UInt64((UInt128(x) * 128) / 181) }

    /// Exact quotes at ≈ 1, 1,000 and 100,000 USD of each token, both directions (0 when a size cannot fill).
    static func fingerprint(_ pool: some GroundTruthPool, _ byMint: [Address: MarketToken]) -> [UInt64] {
        var out: [UInt64] = []
        for (mint, direction) in [(pool.mintA, SwapDirection.aToB), (pool.mintB, .bToA)] {
            for usd: UInt64 in [1_000_000, 1_000_000_000, 100_000_000_000] {
                let amount = byMint[mint]?.units(microUsd: usd) ?? usd
                out.append(pool.amountOut(amount, direction) ?? 0)
            }
        }
        return out
    }

    /// The largest-profit set of candidates with pairwise disjoint pools: exact branch and bound over the
    /// `limit` most profitable candidates (candidates beyond them are added greedily when disjoint).
    static func bestDisjoint(
        _ candidates: [(pools: [Int], opportunity: ArbOpportunity)], limit: Int
    ) -> [ArbOpportunity] {
        let sorted = candidates.sorted {
            $0.opportunity.profitMicroUsd != $1.opportunity.profitMicroUsd
                ? $0.opportunity.profitMicroUsd > $1.opportunity.profitMicroUsd
                : $0.opportunity.pools.lexicographicallyPrecedes($1.opportunity.pools) {
                    $0.bytes.lexicographicallyPrecedes($1.bytes)
                }
        }
        let exact = Array(sorted.prefix(max(0, limit)))
        // suffix[i] = Σ profit of exact[i...]: the bound.
        var suffix = [UInt64](repeating: 0, count: exact.count + 1)
        for i in stride(from: exact.count - 1, through: 0, by: -1) {
            suffix[i] = suffix[i + 1] + exact[i].opportunity.profitMicroUsd
        }
        var bestSet: [Int] = []
        var bestValue: UInt64 = 0
        var current: [Int] = []
        var used = Set<Int>()
        func search(_ i: Int, _ value: UInt64) {
            if value > bestValue {
                bestValue = value
                bestSet = current
            }
            guard i < exact.count, value + suffix[i] > bestValue else { return }
            let c = exact[i]
            if !c.pools.contains(where: used.contains) {
                current.append(i)
                used.formUnion(c.pools)
                search(i + 1, value + c.opportunity.profitMicroUsd)
                used.subtract(c.pools)
                current.removeLast()
            }
            search(i + 1, value)
        }
        search(0, 0)
        var chosen = bestSet.map { exact[$0].opportunity }
        var taken = Set(bestSet.flatMap { exact[$0].pools })
        for c in sorted.dropFirst(exact.count) where !c.pools.contains(where: taken.contains) {
            chosen.append(c.opportunity)
            taken.formUnion(c.pools)
        }
        return chosen
    }
}

/// The computed slots of a run (shared between the worker and whoever reports).
public final class AvailableProfitLedger: Sendable {
    let records = Mutex<[UInt64: AvailableProfitSlot]>([:])
    public init() {}

    public func record(_ r: AvailableProfitSlot) { records.withLock { $0[r.slot] = r } }

    /// The computed slots within `range`, in slot order.
    public func slots(_ range: ClosedRange<UInt64>) -> [AvailableProfitSlot] {
        records.withLock { r in range.compactMap { r[$0] } }
    }

    /// The newest computed slot (0 when none).
    public var newestSlot: UInt64 { records.withLock { $0.keys.max() ?? 0 } }
}

extension SimCluster {
    /// Like `runGroundTruthWorker`, but computes the counted-once available profit (`AvailableProfitTracker`)
    /// into `ledger` (and the classic best-opportunity record into the market's ground truth). Runs off the
    /// actor until cancelled; use it INSTEAD of `runGroundTruthWorker` (both consume the same snapshot queue).
    public nonisolated func runAvailableProfitWorker<C: Clock>(
        ledger: AvailableProfitLedger, clock: C, idle: C.Duration
    ) async throws {
        await setGroundTruthInline(false)
        var tracker: AvailableProfitTracker?
        while !Task.isCancelled {
            let work = await takeGroundTruthWork()
            if work.snapshots.isEmpty {
                try await clock.sleep(for: idle)
                continue
            }
            if tracker == nil { tracker = AvailableProfitTracker(cycles: work.cycles) }
            for snapshot in work.snapshots {
                if Task.isCancelled { break }
                let r = tracker!.add(slot: snapshot.slot, pools: snapshot.pools, tokens: snapshot.tokens)
                if Task.isCancelled { break }  // stopped mid-search: partial, not stored
                ledger.record(r)
                await storeGroundTruth([
                    GroundTruthRecord(slot: r.slot, best: r.best, profitableCycles: r.profitableCycles)
                ])
            }
        }
        await setGroundTruthInline(true)
    }
}
