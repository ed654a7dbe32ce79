import ArbVenues
import SolanaPrimitives

/// A deterministic synthetic market with realistic token overlap, for benchmarks and simulation: a few hub
/// tokens (wSOL, USDC, USDT) that most pools quote against, a long tail of tokens with one to a few pools each,
/// several pools per popular pair, and prices within a few bps of a hidden fair price (so most updates find
/// nothing and some find a small arbitrage).
public struct SyntheticMarket: Sendable {
    public static let usdc = syntheticAddress(0xC0FFEE, tag: 1)
    public static let usdt = syntheticAddress(0xC0FFEF, tag: 1)

    public var pools: [ConstantProductQuoter]
    public var mints: [Address]
    var fairPrice: [UInt64]
    var rng: SplitMix64

    public static func syntheticAddress(_ n: UInt64, tag: UInt64) -> Address {
        Address(raw: Bytes32(w0: n, w1: tag, w2: 0x5A5A_5A5A, w3: 0))
    }

    /// `poolCount` pools; about one long-tail token per 2.5 pools. Pool kinds cycle through the five venues.
    public init(poolCount: Int, seed: UInt64, noiseBps: UInt64 = 15) {
        var r = SplitMix64(seed: seed)
        var mints = [EngineConfig.wrappedSol, Self.usdc, Self.usdt]
        // Lamports (×1e6) per base unit: 1 USDC unit (1e-6 USDC) ≈ 5 lamports at 200 USDC/SOL.
        var fair: [UInt64] = [1_000_000, 5_000_000, 5_000_000]
        let tail = max(2, poolCount * 2 / 5)
        for i in 0..<tail {
            mints.append(Self.syntheticAddress(UInt64(i), tag: 2))
            fair.append(r.next(in: 10_000...100_000_000))
        }
        var pools: [ConstantProductQuoter] = []
        pools.reserveCapacity(poolCount)
        let fees: [UInt64] = [1, 4, 25, 30, 100]
        func add(_ i: Int, _ j: Int) {
            // Depth: 5 to 40,000 SOL of value per side.
            let depth = UInt64(5_000_000_000) << r.next(in: 0...13)
            let ra = UInt64(UInt128(depth) * 1_000_000 / UInt128(fair[i]))
            let rbFair = UInt128(depth) * 1_000_000 / UInt128(fair[j])
            let noise = Int64(r.next(in: 0...(2 * noiseBps))) - Int64(noiseBps)
            let rb = UInt64(rbFair * UInt128(Int64(10_000) + noise) / 10_000)
            let n = UInt64(pools.count)
            let kind = VenueKind.allCases[Int(n % UInt64(VenueKind.allCases.count))]
            pools.append(
                ConstantProductQuoter(
                    address: Self.syntheticAddress(n, tag: 3), mintA: mints[i], mintB: mints[j],
                    reserveA: max(ra, 1_000), reserveB: max(rb, 1_000), feeBps: fees[Int(r.next(in: 0...4))],
                    kind: kind))
        }
        // Hub pairs (wSOL/USDC, wSOL/USDT, USDC/USDT): several pools each.
        let hubPools = min(poolCount, max(3, poolCount / 50))
        for k in 0..<hubPools { add(k % 3 == 2 ? 1 : 0, k % 3 == 0 ? 1 : 2) }
        while pools.count < poolCount {
            let t = 3 + Int(r.next(in: 0...UInt64(tail - 1)))
            let roll = r.next(in: 0...99)
            let other: Int
            if roll < 55 {
                other = 0
            } else if roll < 85 {
                other = 1
            } else if roll < 90 {
                other = 2
            } else {
                other = 3 + Int(r.next(in: 0...UInt64(tail - 1)))
            }
            if other == t { continue }
            add(t, other)
        }
        self.pools = pools
        self.mints = mints
        self.fairPrice = fair
        self.rng = r
    }

    /// Applies a random trade of up to `maxBps` of the input reserve to a random pool; returns its index and
    /// new state.
    public mutating func randomTrade(maxBps: UInt64 = 50) -> (index: Int, pool: ConstantProductQuoter) {
        while true {
            let i = Int(rng.next(in: 0...UInt64(pools.count - 1)))
            let dir: SwapDirection = rng.next(in: 0...1) == 0 ? .aToB : .bToA
            let reserve = dir == .aToB ? pools[i].reserveA : pools[i].reserveB
            let amount = rng.next(in: 1...max(1, UInt64(UInt128(reserve) * UInt128(maxBps) / 10_000)))
            if let next = pools[i].afterSwap(amountIn: amount, direction: dir) {
                pools[i] = next
                return (i, next)
            }
        }
    }
}

/// SplitMix64, seeded: deterministic randomness passed in, never global.
public struct SplitMix64: Sendable, RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func next(in range: ClosedRange<UInt64>) -> UInt64 {
        let span = range.upperBound &- range.lowerBound &+ 1
        return span == 0 ? next() : range.lowerBound + next() % span
    }
}
