import ArbEngine
import ArbVenues
import SolanaPrimitives
import Testing

/// Venue-backed pools for the oracle: Raydium AMM v4 and CPMM pools built from bytes at the offsets of
/// `RaydiumAMMv4Layout` / `RaydiumCPMMLayout` with chosen mints, reserves and fees; the Meteora DLMM pair of
/// `VenueBenchWorkloads` (bins funded on the Y side, so it quotes X→Y).
enum VenueMarket {
    static func put(_ d: inout [UInt8], _ off: Int, _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { d.replaceSubrange(off..<off + 8, with: $0) }
    }
    static func put(_ d: inout [UInt8], _ off: Int, _ a: Address) { d.replaceSubrange(off..<off + 32, with: a.bytes) }

    static func ammV4(_ n: UInt64, coin: Address, pc: Address, coinAmount: UInt64, pcAmount: UInt64, feeBps: UInt64)
        -> RaydiumAMMv4Pool?
    {
        typealias L = RaydiumAMMv4Layout
        var d = [UInt8](repeating: 0, count: L.size)
        put(&d, L.status, 6)
        put(&d, L.nonce, 254)
        put(&d, L.coinDecimals, 9)
        put(&d, L.pcDecimals, 6)
        put(&d, L.swapFeeNumerator, feeBps)
        put(&d, L.swapFeeDenominator, 10_000)
        put(&d, L.coinVaultMint, coin)
        put(&d, L.pcVaultMint, pc)
        for (i, off) in [L.coinVault, L.pcVault, L.lpMint, L.openOrders, L.market, L.marketProgram, L.targetOrders]
            .enumerated()
        {
            put(&d, off, T.addr(7_000_000 + n * 100 + UInt64(i)))
        }
        guard var p = try? RaydiumAMMv4Pool(address: T.addr(8_000_000 + n), data: d) else { return nil }
        p.coinVaultAmount = coinAmount
        p.pcVaultAmount = pcAmount
        return p
    }

    static func cpmm(_ n: UInt64, mint0: Address, mint1: Address, amount0: UInt64, amount1: UInt64, feeRate: UInt64)
        -> RaydiumCPMMPool?
    {
        typealias L = RaydiumCPMMLayout
        var d = [UInt8](repeating: 0, count: L.poolSize)
        d.replaceSubrange(0..<8, with: L.poolDiscriminator)
        for (i, off) in [L.ammConfig, L.token0Vault, L.token1Vault, L.observationKey].enumerated() {
            put(&d, off, T.addr(7_500_000 + n * 100 + UInt64(i)))
        }
        put(&d, L.token0Mint, mint0)
        put(&d, L.token1Mint, mint1)
        put(&d, L.token0Program, VenueProgramIDs.token)
        put(&d, L.token1Program, VenueProgramIDs.token)
        d[L.authBump] = 253
        var c = [UInt8](repeating: 0, count: L.configSize)
        c.replaceSubrange(0..<8, with: L.configDiscriminator)
        put(&c, L.configTradeFeeRate, feeRate)
        put(&c, L.configProtocolFeeRate, 120_000)
        put(&c, L.configFundFeeRate, 40_000)
        guard var pool = try? RaydiumCPMMPool(address: T.addr(8_500_000 + n), data: d),
            let cfg = try? RaydiumCPMMConfig(
                account: AccountData(address: T.addr(7_500_000 + n * 100), owner: L.programId, lamports: 0, data: c))
        else { return nil }
        pool.config = cfg
        pool.vault0Amount = amount0
        pool.vault1Amount = amount1
        return pool
    }
}

@Suite("ArbEngine oracle on venue pools (AMM v4, CPMM, DLMM)")
struct VenueOracleTests {
    static func market(seed: UInt64) -> [AnyPoolQuoter]? {
        var rng = SeededRNG(seed: seed)
        let dlmm = VenueBenchWorkloads.meteoraDLMM(binsToCross: 40).pair
        let x = dlmm.tokenXMint
        let y = dlmm.tokenYMint
        // Y per X at the DLMM's active bin, ×1e6.
        guard let probe = VenueQuoter(dlmm).quote(amountIn: 1_000_000, direction: .aToB) else { return nil }
        let mints = [T.sol, T.usdc, x, y]
        // Lamports ×1e6 per unit: SOL 1, USDC 5, X 20, Y 20 / (Y per X).
        let price: [UInt128] = [1_000_000, 5_000_000, 20_000_000, 20_000_000 * 1_000_000 / UInt128(probe)]
        var pools: [AnyPoolQuoter] = [AnyPoolQuoter(VenueQuoter(dlmm))]
        pools.append(AnyPoolQuoter(T.pool(999, T.sol, T.usdc, 50_000_000_000_000, 10_000_000_000_000, fee: 4)))
        for n in 0..<UInt64(10) {
            let i = Int.random(in: 0..<4, using: &rng)
            var j = Int.random(in: 0..<3, using: &rng)
            if j >= i { j += 1 }
            let depth = UInt128.random(in: 10_000_000_000...10_000_000_000_000, using: &rng)
            let noise = UInt128.random(in: 9_900...10_100, using: &rng)
            let ra = UInt64(depth * 1_000_000 / price[i])
            let rb = UInt64(depth * 1_000_000 / price[j] * noise / 10_000)
            if n % 2 == 0 {
                guard
                    let p = VenueMarket.ammV4(
                        n, coin: mints[i], pc: mints[j], coinAmount: ra, pcAmount: rb,
                        feeBps: [25, 30, 4][Int(n / 2 % 3)])
                else { return nil }
                pools.append(AnyPoolQuoter(VenueQuoter(p)))
            } else {
                guard
                    let p = VenueMarket.cpmm(
                        n, mint0: mints[i], mint1: mints[j], amount0: ra, amount1: rb,
                        feeRate: [2_500, 1_000, 400][Int(n / 2 % 3)])
                else { return nil }
                pools.append(AnyPoolQuoter(VenueQuoter(p)))
            }
        }
        return pools
    }

    @Test("engine vs brute-force oracle on venue-backed markets")
    func venueMarkets() throws {
        let trials = Environment.stress ? 60 : 6
        var profitable = 0
        var band = 0
        var kindsInProfitable: Set<VenueKind> = []
        for seed in 0..<UInt64(trials) {
            let pools = try #require(Self.market(seed: seed), "venue pool construction failed")
            let r = OracleTests.check(pools: pools, seed: seed, maxLegs: 4, gridPoints: 300)
            profitable += r.profitable
            band += r.roundingBand
            var engine = ArbEngine<AnyPoolQuoter>(config: T.config())
            for p in pools { engine.insert(p, slot: 100) }
            engine.evaluateAll()
            for o in engine.opportunities() { for l in o.legs { kindsInProfitable.insert(l.kind) } }
        }
        print("venue oracle: \(trials) markets, \(profitable) profitable, \(band) in the rounding band")
        #expect(profitable > 0)
        #expect(band * 50 <= profitable)
        #expect(kindsInProfitable.isSuperset(of: [.raydiumAmmV4, .raydiumCpmm, .meteoraDlmm]), "\(kindsInProfitable)")
    }
}
