import ArbEngine
import ArbMath
import ArbVenues
import Foundation
import SolanaPrimitives

/// Orca Whirlpool and Raydium CLMM pools for the oracle, decoded from account bytes written at the offsets of
/// `WhirlpoolLayout` / `RaydiumCLMMLayout` (DEX-LAYOUTS.md): a pool at a chosen price with two positions — a
/// wide one and a narrow one around the price, so trades cross initialized ticks where liquidity drops — the
/// tick arrays holding those ticks, the vaults (SPL token accounts) and, for CLMM, the AmmConfig. Quotes are the
/// venues' own exact integer swap math through `VenueQuoter`.
enum ConcentratedMarket {
    static func put<I: FixedWidthInteger>(_ v: I, _ d: inout [UInt8], _ o: Int) {
        withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { d[o + i] = b } }
    }
    static func put(_ a: Address, _ d: inout [UInt8], _ o: Int) { d.replaceSubrange(o..<o + 32, with: a.bytes) }

    static func tokenAccount(_ address: Address, mint: Address, amount: UInt64) -> AccountData {
        var d = [UInt8](repeating: 0, count: 165)
        put(mint, &d, 0)
        put(T.addr(4_242), &d, 32)
        put(amount, &d, 64)
        d[108] = 1  // initialized
        return AccountData(address: address, owner: ProgramIDs.token, lamports: 0, data: d)
    }

    /// Liquidity net/gross per tick for a wide and a narrow position around `tick` (bounds on the spacing).
    static func positions(tick: Int32, spacing: Int32, wide: Int32, narrow: Int32, liquidity: UInt128)
        -> [Int32: (net: Int128, gross: UInt128)]
    {
        func align(_ t: Int32) -> Int32 { Int32((Double(t) / Double(spacing)).rounded(.down)) * spacing }
        var ticks: [Int32: (net: Int128, gross: UInt128)] = [:]
        // The narrow position holds 3/4 of the liquidity at the price, the wide one 1/4.
        let parts: [(Int32, UInt128)] = [(wide, liquidity / 4), (narrow, liquidity - liquidity / 4)]
        for (half, l) in parts {
            let lower = align(tick - half)
            let upper = align(tick + half) + spacing
            for (t, net) in [(lower, Int128(l)), (upper, -Int128(l))] {
                let old = ticks[t] ?? (0, 0)
                ticks[t] = (old.net + net, old.gross + l)
            }
        }
        return ticks
    }

    /// The tick at or below a price (token B units per token A unit), and the liquidity that puts `depthA` units
    /// of A on the curve's virtual reserves (x = L / √P).
    static func tickAndLiquidity(priceBPerA: Double, depthA: Double) -> (Int32, UInt128) {
        let tick = Int32((log(priceBPerA) / log(1.0001)).rounded(.down))
        let liquidity = UInt128(depthA * priceBPerA.squareRoot())
        return (tick, max(liquidity, 1_000))
    }

    /// A Whirlpool (tick spacing 64, fee `feeRate` per million, no adaptive fee) over `mintA`/`mintB`.
    static func whirlpool(
        _ n: UInt64, mintA: Address, mintB: Address, priceBPerA: Double, depthA: Double, feeRate: UInt16
    )
        throws -> WhirlpoolVenue
    {
        typealias O = WhirlpoolLayout.Offset
        let spacing: UInt16 = 64
        let (tick, liquidity) = tickAndLiquidity(priceBPerA: priceBPerA, depthA: depthA)
        let pool = WhirlpoolLayout.whirlpoolAddress(
            config: T.addr(6_000_000), mintA: mintA, mintB: mintB, feeTierIndex: UInt16(truncatingIfNeeded: n) &+ 1_000)
        var d = [UInt8](repeating: 0, count: WhirlpoolLayout.whirlpoolSize)
        d.replaceSubrange(0..<8, with: WhirlpoolLayout.whirlpoolDiscriminator)
        put(T.addr(6_000_000), &d, O.whirlpoolsConfig)
        put(spacing, &d, O.tickSpacing)
        put(spacing, &d, O.feeTierIndexSeed)  // = tick spacing: a static-fee pool
        put(feeRate, &d, O.feeRate)
        put(UInt16(300), &d, O.protocolFeeRate)
        put(liquidity, &d, O.liquidity)
        put(WhirlpoolMath.sqrtPriceFromTickIndex(tick), &d, O.sqrtPrice)
        put(tick, &d, O.tickCurrentIndex)
        let vaultA = T.addr(6_100_000 + 2 * n)
        let vaultB = T.addr(6_100_001 + 2 * n)
        put(mintA, &d, O.tokenMintA)
        put(vaultA, &d, O.tokenVaultA)
        put(mintB, &d, O.tokenMintB)
        put(vaultB, &d, O.tokenVaultB)
        let account = AccountData(address: pool, owner: WhirlpoolLayout.programId, lamports: 0, data: d)
        var venue = try WhirlpoolVenue(pool: account)
        var all: [Address: AccountData] = [
            pool: account,
            vaultA: tokenAccount(vaultA, mint: mintA, amount: 1 << 62),
            vaultB: tokenAccount(vaultB, mint: mintB, amount: 1 << 62),
        ]
        let s = Int32(spacing)
        let ticks = positions(tick: tick, spacing: s, wide: 60 * s, narrow: 6 * s, liquidity: liquidity)
        let span = 88 * s
        for start in venue.neighbourhoodStarts {
            var t = [UInt8](repeating: 0, count: WhirlpoolLayout.fixedTickArraySize)
            t.replaceSubrange(0..<8, with: WhirlpoolLayout.fixedTickArrayDiscriminator)
            put(start, &t, 8)
            put(pool, &t, 9956)
            for (index, v) in ticks where index >= start && index < start + span {
                let o = 12 + Int((index - start) / s) * WhirlpoolLayout.tickSize
                t[o] = 1
                put(v.net, &t, o + 1)
                put(v.gross, &t, o + 17)
            }
            let address = venue.tickArrayAddress(start)
            all[address] = AccountData(address: address, owner: WhirlpoolLayout.programId, lamports: 0, data: t)
        }
        try venue.update(from: all)
        return venue
    }

    /// A Raydium CLMM pool (tick spacing 10, trade fee `tradeFeeRate` per million) over `mint0` < `mint1`.
    static func raydiumClmm(
        _ n: UInt64, mint0: Address, mint1: Address, priceBPerA: Double, depthA: Double, tradeFeeRate: UInt32
    ) throws -> RaydiumCLMMVenue {
        typealias O = RaydiumCLMMLayout.Offset
        precondition(mint0 < mint1, "CLMM orders its mints")
        let spacing: UInt16 = 10
        let (tick, liquidity) = tickAndLiquidity(priceBPerA: priceBPerA, depthA: depthA)
        let pool = T.addr(6_500_000 + n)
        let config = T.addr(6_600_000 + n)
        let vault0 = T.addr(6_700_000 + 2 * n)
        let vault1 = T.addr(6_700_001 + 2 * n)
        var d = [UInt8](repeating: 0, count: RaydiumCLMMLayout.poolStateSize)
        d.replaceSubrange(0..<8, with: RaydiumCLMMLayout.poolStateDiscriminator)
        put(config, &d, O.ammConfig)
        put(mint0, &d, O.tokenMint0)
        put(mint1, &d, O.tokenMint1)
        put(vault0, &d, O.tokenVault0)
        put(vault1, &d, O.tokenVault1)
        put(T.addr(6_800_000 + n), &d, O.observationKey)
        put(spacing, &d, O.tickSpacing)
        put(liquidity, &d, O.liquidity)
        put(try ClmmMath.sqrtPriceAtTick(tick), &d, O.sqrtPriceX64)
        put(tick, &d, O.tickCurrent)
        let s = Int32(spacing)
        let ticks = positions(tick: tick, spacing: s, wide: 600 * s, narrow: 60 * s, liquidity: liquidity)
        let span = 60 * s
        func arrayStart(_ t: Int32) -> Int32 { Int32((Double(t) / Double(span)).rounded(.down)) * span }
        var byArray: [Int32: [(Int32, (net: Int128, gross: UInt128))]] = [:]
        for (t, v) in ticks { byArray[arrayStart(t), default: []].append((t, v)) }
        var bitmap = [UInt64](repeating: 0, count: 16)
        for start in byArray.keys {
            let bit = Int(start / span) + 512
            bitmap[bit / 64] |= 1 << UInt64(bit % 64)
        }
        for i in 0..<16 { put(bitmap[i], &d, O.tickArrayBitmap + 8 * i) }
        var c = [UInt8](repeating: 0, count: RaydiumCLMMLayout.ammConfigSize)
        c.replaceSubrange(0..<8, with: RaydiumCLMMLayout.ammConfigDiscriminator)
        put(UInt32(120_000), &c, 43)  // protocol fee rate
        put(tradeFeeRate, &c, 47)
        put(spacing, &c, 51)
        put(UInt32(40_000), &c, 53)  // fund fee rate
        let account = AccountData(address: pool, owner: RaydiumCLMMLayout.programId, lamports: 0, data: d)
        var all: [Address: AccountData] = [
            pool: account,
            config: AccountData(address: config, owner: RaydiumCLMMLayout.programId, lamports: 0, data: c),
            vault0: tokenAccount(vault0, mint: mint0, amount: 1 << 62),
            vault1: tokenAccount(vault1, mint: mint1, amount: 1 << 62),
        ]
        for (start, list) in byArray {
            var t = [UInt8](repeating: 0, count: RaydiumCLMMLayout.tickArraySize)
            t.replaceSubrange(0..<8, with: RaydiumCLMMLayout.tickArrayDiscriminator)
            put(pool, &t, 8)
            put(start, &t, 40)
            for (index, v) in list {
                let o = 44 + Int((index - start) / s) * RaydiumCLMMLayout.tickStateSize
                put(index, &t, o)
                put(v.net, &t, o + 4)
                put(v.gross, &t, o + 20)
            }
            let address = RaydiumCLMMLayout.tickArrayAddress(pool: pool, startTickIndex: start)
            all[address] = AccountData(address: address, owner: RaydiumCLMMLayout.programId, lamports: 0, data: t)
        }
        let ext = RaydiumCLMMLayout.bitmapExtensionAddress(pool: pool)
        all[ext] = AccountData(address: ext, owner: ProgramIDs.system, lamports: 0, data: [])
        var venue = try RaydiumCLMMVenue(pool: account)
        try venue.update(from: all)
        return venue
    }
}
