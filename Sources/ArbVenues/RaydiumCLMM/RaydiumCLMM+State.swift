import ArbMath
import SolanaPrimitives

/// The decoded CLMM `PoolState` (1544 bytes), fields the bot uses.
public struct RaydiumCLMMState: Hashable, Sendable {
    public var bump: UInt8
    public var ammConfig: Address
    public var owner: Address
    public var tokenMint0: Address
    public var tokenMint1: Address
    public var tokenVault0: Address
    public var tokenVault1: Address
    public var observationKey: Address
    public var mintDecimals0: UInt8
    public var mintDecimals1: UInt8
    public var tickSpacing: UInt16
    public var liquidity: UInt128
    public var sqrtPriceX64: UInt128
    public var tickCurrent: Int32
    public var feeGrowthGlobal0X64: UInt128
    public var feeGrowthGlobal1X64: UInt128
    public var protocolFeesToken0: UInt64
    public var protocolFeesToken1: UInt64
    public var swapInAmountToken0: UInt128
    public var swapOutAmountToken1: UInt128
    public var swapInAmountToken1: UInt128
    public var swapOutAmountToken0: UInt128
    public var status: UInt8
    public var feeOn: UInt8
    public var tickArrayBitmap: [UInt64]
    public var totalFeesToken0: UInt64
    public var totalFeesToken1: UInt64
    public var fundFeesToken0: UInt64
    public var fundFeesToken1: UInt64
    public var openTime: UInt64
    public var recentEpoch: UInt64
    /// Any non-zero byte in the 2026 `DynamicFeeInfo` parameters: a dynamic fee component applies.
    public var hasDynamicFee: Bool

    /// Status bit 4 set: swaps are disabled.
    public var swapDisabled: Bool { status & (1 << 4) != 0 }

    public init(data: [UInt8], address: Address = .zero) throws(VenueError) {
        let b = AccountBytes(data, "CLMM PoolState \(address)")
        guard data.count == RaydiumCLMMLayout.poolStateSize else {
            throw VenueError(.wrongSize, "CLMM PoolState \(address): \(data.count) bytes, expected 1544")
        }
        try b.expectDiscriminator(RaydiumCLMMLayout.poolStateDiscriminator)
        typealias O = RaydiumCLMMLayout.Offset
        bump = try b.u8(O.bump)
        ammConfig = try b.address(O.ammConfig)
        owner = try b.address(O.owner)
        tokenMint0 = try b.address(O.tokenMint0)
        tokenMint1 = try b.address(O.tokenMint1)
        tokenVault0 = try b.address(O.tokenVault0)
        tokenVault1 = try b.address(O.tokenVault1)
        observationKey = try b.address(O.observationKey)
        mintDecimals0 = try b.u8(O.mintDecimals0)
        mintDecimals1 = try b.u8(O.mintDecimals1)
        tickSpacing = try b.u16(O.tickSpacing)
        liquidity = try b.u128(O.liquidity)
        sqrtPriceX64 = try b.u128(O.sqrtPriceX64)
        tickCurrent = try b.i32(O.tickCurrent)
        feeGrowthGlobal0X64 = try b.u128(O.feeGrowthGlobal0)
        feeGrowthGlobal1X64 = try b.u128(O.feeGrowthGlobal1)
        protocolFeesToken0 = try b.u64(O.protocolFeesToken0)
        protocolFeesToken1 = try b.u64(O.protocolFeesToken1)
        swapInAmountToken0 = try b.u128(O.swapInAmountToken0)
        swapOutAmountToken1 = try b.u128(O.swapOutAmountToken1)
        swapInAmountToken1 = try b.u128(O.swapInAmountToken1)
        swapOutAmountToken0 = try b.u128(O.swapOutAmountToken0)
        status = try b.u8(O.status)
        feeOn = try b.u8(O.feeOn)
        var bitmap: [UInt64] = []
        for i in 0..<16 { bitmap.append(try b.u64(O.tickArrayBitmap + 8 * i)) }
        tickArrayBitmap = bitmap
        totalFeesToken0 = try b.u64(O.totalFeesToken0)
        totalFeesToken1 = try b.u64(O.totalFeesToken1)
        fundFeesToken0 = try b.u64(O.fundFeesToken0)
        fundFeesToken1 = try b.u64(O.fundFeesToken1)
        openTime = try b.u64(O.openTime)
        recentEpoch = try b.u64(O.recentEpoch)
        // DynamicFeeInfo parameters: filter/decay period, reduction factor, control, max accumulator (18 bytes).
        hasDynamicFee = try b.bytes(O.dynamicFeeInfo, 18).contains { $0 != 0 }
        guard tickSpacing > 0 else { throw VenueError(.invalidState, "CLMM \(address): tick spacing 0") }
        guard tokenMint0 < tokenMint1 else {
            throw VenueError(.invalidState, "CLMM \(address): mint0 must sort before mint1")
        }
    }

    /// Price of token0 in token1 (UI units), from the sqrt price — for display only, never for money.
    public var price: Double {
        let s = Double(sqrtPriceX64) / 18_446_744_073_709_551_616.0
        var p = s * s
        let d = Int(mintDecimals0) - Int(mintDecimals1)
        for _ in 0..<abs(d) { p = d > 0 ? p * 10 : p / 10 }
        return p
    }
}

/// A Raydium CLMM pool as a `Venue`: pool, AmmConfig (fee rates), vaults, mints, the bitmap extension and the
/// initialized tick arrays nearest the price in both directions.
public struct RaydiumCLMMVenue: Venue {
    public static let kind = VenueKind.raydiumClmm
    public static let programId = RaydiumCLMMLayout.programId
    /// Initialized tick arrays loaded on each side of the price.
    public static let arraysPerSide = 4

    public let address: Address
    public private(set) var state: RaydiumCLMMState
    public var mintA: Address { state.tokenMint0 }
    public var mintB: Address { state.tokenMint1 }

    public private(set) var config: ClmmAmmConfig?
    public private(set) var vault0: VaultAccount?
    public private(set) var vault1: VaultAccount?
    public private(set) var mintAccount0: MintAccount?
    public private(set) var mintAccount1: MintAccount?
    public private(set) var bitmapExtension: ClmmBitmapExtension?
    /// Whether the extension account is known not to exist (then navigation outside the default bitmap fails).
    public private(set) var bitmapExtensionAbsent = false
    public private(set) var tickArrays: [Int32: ClmmTickArray] = [:]
    public private(set) var epoch: UInt64?
    /// Cluster time from the Clock sysvar, when supplied (checks `open_time`).
    public private(set) var unixTimestamp: Int64?

    public init(pool: AccountData) throws(VenueError) {
        try pool.expectOwner(Self.programId, "CLMM PoolState")
        address = pool.address
        state = try RaydiumCLMMState(data: pool.data, address: pool.address)
    }

    public var bitmapExtensionAddress: Address { RaydiumCLMMLayout.bitmapExtensionAddress(pool: address) }

    public func tickArrayAddress(_ start: Int32) -> Address {
        RaydiumCLMMLayout.tickArrayAddress(pool: address, startTickIndex: start)
    }

    /// The swap model's view of the pool (needs the AmmConfig for fee rates).
    public func swapPool() throws(VenueError) -> ClmmSwapPool {
        guard let config else {
            throw VenueError(.missingAccount, "CLMM \(address): AmmConfig \(state.ammConfig) not loaded")
        }
        return ClmmSwapPool(
            sqrtPrice: state.sqrtPriceX64, tickCurrent: state.tickCurrent, liquidity: state.liquidity,
            tickSpacing: state.tickSpacing, tickArrayBitmap: state.tickArrayBitmap, tradeFeeRate: config.tradeFeeRate,
            protocolFeeRate: config.protocolFeeRate, fundFeeRate: config.fundFeeRate,
            feeGrowthGlobal0: state.feeGrowthGlobal0X64, feeGrowthGlobal1: state.feeGrowthGlobal1X64,
            swapDisabled: state.swapDisabled)
    }

    /// Start indexes of the initialized tick arrays a swap would visit first in each direction (up to
    /// `arraysPerSide` each), found through the bitmaps. Arrays beyond the default bitmap are only found once
    /// the extension is loaded.
    public func neighbourhoodStarts() -> [Int32] {
        guard let pool = try? swapPool() else {
            // Without fees the bitmaps still locate arrays; use zero fees for navigation only.
            return navigationStarts(
                ClmmSwapPool(
                    sqrtPrice: state.sqrtPriceX64, tickCurrent: state.tickCurrent, liquidity: state.liquidity,
                    tickSpacing: state.tickSpacing, tickArrayBitmap: state.tickArrayBitmap, tradeFeeRate: 0,
                    protocolFeeRate: 0, fundFeeRate: 0))
        }
        return navigationStarts(pool)
    }

    func navigationStarts(_ pool: ClmmSwapPool) -> [Int32] {
        var out: [Int32] = []
        for zeroForOne in [true, false] {
            out += ClmmMath.initializedTickArrayStarts(
                pool: pool, bitmapExtension: bitmapExtension, zeroForOne: zeroForOne, limit: Self.arraysPerSide)
        }
        var seen = Set<Int32>()
        return out.filter { seen.insert($0).inserted }
    }

    public var needsClock: Bool {
        [mintAccount0, mintAccount1].contains { m in
            guard let cfg = m?.transferFeeConfig else { return false }
            return cfg.olderTransferFee != cfg.newerTransferFee
        }
    }

    public func accountsToUpdate() -> [Address] {
        var out = [
            address, state.ammConfig, state.tokenVault0, state.tokenVault1, state.tokenMint0, state.tokenMint1,
            bitmapExtensionAddress,
        ]
        out += neighbourhoodStarts().map(tickArrayAddress)
        if needsClock || state.openTime > 0 { out.append(SysvarIDs.clock) }
        return out
    }

    public mutating func update(from accounts: some AccountSource) throws(VenueError) {
        let pool = try accounts.require(address, "CLMM PoolState")
        try pool.expectOwner(Self.programId, "CLMM PoolState")
        state = try RaydiumCLMMState(data: pool.data, address: address)
        let cfg = try ClmmAmmConfig(try accounts.require(state.ammConfig, "CLMM AmmConfig"))
        guard cfg.tickSpacing == state.tickSpacing else {
            throw VenueError(.invalidState, "CLMM \(address): AmmConfig tick spacing \(cfg.tickSpacing) != pool's")
        }
        config = cfg
        let v0 = try VaultAccount(try accounts.require(state.tokenVault0, "vault 0"))
        let v1 = try VaultAccount(try accounts.require(state.tokenVault1, "vault 1"))
        guard v0.mint == state.tokenMint0, v1.mint == state.tokenMint1 else {
            throw VenueError(.invalidState, "CLMM \(address): vault mints do not match the pool")
        }
        vault0 = v0
        vault1 = v1
        if let m = accounts.account(state.tokenMint0) { mintAccount0 = try MintAccount(m) }
        if let m = accounts.account(state.tokenMint1) { mintAccount1 = try MintAccount(m) }
        if let c = accounts.account(SysvarIDs.clock) {
            epoch = try clockEpoch(c)
            unixTimestamp = try clockUnixTimestamp(c)
        }
        if let ext = accounts.account(bitmapExtensionAddress) {
            if ext.isEmptySystemAccount {
                bitmapExtension = nil
                bitmapExtensionAbsent = true
            } else {
                bitmapExtension = try RaydiumCLMMLayout.decodeBitmapExtension(ext, pool: address)
                bitmapExtensionAbsent = false
            }
        }
        var arrays: [Int32: ClmmTickArray] = [:]
        for start in neighbourhoodStarts() {
            guard let acc = accounts.account(tickArrayAddress(start)) else { continue }
            let ta = try RaydiumCLMMLayout.decodeTickArray(acc, pool: address)
            guard ta.startTickIndex == start else {
                throw VenueError(.invalidState, "CLMM tick array for \(start) starts at \(ta.startTickIndex)")
            }
            arrays[start] = ta
        }
        tickArrays = arrays
    }

    /// Adds a tick array decoded elsewhere (e.g. a dump folder holding more arrays).
    public mutating func insertTickArray(_ account: AccountData) throws(VenueError) {
        let ta = try RaydiumCLMMLayout.decodeTickArray(account, pool: address)
        tickArrays[ta.startTickIndex] = ta
    }
}
