import ArbMath
import ArbSimCluster
import ArbTestSupport
import ArbVenues
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

/// Shared setup of the DEX tests: two fresh mints and one pool spec per venue kind.
enum DEXFixture {
    static let authority = T.key(90)
    static let sol = MintSpec(Mints.wrappedSOL, decimals: 9)
    static let usdc = MintSpec(T.key(91).address, decimals: 6, mintAuthority: authority.address)
    static let bonk = MintSpec(T.key(92).address, decimals: 5, mintAuthority: authority.address)

    /// A SOL/USDC pool at ~150 USDC per SOL (price in base units: 150e6 / 1e9 = 0.15).
    static func spec(_ kind: VenueKind, seed: UInt64 = 1, fee: UInt32 = 2_500) -> PoolSpec {
        PoolSpec(
            kind: kind, mintA: sol, mintB: usdc, feeRate: fee, reserveA: 10_000 * 1_000_000_000,
            reserveB: 1_500_000 * 1_000_000, seed: seed)
    }
}

@Suite("DEX pool factory")
struct DEXFactoryTests {
    /// synthesize → ArbVenues decode/update → the values written; a small quote prices at ~150 USDC/SOL less fee.
    @Test(arguments: VenueKind.allCases)
    func synthesizedPoolDecodes(_ kind: VenueKind) throws {
        var bank = Bank()
        let pool = try bank.createPool(DEXFixture.spec(kind))
        #expect(pool.kind == kind)
        #expect(Set([pool.mintA, pool.mintB]) == Set([DEXFixture.sol.address, DEXFixture.usdc.address]))
        let venue = try bank.venue(for: pool)
        #expect(venue.address == pool.address)
        #expect(venue.mintA == pool.mintA && venue.mintB == pool.mintB)
        for a in pool.accounts { #expect(bank.account(a) != nil, "\(a) written") }
        let vaultA = try #require(T.tokenAmount(bank, pool.vaultA))
        let vaultB = try #require(T.tokenAmount(bank, pool.vaultB))
        let solIsA = pool.mintA == DEXFixture.sol.address
        let (solVault, usdcVault) = solIsA ? (vaultA, vaultB) : (vaultB, vaultA)
        // Vaults hold the position: within 1 % of the spec for constant product (exact), within range for CL.
        #expect(solVault <= 10_000 * 1_000_000_000 + 1 && solVault > 1_000_000_000)
        #expect(usdcVault <= 1_500_000 * 1_000_000 + 1 && usdcVault > 1_000_000)
        // Sell 1 SOL: ≈ 150 USDC less the 0.25 % fee (and a little price impact).
        let sell = try venue.quote(QuoteRequest(amount: 1_000_000_000, direction: solIsA ? .aToB : .bToA))
        let usdc = Double(sell.amountOut) / 1e6
        #expect(usdc > 148.5 && usdc < 150.0, "\(kind): 1 SOL → \(usdc) USDC")
        #expect(sell.fee > 0)
        // Buy with 150 USDC: ≈ 1 SOL less fee.
        let buy = try venue.quote(QuoteRequest(amount: 150_000_000, direction: solIsA ? .bToA : .aToB))
        let sol = Double(buy.amountOut) / 1e9
        #expect(sol > 0.99 && sol < 1.0, "\(kind): 150 USDC → \(sol) SOL")
    }

    @Test func writtenFieldsReadBack() throws {
        var bank = Bank()
        let amm = try bank.createPool(DEXFixture.spec(.raydiumAmmV4))
        let v4 = try #require(try bank.venue(for: amm) as? RaydiumAMMv4Pool)
        #expect(v4.status == 6 && v4.fees.numerator == 2_500 && v4.fees.denominator == 1_000_000)
        #expect(v4.coinVault == amm.vaultA && v4.pcVault == amm.vaultB && v4.authority == amm.authority)
        #expect(try v4.reserves() == (10_000 * 1_000_000_000, 1_500_000 * 1_000_000))

        let cp = try bank.createPool(DEXFixture.spec(.raydiumCpmm))
        let cpmm = try #require(try bank.venue(for: cp) as? RaydiumCPMMPool)
        #expect(cpmm.config?.tradeFeeRate == 2_500 && cpmm.config?.protocolFeeRate == 120_000)
        #expect(cpmm.authority == cp.authority && cpmm.ammConfig == cp.config)

        let cl = try bank.createPool(DEXFixture.spec(.raydiumClmm))
        let clmm = try #require(try bank.venue(for: cl) as? RaydiumCLMMVenue)
        #expect(clmm.config?.tradeFeeRate == 2_500 && clmm.state.tickSpacing == 60)
        #expect(clmm.state.liquidity > 0 && clmm.bitmapExtension != nil)
        #expect(try ClmmMath.tickAtSqrtPrice(clmm.state.sqrtPriceX64) == clmm.state.tickCurrent)
        #expect(clmm.tickArrays.count >= 2)

        let wp = try bank.createPool(DEXFixture.spec(.orcaWhirlpool))
        let whirl = try #require(try bank.venue(for: wp) as? WhirlpoolVenue)
        #expect(whirl.state.feeRate == 2_500 && whirl.state.tickSpacing == 64 && !whirl.state.isAdaptiveFee)
        #expect(WhirlpoolMath.tickIndexFromSqrtPrice(whirl.state.sqrtPrice) == whirl.state.tickCurrentIndex)
        #expect(whirl.tickArrays.count >= 3)

        let dl = try bank.createPool(DEXFixture.spec(.meteoraDlmm))
        let dlmm = try #require(try bank.venue(for: dl) as? MeteoraDLMMPair)
        // base fee = base_factor · bin_step · 10 (1e-9) = 2,500 ppm.
        #expect(UInt64(dlmm.fees.baseFactor) * UInt64(dlmm.fees.binStep) * 10 == 2_500_000)
        #expect(dlmm.reserveX == dl.vaultA && dlmm.oracle != .zero && !dlmm.binArrays.isEmpty)
        let active = try #require(dlmm.binArrays[DLMM.binArrayIndex(binId: dlmm.activeId)])
        let bin = active.bins[Int(dlmm.activeId - DLMM.binArrayBounds(index: active.index.int32).lower)]
        #expect(bin.amountX == 10_000 * 1_000_000_000 / 36 && bin.amountY == 1_500_000 * 1_000_000 / 36)
    }

    @Test func sameSeedSameAddressesAndReuseRejected() throws {
        var b1 = Bank()
        var b2 = Bank()
        for kind in VenueKind.allCases {
            let p1 = try b1.createPool(DEXFixture.spec(kind, seed: 7))
            let p2 = try b2.createPool(DEXFixture.spec(kind, seed: 7))
            #expect(p1 == p2)
            #expect(throws: PoolFactoryError.self) { try b1.createPool(DEXFixture.spec(kind, seed: 7)) }
            let p3 = try b1.createPool(DEXFixture.spec(kind, seed: 8))
            #expect(p3.address != p1.address)
        }
        #expect(b1.ledgerHash() != Bank().ledgerHash())
    }

    @Test func fundTokenAccountCreditsTheATA() throws {
        var bank = Bank()
        _ = try bank.createPool(DEXFixture.spec(.raydiumCpmm))
        let user = T.key(93).address
        let ata = try bank.fundTokenAccount(owner: user, mint: DEXFixture.usdc.address, amount: 500)
        try bank.fundTokenAccount(owner: user, mint: DEXFixture.usdc.address, amount: 250)
        #expect(T.tokenAmount(bank, ata) == 750)
        #expect(ata == AssociatedTokenAccount.address(wallet: user, mint: DEXFixture.usdc.address))
        let wsol = try bank.fundTokenAccount(owner: user, mint: Mints.wrappedSOL, amount: 1_000)
        #expect(bank.account(wsol)?.lamports == Rent.minimumBalance(dataLength: 165) + 1_000)
    }
}

extension Int64 {
    var int32: Int32 { Int32(truncatingIfNeeded: self) }
}

@Suite("DEX pool factory ranges")
struct DEXFactoryRangeTests {
    /// `rangeBps` widens the concentrated kinds' liquidity: ±10 % in ticks of 1 bp or bins of 10 bps.
    @Test func rangeBpsSetsTheWidth() throws {
        var bank = Bank()
        var spec = DEXFixture.spec(.meteoraDlmm)
        spec.rangeBps = 1_000
        let dlPool = try bank.createPool(spec)
        let dl = try #require(try bank.venue(for: dlPool) as? MeteoraDLMMPair)
        let bins = dl.binArrays.values.flatMap(\.bins).filter { $0.amountX > 0 || $0.amountY > 0 }.count
        // ln(1.1) / ln(1.001) ≈ 95.4 → 95 bins each side plus the active one.
        #expect(bins == 2 * 95 + 1)
        spec = DEXFixture.spec(.orcaWhirlpool, seed: 2)
        spec.rangeBps = 1_000
        let wpPool = try bank.createPool(spec)
        let wp = try #require(try bank.venue(for: wpPool) as? WhirlpoolVenue)
        let initialized = wp.tickArrays.values.flatMap(\.ticks).filter(\.initialized).count
        #expect(initialized == 4)  // wide and narrow positions, two ticks each
    }
}
