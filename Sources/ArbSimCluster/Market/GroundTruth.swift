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

/// Exhaustive best-arbitrage search: every 2- and 3-pool cycle from the base tokens, each sized with a fine
/// integer search using the exact quotes. Pure; runs off the bot's hot path (after a block, or lazily).
public enum GroundTruth {
    public struct Options: Sendable, Hashable {
        /// Geometric bracketing step: sizes grow by 2^(1/stepsPerOctave).
        public var stepsPerOctave: UInt64 = 4
        /// After narrowing to a window, walk unit by unit while profit stays within `flatMargin` base units of
        /// the best, at most this many units each way (the integer-rounded profit is flat near the optimum; the
        /// walk makes the result exact when it completes).
        public var maxWalk: UInt64 = 16
        public var flatMargin: UInt64 = 4
        public init() {}
        public init(maxWalk: UInt64) { self.maxWalk = maxWalk }
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

    /// The profit-maximizing input of one cycle, searched over integers ≥ `probe`: `probe` is a small size
    /// (≈ 1 USD) that must already be profitable, then geometric bracketing, integer ternary search, and a walk
    /// over the flat top. nil when the cycle is not profitable at the probe size.
    public static func best(
        _ cycle: ArbCycle, pools: [some GroundTruthPool], probe: UInt64, options: Options = .init()
    ) -> (amountIn: UInt64, amountOut: UInt64)? {
        func profit(_ x: UInt64) -> Int128 {
            // Cancelled (shutdown): every size reads as unfillable, so the search ends within a few quotes.
            guard !Task.isCancelled, let out = cycleOut(cycle, pools: pools, amountIn: x) else { return Int128.min }
            return Int128(out) - Int128(x)
        }
        let start = max(probe, 1)
        guard profit(start) > 0 else { return nil }
        // Bracket: grow until profit falls below the best seen, well past it.
        var bestX = start
        var bestP = profit(start)
        var x = start
        var lastX = start
        while true {
            let next = nextSize(x, stepsPerOctave: options.stepsPerOctave)
            guard next > x else { break }
            x = next
            let p = profit(x)
            if p > bestP {
                bestP = p
                bestX = x
            } else if p < 0 || x / 4 > bestX {
                lastX = x
                break
            }
            lastX = x
        }
        // Ternary search inside the bracket around the best grid point.
        var lo = max(1, prevSize(prevSize(bestX, options.stepsPerOctave), options.stepsPerOctave))
        var hi = min(
            lastX,
            nextSize(nextSize(bestX, stepsPerOctave: options.stepsPerOctave), stepsPerOctave: options.stepsPerOctave))
        while hi - lo > 32 {
            let m1 = lo + (hi - lo) / 3
            let m2 = hi - (hi - lo) / 3
            if profit(m1) < profit(m2) { lo = m1 + 1 } else { hi = m2 - 1 }
        }
        for c in lo...hi {
            let p = profit(c)
            if p > bestP {
                bestP = p
                bestX = c
            }
        }
        // Walk the flat top both ways: stop once profit is more than `flatMargin` below the best.
        let margin = Int128(options.flatMargin)
        for dir in [-1, 1] {
            var c = bestX
            var walked: UInt64 = 0
            while walked < options.maxWalk {
                if dir < 0 {
                    guard c > 1 else { break }
                    c -= 1
                } else {
                    guard c < UInt64.max else { break }
                    c += 1
                }
                walked += 1
                let p = profit(c)
                if p > bestP {
                    bestP = p
                    bestX = c
                } else if p < bestP - margin {
                    break
                }
            }
        }
        guard bestP > 0, let out = cycleOut(cycle, pools: pools, amountIn: bestX) else { return nil }
        return (bestX, out)
    }

    static func nextSize(_ x: UInt64, stepsPerOctave: UInt64) -> UInt64 {
        // x × 2^(1/k), at least +1; integer approximation of the k-th root of 2 in 1/2^16 units.
        let factor = rootOfTwo(stepsPerOctave)
        let v = UInt128(x) * UInt128(factor) >> 16
        return v >= UInt128(UInt64.max) ? UInt64.max : max(UInt64(v), x &+ 1)
    }

    static func prevSize(_ x: UInt64, _ stepsPerOctave: UInt64) -> UInt64 {
        let factor = rootOfTwo(stepsPerOctave)
        return UInt64((UInt128(x) << 16) / UInt128(factor))
    }

    /// 2^(1/k) × 65536, rounded up (k = 1…16): a step factor, not money, so floating point is fine here.
    static func rootOfTwo(_ k: UInt64) -> UInt64 {
        let k = Double(max(1, min(k, 16)))
        return UInt64((Foundation.pow(2.0, 1.0 / k) * 65_536).rounded(.up))
    }

    /// The best opportunity over all cycles. `probe(base)` is the probe size in base units (≈ 1 USD),
    /// `microUsd(base, amount)` values a profit.
    public static func bestOpportunity(
        pools: [some GroundTruthPool], cycles: [ArbCycle], probe: (Address) -> UInt64,
        microUsd: (Address, UInt64) -> UInt64, options: Options = .init()
    ) -> (best: ArbOpportunity?, profitableCycles: Int) {
        var best: ArbOpportunity? = nil
        var count = 0
        for cycle in cycles {
            // A cancelled caller (the ground-truth worker at shutdown) stops between cycles; it discards the
            // partial result (see `runGroundTruthWorker`).
            if Task.isCancelled { break }
            guard let r = GroundTruth.best(cycle, pools: pools, probe: probe(cycle.base), options: options) else {
                continue
            }
            count += 1
            let profit = r.amountOut - r.amountIn
            let usd = microUsd(cycle.base, profit)
            if best == nil || usd > best!.profitMicroUsd || (usd == best!.profitMicroUsd && profit > best!.profit) {
                best = ArbOpportunity(
                    base: cycle.base, pools: cycle.legs.map { pools[$0.pool].address },
                    directions: cycle.legs.map(\.direction), amountIn: r.amountIn, amountOut: r.amountOut,
                    profit: profit, profitMicroUsd: usd)
            }
        }
        return (best, count)
    }
}
