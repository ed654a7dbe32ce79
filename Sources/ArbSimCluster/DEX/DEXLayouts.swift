import ArbMath
import ArbVenues
import SolanaPrimitives

/// Layout writers: the inverse of the ArbVenues decoders. Each writes a decoded value's fields at the offsets the
/// decoder reads (ArbVenues `*Layout` constants, which follow the programs' sources and were checked against
/// mainnet dumps); bytes the decoders do not read are left as they are (zero in a fresh account). `fields` lists
/// every (offset, size) a writer sets, so tests can compare exactly those bytes with a real dump.
public enum DEXLayouts {
    /// A zeroed Anchor account of `size` bytes starting with its 8-byte discriminator.
    static func anchorAccount(size: Int, discriminator: [UInt8]) -> [UInt8] {
        var d = [UInt8](repeating: 0, count: size)
        d.put(bytes: discriminator, at: 0)
        return d
    }

    // MARK: Raydium AMM v4 (`AmmInfo`, 752 bytes, no discriminator)

    public static func write(_ p: RaydiumAMMv4Pool, into d: inout [UInt8]) {
        typealias L = RaydiumAMMv4Layout
        d.put(p.status, at: L.status)
        d.put(p.nonce, at: L.nonce)
        d.put(p.coinDecimals, at: L.coinDecimals)
        d.put(p.pcDecimals, at: L.pcDecimals)
        d.put(p.fees.numerator, at: L.swapFeeNumerator)
        d.put(p.fees.denominator, at: L.swapFeeDenominator)
        d.put(p.needTakePnlCoin, at: L.needTakePnlCoin)
        d.put(p.needTakePnlPc, at: L.needTakePnlPc)
        d.put(p.poolOpenTime, at: L.poolOpenTime)
        d.put(p.coinVault, at: L.coinVault)
        d.put(p.pcVault, at: L.pcVault)
        d.put(p.coinMint, at: L.coinVaultMint)
        d.put(p.pcMint, at: L.pcVaultMint)
        d.put(p.lpMint, at: L.lpMint)
        d.put(p.openOrders, at: L.openOrders)
        d.put(p.market, at: L.market)
        d.put(p.marketProgram, at: L.marketProgram)
        d.put(p.targetOrders, at: L.targetOrders)
    }

    public static let ammV4Fields: [(offset: Int, size: Int)] = RaydiumAMMv4Layout.fields
        .filter { $0.key != "amm_owner" && $0.key != "lp_amount" }.map { $0.value }.sorted { $0.offset < $1.offset }

    /// AMM v4 `StateData` swap statistics (state.rs, after `pool_open_time` and two padding u64 and
    /// `orderbook_to_init_time`): written by every swap, not read by the decoder.
    enum AMMv4Stats {
        static let swapCoinInAmount = 256  // u128
        static let swapPcOutAmount = 272  // u128
        static let swapAccPcFee = 288  // u64
        static let swapPcInAmount = 296  // u128
        static let swapCoinOutAmount = 312  // u128
        static let swapAccCoinFee = 328  // u64
        /// `Fees.trade_fee_numerator` / `trade_fee_denominator` (set equal to the swap fee at genesis).
        static let tradeFeeNumerator = 144
        static let tradeFeeDenominator = 152
        static let ammOwner = RaydiumAMMv4Layout.ammOwner
    }

    // MARK: Raydium CPMM (`PoolState`, 637 bytes)

    public static func write(_ p: RaydiumCPMMPool, authBump: UInt8, into d: inout [UInt8]) {
        typealias L = RaydiumCPMMLayout
        d.put(bytes: L.poolDiscriminator, at: 0)
        d.put(p.ammConfig, at: L.ammConfig)
        d.put(p.token0Vault, at: L.token0Vault)
        d.put(p.token1Vault, at: L.token1Vault)
        d.put(p.token0Mint, at: L.token0Mint)
        d.put(p.token1Mint, at: L.token1Mint)
        d.put(p.token0Program, at: L.token0Program)
        d.put(p.token1Program, at: L.token1Program)
        d.put(p.observationKey, at: L.observationKey)
        d.put(authBump, at: L.authBump)
        d.put(p.status, at: L.status)
        d.put(p.mint0Decimals, at: L.mint0Decimals)
        d.put(p.mint1Decimals, at: L.mint1Decimals)
        d.put(p.protocolFees.token0, at: L.protocolFeesToken0)
        d.put(p.protocolFees.token1, at: L.protocolFeesToken1)
        d.put(p.fundFees.token0, at: L.fundFeesToken0)
        d.put(p.fundFees.token1, at: L.fundFeesToken1)
        d.put(p.openTime, at: L.openTime)
        d.put(p.creatorFeeOn, at: L.creatorFeeOn)
        d.put(UInt8(p.enableCreatorFee ? 1 : 0), at: L.enableCreatorFee)
        d.put(p.creatorFees.token0, at: L.creatorFeesToken0)
        d.put(p.creatorFees.token1, at: L.creatorFeesToken1)
    }

    /// CPMM `AmmConfig` (236 bytes): bump @8, disable_create_pool @9, index u16 @10, trade/protocol/fund fee
    /// rates u64 @12/@20/@28, create_pool_fee @36, protocol_owner @44, fund_owner @76, creator_fee_rate @108.
    public static func cpmmConfig(
        bump: UInt8, index: UInt16, tradeFeeRate: UInt64, protocolFeeRate: UInt64, fundFeeRate: UInt64,
        creatorFeeRate: UInt64, owner: Address
    ) -> [UInt8] {
        typealias L = RaydiumCPMMLayout
        var d = anchorAccount(size: L.configSize, discriminator: L.configDiscriminator)
        d.put(bump, at: 8)
        d.put(index, at: 10)
        d.put(tradeFeeRate, at: L.configTradeFeeRate)
        d.put(protocolFeeRate, at: L.configProtocolFeeRate)
        d.put(fundFeeRate, at: L.configFundFeeRate)
        d.put(owner, at: 44)
        d.put(owner, at: 76)
        d.put(creatorFeeRate, at: L.configCreatorFeeRate)
        return d
    }

    // MARK: Raydium CLMM (`PoolState` 1544, `AmmConfig` 117, `TickArrayState` 10240)

    public static func write(_ s: RaydiumCLMMState, into d: inout [UInt8]) {
        typealias O = RaydiumCLMMLayout.Offset
        d.put(bytes: RaydiumCLMMLayout.poolStateDiscriminator, at: 0)
        d.put(s.bump, at: O.bump)
        d.put(s.ammConfig, at: O.ammConfig)
        d.put(s.owner, at: O.owner)
        d.put(s.tokenMint0, at: O.tokenMint0)
        d.put(s.tokenMint1, at: O.tokenMint1)
        d.put(s.tokenVault0, at: O.tokenVault0)
        d.put(s.tokenVault1, at: O.tokenVault1)
        d.put(s.observationKey, at: O.observationKey)
        d.put(s.mintDecimals0, at: O.mintDecimals0)
        d.put(s.mintDecimals1, at: O.mintDecimals1)
        d.put(s.tickSpacing, at: O.tickSpacing)
        d.put(s.liquidity, at: O.liquidity)
        d.put(s.sqrtPriceX64, at: O.sqrtPriceX64)
        d.put(s.tickCurrent, at: O.tickCurrent)
        d.put(s.feeGrowthGlobal0X64, at: O.feeGrowthGlobal0)
        d.put(s.feeGrowthGlobal1X64, at: O.feeGrowthGlobal1)
        d.put(s.protocolFeesToken0, at: O.protocolFeesToken0)
        d.put(s.protocolFeesToken1, at: O.protocolFeesToken1)
        d.put(s.swapInAmountToken0, at: O.swapInAmountToken0)
        d.put(s.swapOutAmountToken1, at: O.swapOutAmountToken1)
        d.put(s.swapInAmountToken1, at: O.swapInAmountToken1)
        d.put(s.swapOutAmountToken0, at: O.swapOutAmountToken0)
        d.put(s.status, at: O.status)
        d.put(s.feeOn, at: O.feeOn)
        for (i, w) in s.tickArrayBitmap.enumerated() { d.put(w, at: O.tickArrayBitmap + 8 * i) }
        d.put(s.totalFeesToken0, at: O.totalFeesToken0)
        d.put(s.totalFeesToken1, at: O.totalFeesToken1)
        d.put(s.fundFeesToken0, at: O.fundFeesToken0)
        d.put(s.fundFeesToken1, at: O.fundFeesToken1)
        d.put(s.openTime, at: O.openTime)
        d.put(s.recentEpoch, at: O.recentEpoch)
    }

    public static let clmmPoolFields: [(offset: Int, size: Int)] = {
        typealias O = RaydiumCLMMLayout.Offset
        return [
            (0, 8), (O.bump, 1), (O.ammConfig, 32), (O.owner, 32), (O.tokenMint0, 32), (O.tokenMint1, 32),
            (O.tokenVault0, 32), (O.tokenVault1, 32), (O.observationKey, 32), (O.mintDecimals0, 1),
            (O.mintDecimals1, 1), (O.tickSpacing, 2), (O.liquidity, 16), (O.sqrtPriceX64, 16), (O.tickCurrent, 4),
            (O.feeGrowthGlobal0, 16), (O.feeGrowthGlobal1, 16), (O.protocolFeesToken0, 8),
            (O.protocolFeesToken1, 8), (O.swapInAmountToken0, 16), (O.swapOutAmountToken1, 16),
            (O.swapInAmountToken1, 16), (O.swapOutAmountToken0, 16), (O.status, 1), (O.feeOn, 1),
            (O.tickArrayBitmap, 128), (O.totalFeesToken0, 8), (O.totalFeesToken1, 8), (O.fundFeesToken0, 8),
            (O.fundFeesToken1, 8), (O.openTime, 8), (O.recentEpoch, 8),
        ]
    }()

    /// CLMM `AmmConfig` (117 bytes): bump @8, index u16 @9, owner @11, protocol_fee_rate u32 @43,
    /// trade_fee_rate u32 @47, tick_spacing u16 @51, fund_fee_rate u32 @53, fund_owner @61.
    public static func clmmConfig(
        bump: UInt8, index: UInt16, owner: Address, protocolFeeRate: UInt32, tradeFeeRate: UInt32,
        tickSpacing: UInt16, fundFeeRate: UInt32
    ) -> [UInt8] {
        var d = anchorAccount(
            size: RaydiumCLMMLayout.ammConfigSize, discriminator: RaydiumCLMMLayout.ammConfigDiscriminator)
        d.put(bump, at: 8)
        d.put(index, at: 9)
        d.put(owner, at: 11)
        d.put(protocolFeeRate, at: 43)
        d.put(tradeFeeRate, at: 47)
        d.put(tickSpacing, at: 51)
        d.put(fundFeeRate, at: 53)
        d.put(owner, at: 61)
        return d
    }

    /// CLMM `TickArrayState`: pool_id @8, start_tick_index i32 @40, 60 `TickState` (`TickArrayGeometry
    /// .raydiumCLMM`: tick i32, liquidity_net, liquidity_gross, fee growth outside 0/1), initialized_tick_count u8
    /// @10124 (after the ticks).
    public static func write(_ a: ClmmTickArray, pool: Address, into d: inout [UInt8]) {
        let g = TickArrayGeometry.raydiumCLMM
        d.put(bytes: RaydiumCLMMLayout.tickArrayDiscriminator, at: 0)
        d.put(pool, at: 8)
        d.put(a.startTickIndex, at: 40)
        var initialized: UInt8 = 0
        for (i, t) in a.ticks.enumerated() {
            d.put(t.tick, at: g.tick(i))
            g.writeLiquidity(net: t.liquidityNet, gross: t.liquidityGross, tick: i, into: &d)
            if t.liquidityGross != 0 { initialized += 1 }
        }
        d.put(initialized, at: g.tick(g.ticksPerArray))
    }

    public static func clmmTickArrayFields(_ a: ClmmTickArray) -> [(offset: Int, size: Int)] {
        [(0, 8), (8, 32), (40, 4)] + TickArrayGeometry.raydiumCLMM.tickFields(count: a.ticks.count)
    }

    // MARK: Orca Whirlpool (`Whirlpool` 653, fixed `TickArray` 9988)

    public static func write(_ s: WhirlpoolState, into d: inout [UInt8]) {
        typealias O = WhirlpoolLayout.Offset
        d.put(bytes: WhirlpoolLayout.whirlpoolDiscriminator, at: 0)
        d.put(s.whirlpoolsConfig, at: O.whirlpoolsConfig)
        d.put(s.bump, at: O.whirlpoolBump)
        d.put(s.tickSpacing, at: O.tickSpacing)
        d.put(s.feeTierIndexSeed, at: O.feeTierIndexSeed)
        d.put(s.feeRate, at: O.feeRate)
        d.put(s.protocolFeeRate, at: O.protocolFeeRate)
        d.put(s.liquidity, at: O.liquidity)
        d.put(s.sqrtPrice, at: O.sqrtPrice)
        d.put(s.tickCurrentIndex, at: O.tickCurrentIndex)
        d.put(s.protocolFeeOwedA, at: O.protocolFeeOwedA)
        d.put(s.protocolFeeOwedB, at: O.protocolFeeOwedB)
        d.put(s.tokenMintA, at: O.tokenMintA)
        d.put(s.tokenVaultA, at: O.tokenVaultA)
        d.put(s.feeGrowthGlobalA, at: O.feeGrowthGlobalA)
        d.put(s.tokenMintB, at: O.tokenMintB)
        d.put(s.tokenVaultB, at: O.tokenVaultB)
        d.put(s.feeGrowthGlobalB, at: O.feeGrowthGlobalB)
        d.put(s.rewardLastUpdatedTimestamp, at: O.rewardLastUpdatedTimestamp)
    }

    public static let whirlpoolFields: [(offset: Int, size: Int)] = {
        typealias O = WhirlpoolLayout.Offset
        return [
            (0, 8), (O.whirlpoolsConfig, 32), (O.whirlpoolBump, 1), (O.tickSpacing, 2), (O.feeTierIndexSeed, 2),
            (O.feeRate, 2), (O.protocolFeeRate, 2), (O.liquidity, 16), (O.sqrtPrice, 16), (O.tickCurrentIndex, 4),
            (O.protocolFeeOwedA, 8), (O.protocolFeeOwedB, 8), (O.tokenMintA, 32), (O.tokenVaultA, 32),
            (O.feeGrowthGlobalA, 16), (O.tokenMintB, 32), (O.tokenVaultB, 32), (O.feeGrowthGlobalB, 16),
            (O.rewardLastUpdatedTimestamp, 8),
        ]
    }()

    /// Fixed `TickArray`: start_tick_index i32 @8, 88 `Tick` (`TickArrayGeometry.whirlpool`: initialized bool,
    /// liquidity_net, liquidity_gross, fee growth outside a/b), whirlpool @9956 (after the ticks).
    public static func write(_ a: WhirlpoolTickArray, whirlpool: Address, into d: inout [UInt8]) {
        let g = TickArrayGeometry.whirlpool
        d.put(bytes: WhirlpoolLayout.fixedTickArrayDiscriminator, at: 0)
        d.put(a.startTickIndex, at: 8)
        for (i, t) in a.ticks.enumerated() {
            d.put(UInt8(t.initialized ? 1 : 0), at: g.tick(i))
            g.writeLiquidity(net: t.liquidityNet, gross: t.liquidityGross, tick: i, into: &d)
        }
        d.put(whirlpool, at: g.tick(g.ticksPerArray))
    }

    public static func whirlpoolTickArrayFields(_ a: WhirlpoolTickArray) -> [(offset: Int, size: Int)] {
        [(0, 8), (8, 4), (9956, 32)] + TickArrayGeometry.whirlpool.tickFields(count: a.ticks.count)
    }

    /// `WhirlpoolsConfig` (108 bytes): fee authority @8, collect-protocol-fees authority @40, reward emissions
    /// super authority @72, default_protocol_fee_rate u16 @104.
    public static func whirlpoolsConfig(authority: Address, defaultProtocolFeeRate: UInt16) -> [UInt8] {
        var d = anchorAccount(size: 108, discriminator: WhirlpoolsConfig.discriminator)
        d.put(authority, at: 8)
        d.put(authority, at: 40)
        d.put(authority, at: 72)
        d.put(defaultProtocolFeeRate, at: 104)
        return d
    }

    // MARK: Meteora DLMM (`LbPair` 904, `BinArray` 10136)

    public static func write(_ p: MeteoraDLMMPair, into d: inout [UInt8]) {
        typealias L = MeteoraDLMMLayout
        d.put(bytes: L.lbPairDiscriminator, at: 0)
        d.put(p.fees.baseFactor, at: L.baseFactor)
        d.put(p.fees.filterPeriod, at: L.filterPeriod)
        d.put(p.fees.decayPeriod, at: L.decayPeriod)
        d.put(p.fees.reductionFactor, at: L.reductionFactor)
        d.put(p.fees.variableFeeControl, at: L.variableFeeControl)
        d.put(p.fees.maxVolatilityAccumulator, at: L.maxVolatilityAccumulator)
        d.put(p.minBinId, at: L.minBinId)
        d.put(p.maxBinId, at: L.maxBinId)
        d.put(p.fees.protocolShare, at: L.protocolShare)
        d.put(p.fees.baseFeePowerFactor, at: L.baseFeePowerFactor)
        d.put(p.functionType, at: L.functionType)
        d.put(p.collectFeeMode, at: L.collectFeeMode)
        writeVolatility(p.volatility, into: &d)
        d.put(p.pairType, at: L.pairType)
        d.put(p.activeId, at: L.activeId)
        d.put(p.fees.binStep, at: L.binStep)
        d.put(p.status, at: L.status)
        d.put(p.activationType, at: L.activationType)
        d.put(p.tokenXMint, at: L.tokenXMint)
        d.put(p.tokenYMint, at: L.tokenYMint)
        d.put(p.reserveX, at: L.reserveX)
        d.put(p.reserveY, at: L.reserveY)
        d.put(p.protocolFee.x, at: L.protocolFeeX)
        d.put(p.protocolFee.y, at: L.protocolFeeY)
        d.put(p.oracle, at: L.oracle)
        for (i, w) in p.bitmap.enumerated() { d.put(w, at: L.binArrayBitmap + 8 * i) }
        d.put(p.activationPoint, at: L.activationPoint)
        d.put(p.tokenXProgramFlag, at: L.tokenMintXProgramFlag)
        d.put(p.tokenYProgramFlag, at: L.tokenMintYProgramFlag)
        d.put(p.version, at: L.version)
    }

    static func writeVolatility(_ v: DLMM.VolatilityState, into d: inout [UInt8]) {
        typealias L = MeteoraDLMMLayout
        d.put(v.volatilityAccumulator, at: L.volatilityAccumulator)
        d.put(v.volatilityReference, at: L.volatilityReference)
        d.put(v.indexReference, at: L.indexReference)
        d.put(v.lastUpdateTimestamp, at: L.lastUpdateTimestamp)
    }

    public static let dlmmPairFields: [(offset: Int, size: Int)] = {
        typealias L = MeteoraDLMMLayout
        return [
            (0, 8), (L.baseFactor, 2), (L.filterPeriod, 2), (L.decayPeriod, 2), (L.reductionFactor, 2),
            (L.variableFeeControl, 4), (L.maxVolatilityAccumulator, 4), (L.minBinId, 4), (L.maxBinId, 4),
            (L.protocolShare, 2), (L.baseFeePowerFactor, 1), (L.functionType, 1), (L.collectFeeMode, 1),
            (L.volatilityAccumulator, 4), (L.volatilityReference, 4), (L.indexReference, 4),
            (L.lastUpdateTimestamp, 8), (L.pairType, 1), (L.activeId, 4), (L.binStep, 2), (L.status, 1),
            (L.activationType, 1), (L.tokenXMint, 32), (L.tokenYMint, 32), (L.reserveX, 32), (L.reserveY, 32),
            (L.protocolFeeX, 8), (L.protocolFeeY, 8), (L.oracle, 32), (L.binArrayBitmap, 128),
            (L.activationPoint, 8), (L.tokenMintXProgramFlag, 1), (L.tokenMintYProgramFlag, 1), (L.version, 1),
        ]
    }()

    /// `BinArray`: index i64 @8, version u8 @16, lb_pair @24, 70 bins of 144 bytes from @56 (amount_x, amount_y,
    /// price u128 @+16; limit-order fields @+112… when version ≥ 2).
    public static func write(_ a: MeteoraDLMMBinArray, into d: inout [UInt8]) {
        typealias L = MeteoraDLMMLayout
        d.put(bytes: L.binArrayDiscriminator, at: 0)
        d.put(a.index, at: 8)
        d.put(a.version, at: 16)
        d.put(a.lbPair, at: 24)
        for (i, b) in a.bins.enumerated() { writeBin(b, index: i, version: a.version, into: &d) }
    }

    static func writeBin(_ b: DLMM.Bin, index i: Int, version: UInt8, into d: inout [UInt8]) {
        typealias L = MeteoraDLMMLayout
        let o = L.binsOffset + i * L.binSize
        d.put(b.amountX, at: o + L.binAmountX)
        d.put(b.amountY, at: o + L.binAmountY)
        d.put(b.price, at: o + L.binPrice)
        if version >= L.limitOrderBinArrayVersion {
            d.put(b.openOrderAmount, at: o + L.binOpenOrderAmount)
            d.put(b.processedOrderRemainingAmount, at: o + L.binProcessedOrderRemaining)
            d.put(UInt8(b.limitOrderAskSide ? 1 : 0), at: o + L.binLimitOrderAskSide)
        }
    }

    public static func dlmmBinArrayFields(_ a: MeteoraDLMMBinArray) -> [(offset: Int, size: Int)] {
        typealias L = MeteoraDLMMLayout
        var f: [(offset: Int, size: Int)] = [(0, 8), (8, 8), (16, 1), (24, 32)]
        for i in 0..<a.bins.count {
            let o = L.binsOffset + i * L.binSize
            f += [(o, 8), (o + 8, 8), (o + 16, 16)]
            if a.version >= L.limitOrderBinArrayVersion {
                f += [
                    (o + L.binOpenOrderAmount, 8), (o + L.binProcessedOrderRemaining, 8),
                    (o + L.binLimitOrderAskSide, 1),
                ]
            }
        }
        return f
    }
}
