import ArbMath
import ArbVenues
import SolanaPrimitives
import Testing

/// The conformance suite on pools built byte by byte from the documented layouts, so a fresh clone (without
/// ../shared/fixtures) still exercises decode, quote and instruction paths of both venues.
struct SyntheticConformanceTests {
    static func putLE<T: FixedWidthInteger>(_ v: T, into d: inout [UInt8], at o: Int) {
        withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { d[o + i] = b } }
    }

    static func synthKey(_ n: UInt64) -> Address {
        Address(raw: .init(w0: n, w1: n &* 31, w2: n &* 131, w3: n &* 1031))
    }

    static func vaultsAndMints(mintA: Address, mintB: Address, vaultA: Address, vaultB: Address) -> [Address:
        AccountData]
    {
        var out: [Address: AccountData] = [:]
        for (vault, mint) in [(vaultA, mintA), (vaultB, mintB)] {
            out[vault] = ClmmSynth.tokenAccount(vault, mint: mint, owner: Self.synthKey(99), amount: 10_000_000_000_000)
            out[mint] = ClmmSynth.mint(mint, decimals: 6)
        }
        return out
    }

    @Test func whirlpool() throws {
        let pool = WhirlpoolLayout.whirlpoolAddress(
            config: Self.synthKey(1), mintA: Self.synthKey(2), mintB: Self.synthKey(3), feeTierIndex: 8)
        var d = [UInt8](repeating: 0, count: WhirlpoolLayout.whirlpoolSize)
        d.replaceSubrange(0..<8, with: WhirlpoolLayout.whirlpoolDiscriminator)
        typealias O = WhirlpoolLayout.Offset
        d.replaceSubrange(O.whirlpoolsConfig..<O.whirlpoolsConfig + 32, with: Self.synthKey(1).bytes)
        Self.putLE(UInt16(8), into: &d, at: O.tickSpacing)
        Self.putLE(UInt16(8), into: &d, at: O.feeTierIndexSeed)
        Self.putLE(UInt16(3000), into: &d, at: O.feeRate)
        Self.putLE(UInt16(300), into: &d, at: O.protocolFeeRate)
        let liquidity: UInt128 = 50_000_000_000_000
        Self.putLE(liquidity, into: &d, at: O.liquidity)
        Self.putLE(WhirlpoolMath.sqrtPriceFromTickIndex(100), into: &d, at: O.sqrtPrice)
        Self.putLE(Int32(100), into: &d, at: O.tickCurrentIndex)
        d.replaceSubrange(O.tokenMintA..<O.tokenMintA + 32, with: Self.synthKey(2).bytes)
        d.replaceSubrange(O.tokenVaultA..<O.tokenVaultA + 32, with: Self.synthKey(4).bytes)
        d.replaceSubrange(O.tokenMintB..<O.tokenMintB + 32, with: Self.synthKey(3).bytes)
        d.replaceSubrange(O.tokenVaultB..<O.tokenVaultB + 32, with: Self.synthKey(5).bytes)
        let poolAccount = AccountData(address: pool, owner: WhirlpoolLayout.programId, lamports: 0, data: d)
        var all = Self.vaultsAndMints(
            mintA: Self.synthKey(2), mintB: Self.synthKey(3), vaultA: Self.synthKey(4), vaultB: Self.synthKey(5))
        all[pool] = poolAccount
        // One position on [-704, 1400]: fixed arrays with its two ticks, the rest uninitialized (system-owned).
        for start: Int32 in [-1408, -704, 0, 704, 1408] {
            var t = [UInt8](repeating: 0, count: WhirlpoolLayout.fixedTickArraySize)
            t.replaceSubrange(0..<8, with: WhirlpoolLayout.fixedTickArrayDiscriminator)
            Self.putLE(start, into: &t, at: 8)
            t.replaceSubrange(9956..<9988, with: pool.bytes)
            for (tick, net) in [(Int32(-704), Int128(liquidity)), (1400, -Int128(liquidity))]
            where tick >= start && tick < start + 704 {
                let o = 12 + Int((tick - start) / 8) * WhirlpoolLayout.tickSize
                t[o] = 1
                Self.putLE(net, into: &t, at: o + 1)
                Self.putLE(liquidity, into: &t, at: o + 17)
            }
            let address = WhirlpoolLayout.tickArrayAddress(whirlpool: pool, startTickIndex: start)
            all[address] = AccountData(address: address, owner: WhirlpoolLayout.programId, lamports: 0, data: t)
        }
        let report = try VenueConformance.check(
            WhirlpoolVenue.self, pool: poolAccount, accounts: all,
            outputVault: { v, dir in dir == .aToB ? v.state.tokenVaultB : v.state.tokenVaultA },
            amounts: [2, 1_000, 1_000_000, 1_000_000_000, 100_000_000_000, 10_000_000_000_000])
        #expect(report.quotes >= 8)
        // Past the position's lower tick the pool is empty: refused, never quoted beyond the vault.
        var v = try WhirlpoolVenue(pool: poolAccount)
        try v.update(from: all)
        let big = try v.quoteDetail(QuoteRequest(amount: 1_000_000_000_000, direction: .aToB))
        #expect(big.quote.crossings <= 1)
    }

    @Test func raydiumCLMM() throws {
        let mint0 = Self.synthKey(10)
        let mint1 = Self.synthKey(11)
        #expect(mint0 < mint1)
        let config = Self.synthKey(12)
        let pool = Self.synthKey(13)
        var d = [UInt8](repeating: 0, count: RaydiumCLMMLayout.poolStateSize)
        d.replaceSubrange(0..<8, with: RaydiumCLMMLayout.poolStateDiscriminator)
        typealias O = RaydiumCLMMLayout.Offset
        d.replaceSubrange(O.ammConfig..<O.ammConfig + 32, with: config.bytes)
        d.replaceSubrange(O.tokenMint0..<O.tokenMint0 + 32, with: mint0.bytes)
        d.replaceSubrange(O.tokenMint1..<O.tokenMint1 + 32, with: mint1.bytes)
        d.replaceSubrange(O.tokenVault0..<O.tokenVault0 + 32, with: Self.synthKey(14).bytes)
        d.replaceSubrange(O.tokenVault1..<O.tokenVault1 + 32, with: Self.synthKey(15).bytes)
        d.replaceSubrange(O.observationKey..<O.observationKey + 32, with: Self.synthKey(16).bytes)
        Self.putLE(UInt16(1), into: &d, at: O.tickSpacing)
        Self.putLE(UInt128(25_000_000_000), into: &d, at: O.liquidity)
        Self.putLE(UInt128(1) << 64, into: &d, at: O.sqrtPriceX64)
        var bitmap = [UInt64](repeating: 0, count: 16)
        for bit in [495, 510, 513, 528] { bitmap[bit / 64] |= 1 << UInt64(bit % 64) }
        for i in 0..<16 { Self.putLE(bitmap[i], into: &d, at: O.tickArrayBitmap + 8 * i) }
        let poolAccount = AccountData(address: pool, owner: RaydiumCLMMLayout.programId, lamports: 0, data: d)
        var c = [UInt8](repeating: 0, count: RaydiumCLMMLayout.ammConfigSize)
        c.replaceSubrange(0..<8, with: RaydiumCLMMLayout.ammConfigDiscriminator)
        Self.putLE(UInt32(120_000), into: &c, at: 43)
        Self.putLE(UInt32(2_500), into: &c, at: 47)
        Self.putLE(UInt16(1), into: &c, at: 51)
        Self.putLE(UInt32(40_000), into: &c, at: 53)
        var all = Self.vaultsAndMints(mintA: mint0, mintB: mint1, vaultA: Self.synthKey(14), vaultB: Self.synthKey(15))
        all[pool] = poolAccount
        all[config] = AccountData(address: config, owner: RaydiumCLMMLayout.programId, lamports: 0, data: c)
        let l1: Int128 = 5_000_000_000
        let l2: Int128 = 20_000_000_000
        for ta in [
            ClmmSynth.tickArray(pool: pool, start: -1020, ticks: [(20, l2, UInt128(l2))]),
            ClmmSynth.tickArray(pool: pool, start: -120, ticks: [(20, l1, UInt128(l1))]),
            ClmmSynth.tickArray(pool: pool, start: 60, ticks: [(40, -l1, UInt128(l1))]),
            ClmmSynth.tickArray(pool: pool, start: 960, ticks: [(40, -l2, UInt128(l2))]),
        ] {
            all[ta.address] = ta
        }
        let ext = RaydiumCLMMLayout.bitmapExtensionAddress(pool: pool)
        all[ext] = AccountData(address: ext, owner: ProgramIDs.system, lamports: 0, data: [])
        let report = try VenueConformance.check(
            RaydiumCLMMVenue.self, pool: poolAccount, accounts: all,
            outputVault: { v, dir in dir == .aToB ? v.state.tokenVault1 : v.state.tokenVault0 },
            amounts: [100, 10_000, 1_000_000, 100_000_000, 300_000_000, 1_000_000_000, 100_000_000_000])
        #expect(report.quotes >= 8)
        #expect(report.refusals[.insufficientLiquidity, default: 0] > 0)
    }

    /// An adaptive-fee whirlpool at the venue level: oracle + clock loaded from accounts, quote equal to the
    /// rust-sdk core test `adaptive_fee::test_exact_in_a_to_b_simple` (150,000 in → 122,534 out, fee 10,312;
    /// also in fixtures/vectors/whirlpool.json), the oracle writable in the swap instruction.
    @Test func adaptiveFeeWhirlpool() throws {
        let pool = WhirlpoolLayout.whirlpoolAddress(
            config: Self.synthKey(1), mintA: Self.synthKey(2), mintB: Self.synthKey(3), feeTierIndex: 192)
        var d = [UInt8](repeating: 0, count: WhirlpoolLayout.whirlpoolSize)
        d.replaceSubrange(0..<8, with: WhirlpoolLayout.whirlpoolDiscriminator)
        typealias O = WhirlpoolLayout.Offset
        Self.putLE(UInt16(64), into: &d, at: O.tickSpacing)
        Self.putLE(UInt16(192), into: &d, at: O.feeTierIndexSeed)
        Self.putLE(UInt16(1000), into: &d, at: O.feeRate)
        Self.putLE(UInt128(1_000_000), into: &d, at: O.liquidity)
        Self.putLE(UInt128(1) << 64, into: &d, at: O.sqrtPrice)
        d.replaceSubrange(O.tokenMintA..<O.tokenMintA + 32, with: Self.synthKey(2).bytes)
        d.replaceSubrange(O.tokenVaultA..<O.tokenVaultA + 32, with: Self.synthKey(4).bytes)
        d.replaceSubrange(O.tokenMintB..<O.tokenMintB + 32, with: Self.synthKey(3).bytes)
        d.replaceSubrange(O.tokenVaultB..<O.tokenVaultB + 32, with: Self.synthKey(5).bytes)
        let poolAccount = AccountData(address: pool, owner: WhirlpoolLayout.programId, lamports: 0, data: d)
        var all = Self.vaultsAndMints(
            mintA: Self.synthKey(2), mintB: Self.synthKey(3), vaultA: Self.synthKey(4), vaultB: Self.synthKey(5))
        all[pool] = poolAccount
        for start: Int32 in [-11264, -5632, 0, 5632, 11264] {
            let a = WhirlpoolLayout.tickArrayAddress(whirlpool: pool, startTickIndex: start)
            all[a] = AccountData(address: a, owner: ProgramIDs.system, lamports: 0, data: [])
        }
        let now: Int64 = 1_700_000_000
        var o = [UInt8](repeating: 0, count: WhirlpoolOracle.size)
        o.replaceSubrange(0..<8, with: WhirlpoolOracle.discriminator)
        o.replaceSubrange(8..<40, with: pool.bytes)
        Self.putLE(UInt64(now), into: &o, at: 40)
        Self.putLE(UInt16(30), into: &o, at: 48)
        Self.putLE(UInt16(600), into: &o, at: 50)
        Self.putLE(UInt16(500), into: &o, at: 52)
        Self.putLE(UInt32(5000), into: &o, at: 54)
        Self.putLE(UInt32(2_640_000), into: &o, at: 58)
        Self.putLE(UInt16(64), into: &o, at: 62)
        Self.putLE(UInt16(64), into: &o, at: 64)
        Self.putLE(UInt64(now), into: &o, at: 82)
        Self.putLE(UInt64(now), into: &o, at: 90)
        let oracleAddress = WhirlpoolLayout.oracleAddress(whirlpool: pool)
        all[oracleAddress] = AccountData(address: oracleAddress, owner: WhirlpoolLayout.programId, lamports: 0, data: o)

        var v = try WhirlpoolVenue(pool: poolAccount)
        #expect(v.state.isAdaptiveFee)
        #expect(v.accountsToUpdate().contains(oracleAddress) && v.accountsToUpdate().contains(SysvarIDs.clock))
        try v.update(from: all)
        #expect { try v.quote(QuoteRequest(amount: 150_000, direction: .aToB)) } throws: {
            ($0 as? VenueError)?.code == .missingAccount
        }
        var clock = [UInt8](repeating: 0, count: 40)
        Self.putLE(now, into: &clock, at: 32)
        all[SysvarIDs.clock] = AccountData(
            address: SysvarIDs.clock, owner: Address("Sysvar1111111111111111111111111111111111111"), lamports: 0,
            data: clock)
        try v.update(from: all)
        let q = try v.quote(QuoteRequest(amount: 150_000, direction: .aToB))
        #expect(q.amountIn == 150_000 && q.amountOut == 122_534 && q.fee == 10_312)
        let ix = try #require(
            try v.swapInstructions(
                SwapParams(
                    direction: .aToB, amountIn: 150_000, amountOut: 110_280, owner: Self.synthKey(7),
                    userSource: Self.synthKey(8), userDestination: Self.synthKey(9))
            ).first)
        #expect(ix.accounts[10].address == oracleAddress && ix.accounts[10].isWritable)
        // Without the oracle the pool cannot be refreshed.
        all[oracleAddress] = nil
        #expect { try v.update(from: all) } throws: { ($0 as? VenueError)?.code == .missingAccount }
    }
}
