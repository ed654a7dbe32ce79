import ArbVenues
import Foundation
import SolanaPrimitives

/// A pool the ground truth can quote: exact output for an exact input, nil when the pool cannot fill it.
public protocol GroundTruthPool: Sendable {
    var address: Address { get }
    var mintA: Address { get }
    var mintB: Address { get }
    func amountOut(_ amountIn: UInt64, _ direction: SwapDirection) -> UInt64?
}

/// Any ArbVenues venue, quoted with its exact program math.
public struct VenueGroundTruthPool: GroundTruthPool {
    public var venue: any Venue
    public init(_ venue: any Venue) { self.venue = venue }
    public var address: Address { venue.address }
    public var mintA: Address { venue.mintA }
    public var mintB: Address { venue.mintB }
    public func amountOut(_ amountIn: UInt64, _ direction: SwapDirection) -> UInt64? {
        guard amountIn > 0, let q = try? venue.quote(QuoteRequest(amount: amountIn, direction: direction)),
            q.amountIn == amountIn
        else { return nil }
        return q.amountOut
    }
}

/// A cycle through 2 or 3 distinct pools that starts and ends in `base`.
public struct ArbCycle: Sendable, Hashable {
    public var base: Address
    /// Pool indexes (into the pool list the cycles were enumerated from) and directions, in order.
    public var legs: [Leg]
    public struct Leg: Sendable, Hashable {
        public var pool: Int
        public var direction: SwapDirection
    }
}

/// The best trade on one cycle at one state.
public struct ArbOpportunity: Sendable, Hashable {
    public var base: Address
    public var pools: [Address]
    public var directions: [SwapDirection]
    public var amountIn: UInt64
    public var amountOut: UInt64
    /// amountOut − amountIn, in base units of `base`.
    public var profit: UInt64
    /// The profit valued at the fair price (micro-USD).
    public var profitMicroUsd: UInt64
}

/// The best arbitrage available on one state: every 2- and 3-pool cycle from the base tokens, each sized with
/// the exact quotes, and the best set of cycles that share no pool. Pure; runs off the bot's hot path.
///
/// Per snapshot (`solve`):
/// 1. Screen: each pool's rate in each direction at ≈ 1 USD of input, rounded up ((out + 1) / in, the average
///    rate at a small size, ≥ what any larger input gets on a concave curve). A cycle whose product of rates is
///    below 1 − `screenSlack` cannot be profitable at the probe (nor, by concavity, at any larger size) and is
///    skipped without quoting. The slack covers the difference between a leg's probe and its input inside the
///    cycle (a price impact of ≈ 1 USD, ~10^-6); rates measured on fewer than 10^4 units are not used.
/// 2. Probe: the remaining cycles are quoted exactly at ≈ 1 USD of the base (`probe(base)`); a cycle that does not
///    profit there is not counted (the definition of a profitable cycle, unchanged from the first search).
/// 3. Size: profit out(x) − x is unimodal (each leg's output is concave in its input): double from the probe
///    until profit stops rising (this also bounds the input by what the pools can absorb: a size a pool cannot
///    fill reads as −∞ and ends the bracket), golden-section search over integers down to a relative
///    tolerance of 2^-`toleranceShift`, scan the last few integers, then walk over the flat top.
/// 4. Select: the best cycle, and greedily (by profit in USD) the cycles whose pools are disjoint from those
///    already chosen — their profits add up because they touch different pools (greedy, not the optimal
///    packing; documented in docs/simcluster.md).
///
/// Independent of the bot's sizing (ArbEngine): a ground truth that shared the bot's math would not catch the
/// bot's sizing errors. Tests compare it with brute force over every integer size and with `Legacy`.
public enum GroundTruth {
    public struct Options: Sendable, Hashable {
        /// Golden-section search stops when the interval is at most max(`scanWidth`, lower end >> this).
        public var toleranceShift: UInt64 = 20
        /// The final interval is scanned integer by integer when at most 4 × this wide.
        public var scanWidth: UInt64 = 16
        /// After the search, walk unit by unit while profit stays within `flatMargin` base units of the best, at
        /// most this many units each way.
        public var maxWalk: UInt64 = 4
        public var flatMargin: UInt64 = 4
        /// Cycles whose product of ≈ 1 USD rates (rounded up) is below 1 − slack are skipped unquoted.
        public var screenSlack: Double = 0.001
        /// `.legacy` runs the first search (`GroundTruth.Legacy`) instead: comparisons and benchmarks only.
        public var algorithm: Algorithm = .fast
        public enum Algorithm: Sendable, Hashable { case fast, legacy }
        public init() {}
        public init(maxWalk: UInt64) { self.maxWalk = maxWalk }
        public init(algorithm: Algorithm) { self.algorithm = algorithm }
    }

    /// What one snapshot yields.
    public struct Result: Sendable, Hashable {
        /// The single most profitable cycle (USD at fair prices; ties: larger profit in base units).
        public var best: ArbOpportunity?
        /// Greedy set of pool-disjoint cycles, most profitable first (`best` is its first element).
        public var selected: [ArbOpportunity]
        /// Cycles profitable at the probe size (≈ 1 USD).
        public var profitableCycles: Int
        /// Sum of `selected` profits, micro-USD: the profit available on this state.
        public var availableMicroUsd: UInt64
        /// Cycles skipped by the rate screen (never quoted).
        public var screenedOut: Int
        /// Pool quotes computed (quote-cache hits excluded).
        public var quotes: Int
    }

    /// Every cycle from a base token through 2 or 3 distinct pools (both directions are separate cycles).
    public static func cycles(pools: [some GroundTruthPool], bases: [Address]) -> [ArbCycle] {
        var byMint: [Address: [Int]] = [:]
        for (i, p) in pools.enumerated() {
            byMint[p.mintA, default: []].append(i)
            byMint[p.mintB, default: []].append(i)
        }
        func step(_ pool: Int, from mint: Address) -> (SwapDirection, Address) {
            let p = pools[pool]
            return p.mintA == mint ? (.aToB, p.mintB) : (.bToA, p.mintA)
        }
        var out: [ArbCycle] = []
        for base in bases {
            for p1 in byMint[base] ?? [] {
                let (d1, t1) = step(p1, from: base)
                for p2 in byMint[t1] ?? [] where p2 != p1 {
                    let (d2, t2) = step(p2, from: t1)
                    if t2 == base {
                        out.append(
                            ArbCycle(
                                base: base, legs: [.init(pool: p1, direction: d1), .init(pool: p2, direction: d2)]))
                        continue
                    }
                    for p3 in byMint[t2] ?? [] where p3 != p1 && p3 != p2 {
                        let (d3, t3) = step(p3, from: t2)
                        guard t3 == base else { continue }
                        out.append(
                            ArbCycle(
                                base: base,
                                legs: [
                                    .init(pool: p1, direction: d1), .init(pool: p2, direction: d2),
                                    .init(pool: p3, direction: d3),
                                ]))
                    }
                }
            }
        }
        return out
    }

    /// Output of the whole cycle for `amountIn`, or nil when a leg cannot fill.
    public static func cycleOut(_ cycle: ArbCycle, pools: [some GroundTruthPool], amountIn: UInt64) -> UInt64? {
        var amount = amountIn
        for leg in cycle.legs {
            guard amount > 0, let out = pools[leg.pool].amountOut(amount, leg.direction) else { return nil }
            amount = out
        }
        return amount
    }

    /// One snapshot's search: the pools, a quote cache shared by all cycles (cycles from the same base probe and
    /// bracket at the same sizes, so their common first legs are quoted once), and counters.
    public struct Search<P: GroundTruthPool> {
        public let pools: [P]
        public var options: Options
        var cache: [QuoteKey: UInt64?] = [:]
        public private(set) var quotes = 0

        struct QuoteKey: Hashable {
            var pool: Int32
            var aToB: Bool
            var amount: UInt64
        }

        public init(pools: [P], options: Options = .init()) {
            self.pools = pools
            self.options = options
        }

        mutating func quote(_ pool: Int, _ direction: SwapDirection, _ amount: UInt64, cached: Bool) -> UInt64? {
            guard amount > 0 else { return nil }
            let key = QuoteKey(pool: Int32(pool), aToB: direction == .aToB, amount: amount)
            if cached, let hit = cache[key] { return hit }
            quotes += 1
            let out = pools[pool].amountOut(amount, direction)
            if cached { cache[key] = .some(out) }
            return out
        }

        /// Output of the whole cycle for `amountIn`, or nil when a leg cannot fill.
        mutating func cycleOut(_ cycle: ArbCycle, _ amountIn: UInt64, cached: Bool) -> UInt64? {
            var amount = amountIn
            for leg in cycle.legs {
                guard let out = quote(leg.pool, leg.direction, amount, cached: cached), out > 0 else { return nil }
                amount = out
            }
            return amount
        }

        /// Upper estimate of the rate out/in at `amount` (the output rounded up by one unit); +∞ (no screening)
        /// when the pool cannot fill `amount` or the output is too small for the rounding to be negligible (below
        /// 10^4 units: the probe is not ≈ 1 USD of a token with enough decimals, e.g. in toy tests).
        mutating func rate(_ pool: Int, _ direction: SwapDirection, amount: UInt64) -> Double {
            guard let out = quote(pool, direction, amount, cached: true), out >= 10_000, amount >= 10_000 else {
                return .infinity
            }
            return (Double(out) + 1) / Double(amount)
        }

        /// The profit-maximizing input of a cycle profitable at `probe` (`probeOut` > `probe`): see `GroundTruth`.
        /// Ties go to the smaller input.
        public mutating func size(_ cycle: ArbCycle, probe: UInt64, probeOut: UInt64) -> (
            amountIn: UInt64, amountOut: UInt64
        ) {
            var bestX = probe
            var bestOut = probeOut
            var bestP = Int128(probeOut) - Int128(probe)
            func consider(_ x: UInt64, cached: Bool = false) -> Int128 {
                // Cancelled (shutdown): every size reads as unfillable, so the search ends within a few quotes.
                guard !Task.isCancelled, let out = cycleOut(cycle, x, cached: cached) else { return Int128.min }
                let p = Int128(out) - Int128(x)
                if p > bestP || (p == bestP && x < bestX) {
                    bestP = p
                    bestX = x
                    bestOut = out
                }
                return p
            }
            // 1. Bracket by doubling (cached: every cycle of this base doubles from the same probe).
            var lo: UInt64 = probe > 1 ? probe / 2 : 1
            var x = probe
            var fx = bestP
            var hi: UInt64
            while true {
                let (next, overflow) = x.multipliedReportingOverflow(by: 2)
                if overflow {
                    hi = UInt64.max
                    break
                }
                let fn = consider(next, cached: true)
                if fn > fx {
                    lo = x
                    x = next
                    fx = fn
                } else {
                    hi = next
                    break
                }
            }
            // 2. Golden section on [lo, hi] (f(lo) ≤ f(x) ≥ f(hi) for the unimodal profit).
            var a = lo
            var b = hi
            func point(_ a: UInt64, _ b: UInt64, _ k: UInt64) -> UInt64 {
                a + UInt64(UInt128(b - a) * UInt128(k) / 1_000_000)
            }
            let shift = options.toleranceShift
            func done() -> Bool { b - a <= max(options.scanWidth, a >> shift) }
            if !done() {
                var c = point(a, b, 381_966)
                var d = max(point(a, b, 618_034), c + 1)
                var fc = consider(c)
                var fd = consider(d)
                while !done() {
                    if fc >= fd {
                        b = d
                        d = c
                        fd = fc
                        c = min(point(a, b, 381_966), d - 1)
                        if c <= a { break }
                        fc = consider(c)
                    } else {
                        a = c
                        c = d
                        fc = fd
                        d = max(point(a, b, 618_034), c + 1)
                        if d >= b { break }
                        fd = consider(d)
                    }
                }
            }
            // 3. Scan the last few integers.
            if b - a <= 4 * options.scanWidth {
                var v = a
                while v <= b {
                    _ = consider(v)
                    if v == UInt64.max { break }
                    v += 1
                }
            }
            // 4. Walk the flat top both ways while profit stays within `flatMargin` of the best.
            let margin = Int128(options.flatMargin)
            for up in [false, true] {
                var v = bestX
                var walked: UInt64 = 0
                while walked < options.maxWalk {
                    if up {
                        guard v < UInt64.max else { break }
                        v += 1
                    } else {
                        guard v > 1 else { break }
                        v -= 1
                    }
                    walked += 1
                    if consider(v) < bestP - margin { break }
                }
            }
            return (bestX, bestOut)
        }

        /// The whole snapshot: screen, probe, size, select (see `GroundTruth`).
        public mutating func solve(
            cycles: [ArbCycle], probe: (Address) -> UInt64, microUsd: (Address, UInt64) -> UInt64
        ) -> Result {
            var rates: [QuoteKey: Double] = [:]
            func legRate(_ leg: ArbCycle.Leg) -> Double {
                let key = QuoteKey(pool: Int32(leg.pool), aToB: leg.direction == .aToB, amount: 0)
                if let r = rates[key] { return r }
                let p = pools[leg.pool]
                let input = leg.direction == .aToB ? p.mintA : p.mintB
                let r = rate(leg.pool, leg.direction, amount: max(1, probe(input)))
                rates[key] = r
                return r
            }
            var found: [ArbOpportunity] = []
            var screened = 0
            for cycle in cycles {
                // A cancelled caller (the ground-truth worker at shutdown) stops between cycles and discards the
                // partial result (see `runGroundTruthWorker`).
                if Task.isCancelled { break }
                var product = 1.0
                for leg in cycle.legs { product *= legRate(leg) }
                guard product >= 1 - options.screenSlack else {
                    screened += 1
                    continue
                }
                let p = max(probe(cycle.base), 1)
                guard let probeOut = cycleOut(cycle, p, cached: true), probeOut > p else { continue }
                let r = size(cycle, probe: p, probeOut: probeOut)
                let profit = r.amountOut - r.amountIn
                found.append(
                    ArbOpportunity(
                        base: cycle.base, pools: cycle.legs.map { pools[$0.pool].address },
                        directions: cycle.legs.map(\.direction), amountIn: r.amountIn, amountOut: r.amountOut,
                        profit: profit, profitMicroUsd: microUsd(cycle.base, profit)))
            }
            // Most profitable first; ties broken by base-unit profit, then by the cycle's pools (deterministic).
            let order = found.indices.sorted { i, j in
                let (x, y) = (found[i], found[j])
                if x.profitMicroUsd != y.profitMicroUsd { return x.profitMicroUsd > y.profitMicroUsd }
                if x.profit != y.profit { return x.profit > y.profit }
                return i < j
            }
            var used = Set<Address>()
            var selected: [ArbOpportunity] = []
            var total: UInt64 = 0
            for i in order where found[i].pools.allSatisfy({ !used.contains($0) }) {
                selected.append(found[i])
                used.formUnion(found[i].pools)
                total = total &+ found[i].profitMicroUsd
            }
            return Result(
                best: order.first.map { found[$0] }, selected: selected, profitableCycles: found.count,
                availableMicroUsd: total, screenedOut: screened, quotes: quotes)
        }
    }

    /// The profit-maximizing input of one cycle (nil when it does not profit at `probe`): `Search.size`.
    public static func best(
        _ cycle: ArbCycle, pools: [some GroundTruthPool], probe: UInt64, options: Options = .init()
    ) -> (amountIn: UInt64, amountOut: UInt64)? {
        var search = Search(pools: pools, options: options)
        let p = max(probe, 1)
        guard let out = search.cycleOut(cycle, p, cached: false), out > p else { return nil }
        return search.size(cycle, probe: p, probeOut: out)
    }

    /// The best opportunity over all cycles (and the count of cycles profitable at the probe). `probe(mint)` is
    /// ≈ 1 USD of that mint in base units, `microUsd(base, amount)` values a profit.
    public static func bestOpportunity(
        pools: [some GroundTruthPool], cycles: [ArbCycle], probe: (Address) -> UInt64,
        microUsd: (Address, UInt64) -> UInt64, options: Options = .init()
    ) -> (best: ArbOpportunity?, profitableCycles: Int) {
        let r = solve(pools: pools, cycles: cycles, probe: probe, microUsd: microUsd, options: options)
        return (r.best, r.profitableCycles)
    }

    /// Everything for one snapshot: best cycle, disjoint set, counts.
    public static func solve(
        pools: [some GroundTruthPool], cycles: [ArbCycle], probe: (Address) -> UInt64,
        microUsd: (Address, UInt64) -> UInt64, options: Options = .init()
    ) -> Result {
        if options.algorithm == .legacy {
            let r = Legacy.bestOpportunity(
                pools: pools, cycles: cycles, probe: probe, microUsd: microUsd, options: .init(maxWalk: 16))
            return Result(
                best: r.best, selected: r.best.map { [$0] } ?? [], profitableCycles: r.profitableCycles,
                availableMicroUsd: r.best?.profitMicroUsd ?? 0, screenedOut: 0, quotes: 0)
        }
        var search = Search(pools: pools, options: options)
        return search.solve(cycles: cycles, probe: probe, microUsd: microUsd)
    }
}
