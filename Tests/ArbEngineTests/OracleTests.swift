import ArbEngine
import ArbVenues
import Foundation
import SolanaPrimitives
import Testing

/// A brute-force oracle written independently of the engine: exhaustive cycle enumeration over pool sequences
/// and a fine grid over input sizes.
enum Oracle {
    struct Cycle: Hashable {
        var base: Address
        var legs: [Leg]
    }
    struct Leg: Hashable {
        var pool: Int
        var aToB: Bool
    }

    static func cycles<P: PoolQuoter>(pools: [P], bases: [Address], maxLegs: Int) -> [Cycle] {
        var result: [Cycle] = []
        func walk(_ base: Address, _ at: Address, _ path: [Leg], _ seen: [Address]) {
            for (i, p) in pools.enumerated() where !path.contains(where: { $0.pool == i }) {
                let next: Address
                let aToB: Bool
                if p.mintA == at {
                    next = p.mintB
                    aToB = true
                } else if p.mintB == at {
                    next = p.mintA
                    aToB = false
                } else {
                    continue
                }
                let legs = path + [Leg(pool: i, aToB: aToB)]
                if next == base {
                    if legs.count >= 2 { result.append(Cycle(base: base, legs: legs)) }
                } else if legs.count < maxLegs, !seen.contains(next) {
                    walk(base, next, legs, seen + [next])
                }
            }
        }
        for b in bases { walk(b, b, [], [b]) }
        return result
    }

    static func out<P: PoolQuoter>(_ c: Cycle, _ pools: [P], _ x: UInt64) -> UInt64? {
        var a = x
        for l in c.legs {
            guard let o = pools[l.pool].quote(amountIn: a, direction: l.aToB ? .aToB : .bToA) else { return nil }
            a = o
        }
        return a
    }

    /// Best gross profit over a geometric grid on [1, hi], then a fine linear grid around the best grid point.
    static func best<P: PoolQuoter>(_ c: Cycle, _ pools: [P], hi: UInt64, points: Int) -> (x: UInt64, profit: Int128) {
        var bestX: UInt64 = 1
        var bestP = Int128.min
        func eval(_ x: UInt64) {
            guard x >= 1, x <= hi, let o = out(c, pools, x) else { return }
            let p = Int128(o) - Int128(x)
            if p > bestP {
                bestP = p
                bestX = x
            }
        }
        var x = 1.0
        let factor = pow(2, log2(Double(hi)) / Double(points))
        for _ in 0...points {
            eval(UInt64(min(x, Double(hi))))
            x *= factor
        }
        // Refine: 400 linear points across one grid step either side of the best.
        let lo = UInt64(Double(bestX) / factor)
        let up = min(hi, UInt64(Double(bestX) * factor) + 1)
        let step = max(1, (up - lo) / 400)
        var y = lo
        while y <= up {
            eval(y)
            y += step
        }
        return (bestX, bestP)
    }
}

@Suite("ArbEngine brute-force oracle")
struct OracleTests {
    /// Costs the oracle reproduces independently: base fee only (5,000 lamports), priced into USDC with the best
    /// direct wSOL/USDC pool's quote of 1 SOL.
    static func oracleCost<P: PoolQuoter>(base: Address, pools: [P]) -> UInt64? {
        if base == T.sol { return 5_000 }
        var best: UInt64 = 0
        for p in pools {
            if p.mintA == T.sol, p.mintB == base, let o = p.quote(amountIn: 1_000_000_000, direction: .aToB) {
                best = max(best, o)
            }
            if p.mintB == T.sol, p.mintA == base, let o = p.quote(amountIn: 1_000_000_000, direction: .bToA) {
                best = max(best, o)
            }
        }
        guard best > 0 else { return nil }
        return UInt64((UInt128(5_000) * UInt128(best) + 999_999_999) / 1_000_000_000)
    }

    static func run(seed: UInt64, tokens: Int, pools poolCount: Int, maxLegs: Int, gridPoints: Int) -> (
        profitable: Int, checked: Int, roundingBand: Int
    ) {
        var rng = SeededRNG(seed: seed)
        var pools = T.randomPools(rng: &rng, tokenCount: tokens, poolCount: poolCount)
        pools.append(T.pool(999, T.sol, T.usdc, 50_000_000_000_000, 10_000_000_000_000, fee: 4))
        return check(pools: pools, seed: seed, maxLegs: maxLegs, gridPoints: gridPoints)
    }

    /// Runs the engine and the oracle on one market and checks the engine against it.
    static func check<P: PoolQuoter>(pools: [P], seed: UInt64, maxLegs: Int, gridPoints: Int) -> (
        profitable: Int, checked: Int, roundingBand: Int
    ) {
        var roundingBand = 0
        let config = T.config(maxLegs: maxLegs)
        var engine = ArbEngine<P>(config: config)
        for p in pools { engine.insert(p, slot: 100) }
        engine.evaluateAll()
        var found: [Oracle.Cycle: Opportunity] = [:]
        for o in engine.opportunities() {
            let legs = o.legs.map { l in
                Oracle.Leg(pool: pools.firstIndex(where: { $0.address == l.pool })!, aToB: l.direction == .aToB)
            }
            found[Oracle.Cycle(base: o.baseMint, legs: legs)] = o
        }
        let cycles = Oracle.cycles(pools: pools, bases: [T.sol, T.usdc], maxLegs: maxLegs)
        #expect(cycles.count == engine.stats.cycles, "seed \(seed): index size differs from exhaustive enumeration")
        var profitable = 0
        for c in cycles {
            let hi = config.capital[c.base]!
            let (_, best) = Oracle.best(c, pools, hi: hi, points: gridPoints)
            guard let cost = oracleCost(base: c.base, pools: pools), best > Int128(cost) else {
                #expect(
                    found[c] == nil || found[c]!.netProfit < 1, "seed \(seed): engine reports an unprofitable cycle")
                continue
            }
            let oracleNet = best - Int128(cost)
            guard let o = found[c] else {
                // Only a cycle within the 0.1 % band of break-even (or the 64-unit rounding band) may be missed.
                let nearBreakEven = oracleNet * 1_000 <= best || oracleNet <= 64
                if !(oracleNet * 1_000 <= best) { roundingBand += 1 }
                #expect(nearBreakEven, "seed \(seed): missed profitable cycle \(c), oracle best \(best)")
                continue
            }
            profitable += 1
            // Within 0.1 % of the oracle, or — for tiny profits — within the floor-rounding sawtooth of coarse
            // intermediate tokens (one unit of such a token is worth up to 50 base units here; 64 base units).
            let engineGross = Int128(o.grossProfit)
            if engineGross * 1_000 < best * 999 {
                roundingBand += 1
                #expect(
                    best - engineGross <= 64,
                    "seed \(seed): engine gross \(o.grossProfit) < 99.9 % of oracle \(best) by more than rounding")
            }
            #expect(o.costInBase == cost, "seed \(seed): cost \(o.costInBase) vs oracle \(cost)")
            // The reported amounts are exact: replaying the legs gives the expected output.
            #expect(Oracle.out(c, pools, o.amountIn) == o.expectedOut)
            #expect(o.amountIn <= hi)
        }
        return (profitable, cycles.count, roundingBand)
    }

    @Test("engine finds every oracle-profitable cycle and sizes within 0.1 % (random markets)")
    func randomMarkets() {
        let stress = Environment.stress
        let trials = stress ? 200 : 12
        var profitable = 0
        var checked = 0
        var band = 0
        for seed in 0..<UInt64(trials) {
            let r = Self.run(seed: seed, tokens: 5, pools: 9, maxLegs: 4, gridPoints: stress ? 2_000 : 400)
            profitable += r.profitable
            checked += r.checked
            band += r.roundingBand
        }
        print("oracle: \(trials) markets, \(checked) cycles, \(profitable) profitable, \(band) in the rounding band")
        // The rounding band must stay the exception.
        #expect(band * 50 <= profitable)
        // Guard against a vacuous pass: the generator must produce profitable cycles.
        #expect(profitable >= trials, "only \(profitable) profitable cycles in \(checked) checked")
    }
}

enum Environment {
    static var stress: Bool { ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1" }
}
