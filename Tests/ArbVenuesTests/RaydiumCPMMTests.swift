import ArbMath
import ArbTestSupport
import Foundation
import SolanaPrimitives
import Testing

@testable import ArbVenues

/// No real CPMM dump exists (fixtures/mainnet PROVENANCE: none with provenance); pools here are synthesised
/// byte-for-byte from the documented layout, and the math is checked against the upstream curve vectors.
enum CPMMFixture {
    static let pool = cpAddr("7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny")
    static let config = cpAddr("D4FPEruKEHrG5TenZ2mpDGEfu1iUvTiqBxvpU8HLBvC2")
    static let vault0 = cpAddr("2JTw1fE2wz1SymWUQ7UqpVtrTuKjcd6mWwYwUJUCh2rq")
    static let vault1 = cpAddr("3YQm7ujtXWJU2e9jhp2QGHpnn1ShXn12QjvzMvDgabpX")
    static let mint0 = cpAddr("So11111111111111111111111111111111111111112")
    static let mint1 = cpAddr("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")
    static let observation = cpAddr("8xKCx3SGwWR6BUr9mZFm3xwZmCVMuLjXn9iLEU6784FS")

    static func put(_ d: inout [UInt8], _ off: Int, _ a: Address) { d.replaceSubrange(off..<off + 32, with: a.bytes) }
    static func put(_ d: inout [UInt8], _ off: Int, _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { d.replaceSubrange(off..<off + 8, with: $0) }
    }

    static func poolBytes(
        mint1: Address = mint1, program1: Address = VenueProgramIDs.token, status: UInt8 = 0,
        fees: (UInt64, UInt64, UInt64) = (0, 0, 0),
        creatorFeeOn: UInt8 = 0, enableCreatorFee: Bool = false
    ) -> [UInt8] {
        typealias L = RaydiumCPMMLayout
        var d = [UInt8](repeating: 0, count: L.poolSize)
        d.replaceSubrange(0..<8, with: L.poolDiscriminator)
        put(&d, L.ammConfig, config)
        put(&d, L.token0Vault, vault0)
        put(&d, L.token1Vault, vault1)
        put(&d, L.token0Mint, mint0)
        put(&d, L.token1Mint, mint1)
        put(&d, L.token0Program, VenueProgramIDs.token)
        put(&d, L.token1Program, program1)
        put(&d, L.observationKey, observation)
        d[L.authBump] = 253
        d[L.status] = status
        d[L.mint0Decimals] = 9
        d[L.mint1Decimals] = 6
        put(&d, L.protocolFeesToken0, fees.0)
        put(&d, L.fundFeesToken0, fees.1)
        put(&d, L.creatorFeesToken1, fees.2)
        put(&d, L.openTime, 1_700_000_000)
        d[L.creatorFeeOn] = creatorFeeOn
        d[L.enableCreatorFee] = enableCreatorFee ? 1 : 0
        return d
    }

    static func configBytes(trade: UInt64, protocolRate: UInt64, fund: UInt64, creator: UInt64) -> [UInt8] {
        typealias L = RaydiumCPMMLayout
        var d = [UInt8](repeating: 0, count: L.configSize)
        d.replaceSubrange(0..<8, with: L.configDiscriminator)
        put(&d, L.configTradeFeeRate, trade)
        put(&d, L.configProtocolFeeRate, protocolRate)
        put(&d, L.configFundFeeRate, fund)
        put(&d, L.configCreatorFeeRate, creator)
        return d
    }

    static func accounts(
        pool data: [UInt8], config cfg: [UInt8], amount0: UInt64, amount1: UInt64, mint1: Address = mint1,
        extra: [AccountData] = []
    ) -> [Address: AccountData] {
        var a: [Address: AccountData] = [
            pool: AccountData(address: pool, owner: RaydiumCPMMLayout.programId, lamports: 1, data: data),
            config: AccountData(address: config, owner: RaydiumCPMMLayout.programId, lamports: 1, data: cfg),
            vault0: tokenAccount(vault0, mint: mint0, owner: pool, amount: amount0),
            vault1: tokenAccount(vault1, mint: mint1, owner: pool, amount: amount1),
        ]
        for e in extra { a[e.address] = e }
        return a
    }
}

@Suite struct RaydiumCPMMTests {
    /// raydium-cp-swap `constant_product_swap_rounding` (10 cases): fee-free curve.
    @Test(needsFixtures)
    func curveVectors() throws {
        let cases = try Dump.cases("raydium-cpmm.json", group: "swap_base_input_without_fees")
        #expect(cases.count == 10)
        let zero = RaydiumCPMMMath.Rates(trade: 0, protocolRate: 0, fund: 0, creator: 0)
        for c in cases {
            let input = try #require(jsonU64(c["input_amount"]))
            let rIn = try #require(jsonU64(c["input_vault_amount"]))
            let rOut = try #require(jsonU64(c["output_vault_amount"]))
            let expected = try #require(jsonU64(c["expected_output_amount"]))
            #expect(
                ConstantProduct.outputForInput(UInt128(input), reserveIn: UInt128(rIn), reserveOut: UInt128(rOut))
                    == UInt128(expected))
            let r = RaydiumCPMMMath.swapBaseInput(
                amountIn: input, reserveIn: rIn, reserveOut: rOut, rates: zero, creatorFeeOnInput: false)
            #expect(r?.outputAmount == expected)
            #expect(r?.inputAmount == jsonU64(c["expected_source_amount_swapped"]))
        }
    }

    /// `trading_token_conversion` / `fail_trading_token_conversion` (5 cases).
    @Test(needsFixtures)
    func lpConversionVectors() throws {
        let cases = try Dump.cases("raydium-cpmm.json", group: "lp_tokens_to_trading_tokens_ceiling")
        #expect(cases.count == 5)
        for c in cases {
            let v0 = try #require(
                (c["token_0_vault"] as? String).flatMap { UInt128($0) }
                    ?? jsonU64(c["token_0_vault"]).map { UInt128($0) })
            let v1 = try #require(
                (c["token_1_vault"] as? String).flatMap { UInt128($0) }
                    ?? jsonU64(c["token_1_vault"]).map { UInt128($0) })
            let lp = UInt128(try #require(jsonU64(c["lp_amount"])))
            let supply = UInt128(try #require(jsonU64(c["lp_supply"])))
            let roundUp = (c["round"] as? String) != "Floor"
            let r = RaydiumCPMMMath.lpTokensToTradingTokens(
                lp: lp, supply: supply, vault0: v0, vault1: v1, roundUp: roundUp)
            if let e0 = jsonU64(c["expected_token_0"]), let e1 = jsonU64(c["expected_token_1"]) {
                #expect(r?.token0 == UInt128(e0) && r?.token1 == UInt128(e1))
            } else {
                #expect(r == nil, "expected overflow")
            }
        }
    }

    @Test func decodeQuoteAndFees() throws {
        let data = CPMMFixture.poolBytes(fees: (1_000, 500, 0))
        let cfg = CPMMFixture.configBytes(trade: 2_500, protocolRate: 120_000, fund: 40_000, creator: 0)
        var pool = try RaydiumCPMMPool(
            pool: AccountData(address: CPMMFixture.pool, owner: RaydiumCPMMLayout.programId, lamports: 1, data: data))
        #expect(
            pool.token0Mint == CPMMFixture.mint0 && pool.token1Vault == CPMMFixture.vault1
                && pool.openTime == 1_700_000_000)
        #expect(pool.authority == cpAddr("GpMZbSM2GgvTKHJirzeGfMFoaZ8UR2X7F4v8vHTvxFbL"))
        #expect(pool.accountsToUpdate().contains(CPMMFixture.config))
        try pool.update(
            from: CPMMFixture.accounts(pool: data, config: cfg, amount0: 1_000_001_500, amount1: 2_000_000_000))
        let (r0, r1) = try pool.reserves()
        #expect(r0 == 1_000_000_000 && r1 == 2_000_000_000)
        let q = try pool.quote(QuoteRequest(amount: 1_000_000, direction: .aToB))
        #expect(q.fee == 2_500)  // ceil(1e6·2500/1e6)
        #expect(UInt128(q.amountOut) == UInt128(997_500) * 2_000_000_000 / (1_000_000_000 + 997_500))
        let out = try pool.quote(QuoteRequest(amount: q.amountOut, direction: .aToB, exactIn: false))
        #expect(out.amountIn <= 1_000_000)

        // Creator fee on the output token (creator_fee_on = 2 → only token1; an 0→1 swap pays it from the output).
        let cdata = CPMMFixture.poolBytes(creatorFeeOn: 2, enableCreatorFee: true)
        let ccfg = CPMMFixture.configBytes(trade: 2_500, protocolRate: 0, fund: 0, creator: 1_000)
        var cpool = try RaydiumCPMMPool(address: CPMMFixture.pool, data: cdata)
        try cpool.update(
            from: CPMMFixture.accounts(pool: cdata, config: ccfg, amount0: 1_000_000_000, amount1: 2_000_000_000))
        let cq = try cpool.quote(QuoteRequest(amount: 1_000_000, direction: .aToB))
        let swapped = UInt128(997_500) * 2_000_000_000 / (1_000_000_000 + 997_500)
        #expect(UInt128(cq.amountOut) == swapped - (swapped * 1_000 + 999_999) / 1_000_000)
        #expect(cq.fee == 2_500)
        // 1→0 with creator fee on token1 = input: total fee ceil(1e6·3500/1e6) = 3500, all of it in the input.
        let cq2 = try cpool.quote(QuoteRequest(amount: 1_000_000, direction: .bToA))
        #expect(cq2.fee == 3_500)
    }

    @Test func disabledAndNotYetOpenPoolsRefuse() throws {
        let cfg = CPMMFixture.configBytes(trade: 2_500, protocolRate: 0, fund: 0, creator: 0)
        let data = CPMMFixture.poolBytes(status: 4)
        var pool = try RaydiumCPMMPool(address: CPMMFixture.pool, data: data)
        try pool.update(from: CPMMFixture.accounts(pool: data, config: cfg, amount0: 1_000_000, amount1: 1_000_000))
        #expect(throws: VenueError.self) { try pool.quote(QuoteRequest(amount: 100, direction: .aToB)) }
        var open = try RaydiumCPMMPool(address: CPMMFixture.pool, data: CPMMFixture.poolBytes())
        try open.update(
            from: CPMMFixture.accounts(
                pool: CPMMFixture.poolBytes(), config: cfg, amount0: 1_000_000, amount1: 1_000_000))
        open.clock = ClockSysvar(slot: 1, epoch: 1, unixTimestamp: 1_699_999_999)
        #expect(throws: VenueError.self) { try open.quote(QuoteRequest(amount: 100, direction: .aToB)) }
        open.clock = ClockSysvar(slot: 1, epoch: 1, unixTimestamp: 1_700_000_000)
        #expect(try open.quote(QuoteRequest(amount: 100, direction: .aToB)).amountOut > 0)
    }

    /// A Token-2022 side whose mint has a TransferFeeConfig (the real PYUSD mint): the output transfer fee is
    /// taken from what the user receives; exact-out grosses it up. Recomputed from the mint's own schedule.
    @Test(needsFixtures)
    func transferFeeAccountedOnToken2022Side() throws {
        let mintAcct = try Dump.account(
            "mainnet/spl-token/whirlpool-essentials/token_2022_pyusd.2b1kV6DkPAnxd5ixfnxCpjxmKwqjjaYmCZfHsFu24GXo.json")
        let info = try MintInfo(account: mintAcct)
        #expect(info.hasTransferFee && info.decimals == 6)
        #expect(info.extensionTypes.first == 3)  // tlv_first4_hex 03002000 = MintCloseAuthority, len 32
        let data = CPMMFixture.poolBytes(mint1: mintAcct.address, program1: VenueProgramIDs.token2022)
        let cfg = CPMMFixture.configBytes(trade: 2_500, protocolRate: 0, fund: 0, creator: 0)
        var pool = try RaydiumCPMMPool(address: CPMMFixture.pool, data: data)
        #expect(pool.accountsToUpdate().contains(mintAcct.address))
        var accts = CPMMFixture.accounts(
            pool: data, config: cfg, amount0: 1_000_000_000_000, amount1: 1_000_000_000_000, mint1: mintAcct.address)
        accts[CPMMFixture.vault1] = tokenAccount(
            CPMMFixture.vault1, mint: mintAcct.address, owner: CPMMFixture.pool, amount: 1_000_000_000_000,
            program: VenueProgramIDs.token2022)
        #expect(throws: VenueError.self) { try pool.update(from: accts) }  // mint missing
        accts[mintAcct.address] = mintAcct
        try pool.update(from: accts)
        let mint = try MintAccount(mintAcct)
        let cfgFee = try #require(mint.transferFeeConfig)
        // Use an epoch at which the newer schedule applies.
        pool.clock = ClockSysvar(slot: 1, epoch: max(cfgFee.newerTransferFee.epoch, 1), unixTimestamp: 1_800_000_000)
        let fee = cfgFee.newerTransferFee
        let amount: UInt64 = 5_000_000
        let q = try pool.quote(QuoteRequest(amount: amount, direction: .aToB))
        let swapped = try #require(
            RaydiumCPMMMath.swapBaseInput(
                amountIn: amount, reserveIn: 1_000_000_000_000, reserveOut: 1_000_000_000_000,
                rates: .init(trade: 2_500, protocolRate: 0, fund: 0, creator: 0), creatorFeeOnInput: true)
        ).outputAmount
        let outFee = min((UInt128(swapped) * UInt128(fee.basisPoints) + 9_999) / 10_000, UInt128(fee.maximumFee))
        #expect(UInt128(q.amountOut) == UInt128(swapped) - outFee)
        if fee.basisPoints > 0 { #expect(q.amountOut < swapped) }
        // Input side: the pool gets amount − fee(amount) of PYUSD.
        let qb = try pool.quote(QuoteRequest(amount: amount, direction: .bToA))
        let inFee = min((UInt128(amount) * UInt128(fee.basisPoints) + 9_999) / 10_000, UInt128(fee.maximumFee))
        let net = UInt64(UInt128(amount) - inFee)
        let expectedB = try #require(
            RaydiumCPMMMath.swapBaseInput(
                amountIn: net, reserveIn: 1_000_000_000_000, reserveOut: 1_000_000_000_000,
                rates: .init(trade: 2_500, protocolRate: 0, fund: 0, creator: 0), creatorFeeOnInput: true)
        ).outputAmount
        #expect(qb.amountOut == expectedB)
        // Exact-out: asking for what exact-in delivered costs no more than the exact-in input.
        let back = try pool.quote(QuoteRequest(amount: q.amountOut, direction: .aToB, exactIn: false))
        #expect(back.amountIn <= amount)
        // A plain SPL mint decodes with no extensions.
        let orca = try MintInfo(
            account: Dump.account(
                "mainnet/spl-token/whirlpool-essentials/token_orca.orcaEKTdK7LKz57vaAYr9QeNsVEPfiu6QeMU1kektZE.json"))
        #expect(!orca.hasTransferFee && orca.extensionTypes.isEmpty && orca.decimals == 6)
    }

    @Test func swapInstructionLayout() throws {
        let pool = try RaydiumCPMMPool(address: CPMMFixture.pool, data: CPMMFixture.poolBytes())
        let owner = cpAddr("CfKSQ1DbJa79XGp3fieJJwnskHBbWkgrpC3DmL6rTzQH")
        let src = cpAddr("GjxJ1KCKU6tduWpgJKXA81spVK5mHZHbXNFTSvFELqgN")
        let dst = cpAddr("7sfqR1grUb5jCTrpYm31cc1HA4quapJ8ur8ZdkUwUqtS")
        let ix = try #require(
            try pool.swapInstructions(
                SwapParams(
                    direction: .bToA, amountIn: 1, amountOut: 2, owner: owner, userSource: src, userDestination: dst)
            ).first)
        #expect(
            ix.data == RaydiumCPMMLayout.swapBaseInputDiscriminator + [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
        #expect(
            ix.accounts.map(\.address) == [
                owner, pool.authority, CPMMFixture.config, CPMMFixture.pool, src, dst, CPMMFixture.vault1,
                CPMMFixture.vault0,
                VenueProgramIDs.token, VenueProgramIDs.token, CPMMFixture.mint1, CPMMFixture.mint0,
                CPMMFixture.observation,
            ])
        #expect(
            ix.accounts.map(\.isWritable) == [
                false, false, false, true, true, true, true, true, false, false, false, false, true,
            ])
        #expect(ix.accounts.map(\.isSigner) == [true] + Array(repeating: false, count: 12))
        let out = try #require(
            try pool.swapInstructions(
                SwapParams(
                    direction: .aToB, amountIn: 9, amountOut: 3, exactIn: false, owner: owner, userSource: src,
                    userDestination: dst)
            ).first)
        #expect(Array(out.data.prefix(8)) == RaydiumCPMMLayout.swapBaseOutputDiscriminator)
    }

    @Test func rejectsMalformed() {
        var d = CPMMFixture.poolBytes()
        #expect(throws: VenueError.self) { try RaydiumCPMMPool(address: CPMMFixture.pool, data: Array(d.prefix(636))) }
        d[0] ^= 1
        #expect(throws: VenueError.self) { try RaydiumCPMMPool(address: CPMMFixture.pool, data: d) }
        #expect(throws: VenueError.self) {
            try RaydiumCPMMPool(
                pool: AccountData(
                    address: CPMMFixture.pool, owner: RaydiumAMMv4Layout.programId, lamports: 1,
                    data: CPMMFixture.poolBytes()))
        }
        var c = CPMMFixture.configBytes(trade: 1_000_000, protocolRate: 0, fund: 0, creator: 0)
        #expect(throws: VenueError.self) {
            try RaydiumCPMMConfig(
                account: AccountData(
                    address: CPMMFixture.config, owner: RaydiumCPMMLayout.programId, lamports: 1, data: c))
        }
        c = CPMMFixture.configBytes(trade: .max, protocolRate: 0, fund: 0, creator: .max)
        #expect(throws: VenueError.self) {
            try RaydiumCPMMConfig(
                account: AccountData(
                    address: CPMMFixture.config, owner: RaydiumCPMMLayout.programId, lamports: 1, data: c))
        }
    }
}
