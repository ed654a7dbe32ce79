import ArbVenues
import Foundation
import SolanaPrimitives

extension GroundTruth {
    /// The first ground-truth search (issue #6 part 2b), kept unchanged as the reference the fast search is
    /// measured against (`solarb bench simcluster` runs both on the same snapshots) and as a second opinion in
    /// tests. Every cycle is probed at ≈ 1 USD, then sized: geometric bracketing by 2^(1/4), an integer ternary
    /// search, a 32-point scan and a unit walk over the flat top. Too slow for 400 ms slots on 25 pools.
    public enum Legacy {
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

        /// The profit-maximizing input of one cycle, searched over integers ≥ `probe`: `probe` is a small size
        /// (≈ 1 USD) that must already be profitable, then geometric bracketing, integer ternary search, and a walk
        /// over the flat top. nil when the cycle is not profitable at the probe size.
        public static func best(
            _ cycle: ArbCycle, pools: [some GroundTruthPool], probe: UInt64, options: Options = .init()
        ) -> (amountIn: UInt64, amountOut: UInt64)? {
            func profit(_ x: UInt64) -> Int128 {
                // Cancelled (shutdown): every size reads as unfillable, so the search ends within a few quotes.
                guard !Task.isCancelled, let out = GroundTruth.cycleOut(cycle, pools: pools, amountIn: x) else {
                    return Int128.min
                }
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
                nextSize(
                    nextSize(bestX, stepsPerOctave: options.stepsPerOctave), stepsPerOctave: options.stepsPerOctave))
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
            guard bestP > 0, let out = GroundTruth.cycleOut(cycle, pools: pools, amountIn: bestX) else { return nil }
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
                guard let r = Legacy.best(cycle, pools: pools, probe: probe(cycle.base), options: options) else {
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
}
