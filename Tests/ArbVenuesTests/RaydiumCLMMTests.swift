import ArbMath
import ArbTestSupport
import ArbVenues
import Foundation
import SolanaPrimitives
import Testing

/// Builders for synthetic CLMM accounts (layouts from DEX-LAYOUTS.md §3 / SPL Token §7), used where no real
/// dump exists: tick arrays, vaults and a mint around a real pool account.
enum ClmmSynth {
    static func put<T: FixedWidthInteger>(_ v: T, into d: inout [UInt8], at o: Int) {
        withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { d[o + i] = b } }
    }

    static func tickArray(pool: Address, start: Int32, ticks: [(offset: Int, net: Int128, gross: UInt128)])
        -> AccountData
    {
        var d = [UInt8](repeating: 0, count: RaydiumCLMMLayout.tickArraySize)
        d.replaceSubrange(0..<8, with: RaydiumCLMMLayout.tickArrayDiscriminator)
        d.replaceSubrange(8..<40, with: pool.bytes)
        put(start, into: &d, at: 40)
        for t in ticks {
            let o = 44 + t.offset * 168
            put(start + Int32(t.offset), into: &d, at: o)  // tick spacing 1
            put(t.net, into: &d, at: o + 4)
            put(t.gross, into: &d, at: o + 20)
        }
        return AccountData(
            address: RaydiumCLMMLayout.tickArrayAddress(pool: pool, startTickIndex: start),
            owner: RaydiumCLMMLayout.programId, lamports: 0, data: d)
    }

    static func tokenAccount(_ address: Address, mint: Address, owner: Address, amount: UInt64) -> AccountData {
        var d = [UInt8](repeating: 0, count: 165)
        d.replaceSubrange(0..<32, with: mint.bytes)
        d.replaceSubrange(32..<64, with: owner.bytes)
        put(amount, into: &d, at: 64)
        d[108] = 1
        return AccountData(address: address, owner: ProgramIDs.token, lamports: 0, data: d)
    }

    static func mint(_ address: Address, decimals: UInt8) -> AccountData {
        var d = [UInt8](repeating: 0, count: 82)
        d[44] = decimals
        d[45] = 1
        return AccountData(address: address, owner: ProgramIDs.token, lamports: 0, data: d)
    }

    /// The real Carbon pool re-centred at tick 0 with two positions (L1 on [-100, 100], L2 on [-1000, 1000]),
    /// its real AmmConfig (trade fee 100, protocol 120000, fund 40000), synthetic vaults, mints and tick arrays.
    static func pool(l1: UInt128 = 5_000_000_000, l2: UInt128 = 20_000_000_000) throws -> (
        AccountData, [Address: AccountData]
    )? {
        guard
            var pool = try fixtureAccount(
                "mainnet/raydium-clmm/carbon/pool_state_account.json",
                address: Address("AcPS8SrzXDwPxk6LLz2tykwFEsSeD5LtctMLVeh2shq8")),
            let config = try fixtureAccount(
                "mainnet/raydium-clmm/carbon/amm_config_account.json",
                address: Address("9iFER3bpjf1PTTCQCfTRu17EJgvsxo9pVyA9QWwEuX4x"))
        else { return nil }
        typealias O = RaydiumCLMMLayout.Offset
        put(l1 + l2, into: &pool.data, at: O.liquidity)
        put(UInt128(1) << 64, into: &pool.data, at: O.sqrtPriceX64)
        put(Int32(0), into: &pool.data, at: O.tickCurrent)
        for i in 0..<16 { put(UInt64(0), into: &pool.data, at: O.tickArrayBitmap + 8 * i) }
        var bitmap = [UInt64](repeating: 0, count: 16)
        for bit in [495, 510, 513, 528] { bitmap[bit / 64] |= 1 << UInt64(bit % 64) }
        for i in 0..<16 { put(bitmap[i], into: &pool.data, at: O.tickArrayBitmap + 8 * i) }
        let state = try RaydiumCLMMState(data: pool.data, address: pool.address)
        var all: [Address: AccountData] = [pool.address: pool, config.address: config]
        let auth = Address("GpMZbSM2GgvTKHJirzeGfMFoaZ8UR2X7F4v8vHTvxFbL")
        all[state.tokenVault0] = tokenAccount(
            state.tokenVault0, mint: state.tokenMint0, owner: auth, amount: 50_000_000_000)
        all[state.tokenVault1] = tokenAccount(
            state.tokenVault1, mint: state.tokenMint1, owner: auth, amount: 50_000_000_000)
        all[state.tokenMint0] = mint(state.tokenMint0, decimals: 9)
        all[state.tokenMint1] = mint(state.tokenMint1, decimals: 6)
        let l1i = Int128(l1)
        let l2i = Int128(l2)
        for ta in [
            tickArray(pool: pool.address, start: -1020, ticks: [(20, l2i, l2)]),  // tick -1000
            tickArray(pool: pool.address, start: -120, ticks: [(20, l1i, l1)]),  // tick -100
            tickArray(pool: pool.address, start: 60, ticks: [(40, -l1i, l1)]),  // tick 100
            tickArray(pool: pool.address, start: 960, ticks: [(40, -l2i, l2)]),  // tick 1000
        ] {
            all[ta.address] = ta
        }
        let ext = RaydiumCLMMLayout.bitmapExtensionAddress(pool: pool.address)
        all[ext] = AccountData(address: ext, owner: ProgramIDs.system, lamports: 0, data: [])
        return (pool, all)
    }
}

@Suite(.enabled(if: Fixtures.root != nil, Comment(rawValue: Fixtures.skipMessage)))
struct RaydiumCLMMTests {
    @Test func accountDecodeVectors() throws {
        let cases = try VectorJSON.cases("raydium-clmm.json", "account_decode")
        #expect(cases.count == 3)
        for c in cases {
            let path = try #require(c["fixture"] as? String)
            let e = try #require(c["expected"] as? [String: Any])
            let acc = try #require(try fixtureAccount(path))
            if path.contains("pool_state") {
                let v = try RaydiumCLMMVenue(pool: acc)
                #expect(VenueRegistry.detect(acc) == .raydiumClmm)
                let s = v.state
                #expect(s.ammConfig == VectorJSON.addr(e["amm_config"]))
                #expect(s.bump == UInt8(VectorJSON.i64(e["bump"])))
                #expect(s.owner == VectorJSON.addr(e["owner"]))
                #expect(
                    s.tokenMint0 == VectorJSON.addr(e["token_mint_0"])
                        && s.tokenMint1 == VectorJSON.addr(e["token_mint_1"]))
                #expect(
                    s.tokenVault0 == VectorJSON.addr(e["token_vault_0"])
                        && s.tokenVault1 == VectorJSON.addr(e["token_vault_1"]))
                #expect(s.observationKey == VectorJSON.addr(e["observation_key"]))
                #expect(s.mintDecimals0 == 9 && s.mintDecimals1 == 6)
                #expect(s.tickSpacing == UInt16(VectorJSON.i64(e["tick_spacing"])))
                #expect(s.liquidity == VectorJSON.u128(e["liquidity"]))
                #expect(s.sqrtPriceX64 == VectorJSON.u128(e["sqrt_price_x64"]))
                #expect(s.tickCurrent == Int32(VectorJSON.i64(e["tick_current"])))
                #expect(s.feeGrowthGlobal0X64 == VectorJSON.u128(e["fee_growth_global_0_x64"]))
                #expect(s.feeGrowthGlobal1X64 == VectorJSON.u128(e["fee_growth_global_1_x64"]))
                #expect(UInt128(s.protocolFeesToken0) == VectorJSON.u128(e["protocol_fees_token_0"]))
                #expect(UInt128(s.protocolFeesToken1) == VectorJSON.u128(e["protocol_fees_token_1"]))
                #expect(s.swapInAmountToken0 == VectorJSON.u128(e["swap_in_amount_token_0"]))
                #expect(s.swapOutAmountToken1 == VectorJSON.u128(e["swap_out_amount_token_1"]))
                #expect(s.swapInAmountToken1 == VectorJSON.u128(e["swap_in_amount_token_1"]))
                #expect(s.swapOutAmountToken0 == VectorJSON.u128(e["swap_out_amount_token_0"]))
                #expect(s.status == UInt8(VectorJSON.i64(e["status"])))
                #expect(UInt128(s.totalFeesToken0) == VectorJSON.u128(e["total_fees_token_0"]))
                #expect(UInt128(s.totalFeesToken1) == VectorJSON.u128(e["total_fees_token_1"]))
                #expect(UInt128(s.fundFeesToken0) == VectorJSON.u128(e["fund_fees_token_0"]))
                #expect(UInt128(s.fundFeesToken1) == VectorJSON.u128(e["fund_fees_token_1"]))
                #expect(UInt128(s.openTime) == VectorJSON.u128(e["open_time"]))
                #expect(UInt128(s.recentEpoch) == VectorJSON.u128(e["recent_epoch"]))
                #expect(s.feeOn == 0 && !s.hasDynamicFee)
                // Independent: the stored tick is the floor tick of the stored sqrt price.
                #expect(try ClmmMath.tickAtSqrtPrice(s.sqrtPriceX64) == s.tickCurrent)
                // Tick 71168 at spacing 1 lies beyond the default bitmap: quoting needs the extension.
                let model = ClmmSwapPool(
                    sqrtPrice: s.sqrtPriceX64, tickCurrent: s.tickCurrent, liquidity: s.liquidity,
                    tickSpacing: s.tickSpacing,
                    tickArrayBitmap: s.tickArrayBitmap, tradeFeeRate: 100, protocolFeeRate: 0, fundFeeRate: 0)
                #expect(model.isOverflowDefaultBitmap(s.tickCurrent))
            } else if path.contains("amm_config") {
                let cfg = try ClmmAmmConfig(acc)
                #expect(cfg.bump == UInt8(VectorJSON.i64(e["bump"])))
                #expect(cfg.index == UInt16(VectorJSON.i64(e["index"])))
                #expect(cfg.owner == VectorJSON.addr(e["owner"]))
                #expect(cfg.protocolFeeRate == UInt32(VectorJSON.i64(e["protocol_fee_rate"])))
                #expect(cfg.tradeFeeRate == UInt32(VectorJSON.i64(e["trade_fee_rate"])))
                #expect(cfg.tickSpacing == UInt16(VectorJSON.i64(e["tick_spacing"])))
                #expect(cfg.fundFeeRate == UInt32(VectorJSON.i64(e["fund_fee_rate"])))
                #expect(cfg.fundOwner == VectorJSON.addr(e["fund_owner"]))
            } else {
                let ta = try RaydiumCLMMLayout.decodeTickArray(acc, pool: VectorJSON.addr(e["pool_id"]))
                #expect(ta.startTickIndex == Int32(VectorJSON.i64(e["start_tick_index"])))
                #expect(ta.ticks[4].tick == Int32(VectorJSON.i64(e["tick_at_offset_4"])))
                #expect(ta.ticks[0].tick == 0)
                #expect(!ta.ticks.contains { $0.isInitialized })  // initialized_tick_count 0
                #expect(acc.data[10124] == UInt8(VectorJSON.i64(e["initialized_tick_count"])))
            }
        }
    }

    /// openbook-v2's test: SOL/USDC price from the real pool (old field names; same layout).
    @Test func poolPriceFromRealAccount() throws {
        let c = try #require(try VectorJSON.cases("raydium-clmm.json", "pool_price_from_real_account").first)
        let path = try #require(c["fixture"] as? String)
        let acc = try #require(
            try fixtureAccount(
                path, address: Address("2QdhepnKRTLjjSqPL1PtKNwqrUkoLee5Gqs8bvZhRdMv"),
                owner: RaydiumCLMMLayout.programId))
        let v = try RaydiumCLMMVenue(pool: acc)
        let expected = try #require(c["expected_price"] as? Double)
        #expect(abs(v.state.price - expected) / expected < 1e-10)
        #expect(try ClmmMath.tickAtSqrtPrice(v.state.sqrtPriceX64) == v.state.tickCurrent)
        #expect(v.state.tickCurrent == -37105)
    }

    @Test func pdaVectors() throws {
        let cases = try VectorJSON.cases("raydium-clmm.json", "pda")
        #expect(cases.count == 6)
        for c in cases {
            let got: Address
            switch c["kind"] as? String {
            case "tick_array":
                got = RaydiumCLMMLayout.tickArrayAddress(
                    pool: VectorJSON.addr(c["pool"]), startTickIndex: Int32(VectorJSON.i64(c["start_tick_index"])))
            case "observation": got = RaydiumCLMMLayout.observationAddress(pool: VectorJSON.addr(c["pool"]))
            case "pool_vault":
                got = RaydiumCLMMLayout.vaultAddress(pool: VectorJSON.addr(c["pool"]), mint: VectorJSON.addr(c["mint"]))
            case "amm_config": got = RaydiumCLMMLayout.ammConfigAddress(index: UInt16(VectorJSON.i64(c["index"])))
            case "tick_array_bitmap_extension":
                got = RaydiumCLMMLayout.bitmapExtensionAddress(pool: VectorJSON.addr(c["pool"]))
            case "pool":
                got = try ProgramDerivedAddress.find(
                    seeds: [
                        Array("pool".utf8), VectorJSON.addr(c["amm_config"]).bytes,
                        VectorJSON.addr(c["token_mint_0"]).bytes,
                        VectorJSON.addr(c["token_mint_1"]).bytes,
                    ],
                    programId: RaydiumCLMMLayout.programId
                ).address
            default:
                Issue.record("unknown kind \(c)")
                continue
            }
            #expect(got == VectorJSON.addr(c["expected"]), "\(c["kind"] ?? "")")
        }
    }

    @Test func realInstructionEncoding() throws {
        let cases = try VectorJSON.cases("raydium-clmm.json", "real_instruction_encoding")
        #expect(cases.count == 2)
        for c in cases {
            let a = try #require(c["decoded_args_DERIVED"] as? [String: Any])
            let keys = (c["accounts"] as? [String] ?? []).map { VectorJSON.addr($0) }
            let v2 = (c["fixture"] as? String ?? "").contains("v2")
            let fixed = v2 ? 13 : 9
            var remaining = Array(keys[fixed...])
            let ext = RaydiumCLMMLayout.bitmapExtensionAddress(pool: keys[2])
            let hasExt = remaining.first == ext || (!v2 && remaining.count > 1 && remaining[1] == ext)
            if hasExt { remaining.removeAll { $0 == ext } }
            let k = RaydiumCLMMLayout.SwapKeys(
                payer: keys[0], ammConfig: keys[1], poolState: keys[2], inputTokenAccount: keys[3],
                outputTokenAccount: keys[4],
                inputVault: keys[5], outputVault: keys[6], observationState: keys[7],
                inputVaultMint: v2 ? keys[11] : .zero, outputVaultMint: v2 ? keys[12] : .zero,
                bitmapExtension: hasExt ? ext : nil, tickArrays: remaining)
            let ix = RaydiumCLMMLayout.swapInstruction(
                k, amount: UInt64(VectorJSON.u128(a["amount"])),
                otherAmountThreshold: UInt64(VectorJSON.u128(a["other_amount_threshold"])),
                sqrtPriceLimitX64: VectorJSON.u128(a["sqrt_price_limit_x64"]),
                isBaseInput: a["is_base_input"] as? Bool ?? false,
                v2: v2)
            #expect(ix.data == VectorJSON.hexBytes(c["data_hex"] as? String ?? ""), "\(c["fixture"] ?? "")")
            #expect(ix.accounts.map(\.address) == keys, "\(c["fixture"] ?? "")")
            if v2 { #expect(hasExt, "the real swap_v2 passes the bitmap extension first") }
        }
    }

    @Test func syntheticPoolQuotesAndCrossings() throws {
        let (pool, all) = try #require(try ClmmSynth.pool())
        var v = try RaydiumCLMMVenue(pool: pool)
        try v.update(from: all)
        #expect(v.tickArrays.keys.sorted() == [-1020, -120, 60, 960])
        // Within [-100, 100]: no crossing.
        let small = try v.quoteDetail(QuoteRequest(amount: 1_000_000, direction: .aToB))
        #expect(small.quote.crossings == 0)
        #expect(small.swap.tickArraysVisited == [-120])
        // fee = trade fee 100 ppm of the input, rounded up per step; protocol 12% and fund 4% of it.
        #expect(small.quote.fee == 100)
        #expect(small.swap.protocolFee == 12 && small.swap.fundFee == 4)
        // Independent floating-point check of the constant-liquidity step: 1/sqrt(P1) = 1/sqrt(P0) + in/L,
        // out = L (sqrt(P0) − sqrt(P1)), with sqrt(P0) = 1 and L = 25e9.
        let inLessFee = 1_000_000.0 * (1 - 100e-6)
        let sqrtP1 = 1 / (1 + inLessFee / 25e9)
        let expectedOut = 25e9 * (1 - sqrtP1)
        #expect(abs(Double(small.quote.amountOut) - expectedOut) <= 1.0, "\(small.quote.amountOut) vs \(expectedOut)")
        // Large: crosses -100 (L1 leaves), then runs to -1000 and beyond → no more arrays: refused.
        let big = try v.quoteDetail(QuoteRequest(amount: 300_000_000, direction: .aToB))
        #expect(big.quote.crossings == 1)
        #expect(big.swap.liquidity == 20_000_000_000)
        #expect { try v.quote(QuoteRequest(amount: 10_000_000_000, direction: .aToB)) } throws: {
            ($0 as? VenueError)?.code == .insufficientLiquidity
        }
        // Symmetric the other way.
        let up = try v.quoteDetail(QuoteRequest(amount: 300_000_000, direction: .bToA))
        #expect(up.quote.crossings == 1)
        #expect(up.swap.tickArraysVisited == [60, 960])
        // Exact-out round trip.
        let eo = try v.quote(QuoteRequest(amount: big.quote.amountOut, direction: .aToB, exactIn: false))
        #expect(eo.amountOut == big.quote.amountOut && eo.amountIn <= big.quote.amountIn)
        // The instruction passes the visited arrays in swap order (no extension: it does not exist).
        let ix = try #require(
            try v.swapInstructions(
                SwapParams(
                    direction: .aToB, amountIn: 300_000_000, amountOut: 1, owner: pool.address, userSource: .zero,
                    userDestination: .zero)
            ).first)
        let arrays = ix.accounts.dropFirst(9).map(\.address)
        #expect(arrays == [-120, -1020].map(v.tickArrayAddress))
    }

    @Test func conformance() throws {
        let (pool, all) = try #require(try ClmmSynth.pool())
        try VenueConformance.check(
            RaydiumCLMMVenue.self, pool: pool, accounts: all,
            outputVault: { v, d in d == .aToB ? v.state.tokenVault1 : v.state.tokenVault0 },
            amounts: [100, 10_000, 1_000_000, 100_000_000, 300_000_000, 1_000_000_000, 100_000_000_000])
    }

    @Test func refusesWhatItDoesNotModel() throws {
        let (pool, all) = try #require(try ClmmSynth.pool())
        var feeOn = pool
        feeOn.data[RaydiumCLMMLayout.Offset.feeOn] = 1
        var v = try RaydiumCLMMVenue(pool: feeOn)
        var accounts = all
        accounts[pool.address] = feeOn
        try v.update(from: accounts)
        #expect { try v.quote(QuoteRequest(amount: 1000, direction: .aToB)) } throws: {
            ($0 as? VenueError)?.code == .unsupported
        }
        var disabled = pool
        disabled.data[RaydiumCLMMLayout.Offset.status] = 1 << 4
        accounts[pool.address] = disabled
        try v.update(from: accounts)
        #expect { try v.quote(QuoteRequest(amount: 1000, direction: .aToB)) } throws: {
            ($0 as? VenueError)?.code == .poolDisabled
        }
    }

    /// Token-2022 output with a transfer fee: exact-in delivers the pool output minus the fee; exact-out is
    /// refused because swap_v2 (no price limit) rejects it.
    @Test func transferFeeOutputToken() throws {
        let (pool, classicAccounts) = try #require(try ClmmSynth.pool())
        var classic = try RaydiumCLMMVenue(pool: pool)
        try classic.update(from: classicAccounts)
        var accounts = classicAccounts
        let fee = TransferFee(epoch: 0, maximumFee: 1_000_000, basisPoints: 50)
        var mint = TransferFeeVenueTests.mint2022(older: fee, newer: fee)
        mint.address = classic.state.tokenMint1
        accounts[mint.address] = mint
        var vault = try #require(accounts[classic.state.tokenVault1])
        vault.owner = ProgramIDs.token2022
        accounts[vault.address] = vault
        var v = try RaydiumCLMMVenue(pool: pool)
        try v.update(from: accounts)
        let gross = try classic.quote(QuoteRequest(amount: 1_000_000, direction: .aToB)).amountOut
        let q = try v.quote(QuoteRequest(amount: 1_000_000, direction: .aToB))
        #expect(q.amountOut == gross - fee.calculateFee(gross)!)
        #expect { try v.quote(QuoteRequest(amount: 500_000, direction: .aToB, exactIn: false)) } throws: {
            ($0 as? VenueError)?.code == .transferFeeUnsupported
        }
        // Input-side fee (token1 → token0): the pool receives the amount net of the fee.
        let net = 1_000_000 - fee.calculateFee(1_000_000)!
        #expect(
            try v.quote(QuoteRequest(amount: 1_000_000, direction: .bToA)).amountOut
                == (try classic.quote(QuoteRequest(amount: net, direction: .bToA))).amountOut)
        let ix = try #require(
            try v.swapInstructions(
                SwapParams(
                    direction: .aToB, amountIn: 1_000_000, amountOut: q.amountOut, owner: pool.address,
                    userSource: .zero, userDestination: .zero)
            ).first)
        #expect(ix.data.prefix(8).elementsEqual(RaydiumCLMMLayout.swapV2Discriminator))
    }
}
