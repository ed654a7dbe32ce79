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

@Suite("ArbEngine oracle on venue pools (AMM v4, CPMM, Whirlpool, CLMM, DLMM)")
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
    /// A market over all five venue kinds: the DLMM pair, a wSOL/USDC pool, and 12 pools rotating over AMM v4,
    /// CPMM, Whirlpool and Raydium CLMM between random pairs of {wSOL, USDC, X, Y}, priced within ±1 % of the
    /// tokens' hidden prices, with random depth (10 to 10,000 SOL of value per side) and fee.
    static func allKindsMarket(seed: UInt64) throws -> [AnyPoolQuoter]? {
        var rng = SeededRNG(seed: seed &+ 1_000)
        let dlmm = VenueBenchWorkloads.meteoraDLMM(binsToCross: 40).pair
        guard let probe = VenueQuoter(dlmm).quote(amountIn: 1_000_000, direction: .aToB) else { return nil }
        let mints = [T.sol, T.usdc, dlmm.tokenXMint, dlmm.tokenYMint]
        // Lamports ×1e6 per base unit.
        let price: [Double] = [1e6, 5e6, 2e7, 2e7 * 1e6 / Double(probe)]
        var pools: [AnyPoolQuoter] = [AnyPoolQuoter(VenueQuoter(dlmm))]
        pools.append(AnyPoolQuoter(T.pool(999, T.sol, T.usdc, 50_000_000_000_000, 10_000_000_000_000, fee: 4)))
        for n in 0..<UInt64(12) {
            var i = Int.random(in: 0..<4, using: &rng)
            var j = Int.random(in: 0..<3, using: &rng)
            if j >= i { j += 1 }
            if mints[i] > mints[j] { swap(&i, &j) }  // CLMM orders its mints; harmless for the others
            let depth = Double(UInt64.random(in: 10_000_000_000...10_000_000_000_000, using: &rng))
            let noise = Double(Int.random(in: 9_900...10_100, using: &rng)) / 10_000
            let depthA = depth * 1e6 / price[i]
            let priceBPerA = price[i] / price[j] * noise
            switch n % 4 {
            case 0:
                guard
                    let p = VenueMarket.ammV4(
                        n, coin: mints[i], pc: mints[j], coinAmount: UInt64(depthA),
                        pcAmount: UInt64(depthA * priceBPerA), feeBps: [25, 30, 4][Int(n / 4 % 3)])
                else { return nil }
                pools.append(AnyPoolQuoter(VenueQuoter(p)))
            case 1:
                guard
                    let p = VenueMarket.cpmm(
                        n, mint0: mints[i], mint1: mints[j], amount0: UInt64(depthA),
                        amount1: UInt64(depthA * priceBPerA), feeRate: [2_500, 1_000, 400][Int(n / 4 % 3)])
                else { return nil }
                pools.append(AnyPoolQuoter(VenueQuoter(p)))
            case 2:
                let p = try ConcentratedMarket.whirlpool(
                    n, mintA: mints[i], mintB: mints[j], priceBPerA: priceBPerA, depthA: depthA,
                    feeRate: [3_000, 500, 100][Int(n / 4 % 3)])
                pools.append(AnyPoolQuoter(VenueQuoter(p)))
            default:
                let p = try ConcentratedMarket.raydiumClmm(
                    n, mint0: mints[i], mint1: mints[j], priceBPerA: priceBPerA, depthA: depthA,
                    tradeFeeRate: [2_500, 500, 100][Int(n / 4 % 3)])
                pools.append(AnyPoolQuoter(VenueQuoter(p)))
            }
        }
        return pools
    }

    @Test("synthetic Whirlpool and CLMM pools quote at their price and cross ticks")
    func concentratedPoolsAreReal() throws {
        let x = T.addr(50)
        let y = T.addr(51)
        let w = try ConcentratedMarket.whirlpool(
            1, mintA: x, mintB: y, priceBPerA: 2.0, depthA: 1e12, feeRate: 3_000)
        let c = try ConcentratedMarket.raydiumClmm(
            1, mint0: x, mint1: y, priceBPerA: 2.0, depthA: 1e12, tradeFeeRate: 2_500)
        for (name, q) in [("whirlpool", AnyPoolQuoter(VenueQuoter(w))), ("clmm", AnyPoolQuoter(VenueQuoter(c)))] {
            // Small trade: ≈ 2 B per A after the fee.
            let small = try #require(q.quote(amountIn: 1_000_000, direction: .aToB), "\(name)")
            #expect(small > 1_990_000 && small < 2_000_000, "\(name): \(small)")
            let back = try #require(q.quote(amountIn: 1_000_000, direction: .bToA), "\(name)")
            #expect(back > 497_000 && back < 500_000, "\(name): \(back)")
        }
        // A trade that leaves the narrow position crosses initialized ticks.
        let big = try w.quoteDetail(QuoteRequest(amount: 50_000_000_000, direction: .aToB))
        #expect(big.quote.crossings >= 1)
        let bigC = try c.quote(QuoteRequest(amount: 50_000_000_000, direction: .aToB))
        #expect(bigC.crossings >= 1)
    }

    @Test("engine vs brute-force oracle on markets of all five venue kinds")
    func allFiveKinds() throws {
        let trials = Environment.stress ? 40 : 4
        var profitable = 0
        var band = 0
        var kindsInProfitable: Set<VenueKind> = []
        for seed in 0..<UInt64(trials) {
            let pools = try #require(try Self.allKindsMarket(seed: seed), "venue pool construction failed")
            let r = OracleTests.check(pools: pools, seed: seed, maxLegs: 3, gridPoints: Environment.stress ? 600 : 200)
            profitable += r.profitable
            band += r.roundingBand
            var engine = ArbEngine<AnyPoolQuoter>(config: T.config(maxLegs: 3))
            for p in pools { engine.insert(p, slot: 100) }
            engine.evaluateAll()
            for o in engine.opportunities() { for l in o.legs { kindsInProfitable.insert(l.kind) } }
        }
        print("five-kind oracle: \(trials) markets, \(profitable) profitable, \(band) in the rounding band")
        #expect(profitable > 0)
        #expect(band * 50 <= profitable)
        #expect(Set(VenueKind.allCases).isSubset(of: kindsInProfitable), "\(kindsInProfitable)")
    }
}
