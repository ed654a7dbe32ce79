import ArbEngine
import ArbVenues
import SolanaPrimitives

/// SplitMix64: a tiny seeded generator so every randomized test is reproducible from its seed.
struct SeededRNG: RandomNumberGenerator {
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

enum T {
    static let sol = EngineConfig.wrappedSol
    static let usdc = addr(0xC0FFEE)

    static func addr(_ n: UInt64) -> Address { Address(raw: Bytes32(w0: n, w1: 0x5EED, w2: 0, w3: 0)) }

    static func pool(
        _ n: UInt64, _ a: Address, _ b: Address, _ ra: UInt64, _ rb: UInt64, fee: UInt64 = 25,
        kind: VenueKind = .raydiumCpmm
    ) -> ConstantProductQuoter {
        ConstantProductQuoter(
            address: addr(1_000_000 + n), mintA: a, mintB: b, reserveA: ra, reserveB: rb, feeBps: fee, kind: kind)
    }

    /// A config with wSOL and USDC as bases, 100 SOL / 10,000 USDC of capital, only the base fee as cost.
    static func config(maxLegs: Int = 4) -> EngineConfig {
        var c = EngineConfig(baseTokens: [sol, usdc], capital: [sol: 100_000_000_000, usdc: 10_000_000_000])
        c.maxCycleLegs = maxLegs
        c.risk.maxLegs = maxLegs
        c.risk.maxAccounts = 1_000
        c.risk.maxTransactionBytes = 100_000
        return c
    }

    /// A random market: `tokenCount` tokens (wSOL, USDC, then others) with hidden prices; pools between random
    /// pairs priced at the hidden price ± up to `noiseBps`, with random depth, fee and venue kind.
    static func randomPools(
        rng: inout SeededRNG, tokenCount: Int, poolCount: Int, noiseBps: UInt64 = 300
    ) -> [ConstantProductQuoter] {
        var mints = [sol, usdc]
        for i in 2..<tokenCount { mints.append(addr(UInt64(i))) }
        // Price of 1 base unit of token i in lamports, scaled by 1e6.
        var price: [UInt64] = [1_000_000, 5_000_000]  // 1 USDC unit (1e-6 USDC) ≈ 5 lamports
        for _ in 2..<tokenCount { price.append(UInt64.random(in: 100_000...50_000_000, using: &rng)) }
        let fees: [UInt64] = [1, 4, 25, 30, 100]
        var pools: [ConstantProductQuoter] = []
        for n in 0..<poolCount {
            let i = Int.random(in: 0..<tokenCount, using: &rng)
            var j = Int.random(in: 0..<(tokenCount - 1), using: &rng)
            if j >= i { j += 1 }
            // Depth: value of side A in lamports, 10 to 100,000 SOL.
            let depthLamports = UInt64.random(in: 10_000_000_000...100_000_000_000_000, using: &rng)
            let ra = UInt64(UInt128(depthLamports) * 1_000_000 / UInt128(price[i]))
            let noise = Int64.random(in: -Int64(noiseBps)...Int64(noiseBps), using: &rng)
            let rbFair = UInt128(depthLamports) * 1_000_000 / UInt128(price[j])
            let rb = UInt64(rbFair * UInt128(Int64(10_000) + noise) / 10_000)
            let kind = VenueKind.allCases[Int.random(in: 0..<VenueKind.allCases.count, using: &rng)]
            pools.append(
                pool(
                    UInt64(n), mints[i], mints[j], max(ra, 1_000), max(rb, 1_000),
                    fee: fees[Int.random(in: 0..<fees.count, using: &rng)], kind: kind))
        }
        return pools
    }
}
