import ArbMath
import SolanaPrimitives

/// A Meteora DLMM pair: `LbPair`, the bin arrays around the active bin, mints (Token-2022 check) and the clock.
public struct MeteoraDLMMPair: Venue {
    public static let kind = VenueKind.meteoraDlmm
    public static let programId = MeteoraDLMMLayout.programId
    /// Bin arrays loaded on each side of the active one (the SDK's examples use 3: enough for most swaps
    /// within the 1.4M CU limit).
    public static let binArraysPerSide = 3

    public let address: Address
    public var fees: DLMM.FeeParameters
    public var volatility: DLMM.VolatilityState
    public var activeId: Int32
    public var minBinId: Int32
    public var maxBinId: Int32
    public var functionType: UInt8
    public var collectFeeMode: UInt8
    public var pairType: UInt8
    public var status: UInt8
    public var activationType: UInt8
    public var activationPoint: UInt64
    public var tokenXMint: Address
    public var tokenYMint: Address
    public var reserveX: Address
    public var reserveY: Address
    public var oracle: Address
    public var protocolFee: (x: UInt64, y: UInt64)
    public var bitmap: [UInt64]
    public var tokenXProgramFlag: UInt8
    public var tokenYProgramFlag: UInt8
    public var version: UInt8
    /// Whether any reward slot has a mint (decides `is_support_limit_order` for function_type 0).
    public var hasRewardMints: Bool

    /// Loaded bin arrays by index.
    public var binArrays: [Int32: MeteoraDLMMBinArray] = [:]
    public var mintX: MintAccount?
    public var mintY: MintAccount?
    public var clock: ClockSysvar?
    /// The bitmap-extension account: `.unknown` until `update` sees it (or sees that it does not exist).
    public var bitmapExtension: DLMM.ExtensionState = .unknown
    var bitmapExtensionAddressCache: Address?
    /// Derived bin-array addresses (PDA derivation is ~0.1 ms; cached per index).
    var binArrayAddressCache: [Int32: Address] = [:]

    public var mintA: Address { tokenXMint }
    public var mintB: Address { tokenYMint }

    public init(pool: AccountData) throws(VenueError) {
        guard pool.owner == Self.programId else {
            throw VenueError(.wrongOwner, "DLMM pair \(pool.address) owned by \(pool.owner)")
        }
        try self.init(address: pool.address, data: pool.data)
    }

    public init(address: Address, data d: [UInt8]) throws(VenueError) {
        typealias L = MeteoraDLMMLayout
        guard d.count >= 8, Array(d[0..<8]) == L.lbPairDiscriminator else {
            throw VenueError(.wrongDiscriminator, "DLMM pair \(address): not an LbPair")
        }
        guard d.count == L.lbPairSize else {
            throw VenueError(
                d.count < L.lbPairSize ? .truncated : .wrongSize,
                "DLMM pair \(address): \(d.count) bytes, expected \(L.lbPairSize)")
        }
        let r = VenueBytes(d)
        self.address = address
        fees = DLMM.FeeParameters(
            baseFactor: r.u16(L.baseFactor), binStep: r.u16(L.binStep), baseFeePowerFactor: r.u8(L.baseFeePowerFactor),
            variableFeeControl: r.u32(L.variableFeeControl),
            maxVolatilityAccumulator: r.u32(L.maxVolatilityAccumulator),
            filterPeriod: r.u16(L.filterPeriod), decayPeriod: r.u16(L.decayPeriod),
            reductionFactor: r.u16(L.reductionFactor), protocolShare: r.u16(L.protocolShare))
        volatility = DLMM.VolatilityState(
            volatilityAccumulator: r.u32(L.volatilityAccumulator), volatilityReference: r.u32(L.volatilityReference),
            indexReference: r.i32(L.indexReference), lastUpdateTimestamp: r.i64(L.lastUpdateTimestamp))
        activeId = r.i32(L.activeId)
        minBinId = r.i32(L.minBinId)
        maxBinId = r.i32(L.maxBinId)
        functionType = r.u8(L.functionType)
        collectFeeMode = r.u8(L.collectFeeMode)
        pairType = r.u8(L.pairType)
        status = r.u8(L.status)
        activationType = r.u8(L.activationType)
        activationPoint = r.u64(L.activationPoint)
        tokenXMint = r.address(L.tokenXMint)
        tokenYMint = r.address(L.tokenYMint)
        reserveX = r.address(L.reserveX)
        reserveY = r.address(L.reserveY)
        oracle = r.address(L.oracle)
        protocolFee = (r.u64(L.protocolFeeX), r.u64(L.protocolFeeY))
        bitmap = (0..<16).map { r.u64(L.binArrayBitmap + 8 * $0) }
        tokenXProgramFlag = r.u8(L.tokenMintXProgramFlag)
        tokenYProgramFlag = r.u8(L.tokenMintYProgramFlag)
        version = r.u8(L.version)
        hasRewardMints = (0..<2).contains { i in
            r.bytes(L.rewardInfos + i * L.rewardInfoSize, 32).contains { $0 != 0 }
        }
        guard fees.binStep > 0, activeId >= DLMM.minBinId, activeId <= DLMM.maxBinId else {
            throw VenueError(.invalidState, "DLMM pair \(address): bin step \(fees.binStep), active id \(activeId)")
        }
        guard tokenXProgramFlag <= 1, tokenYProgramFlag <= 1 else {
            throw VenueError(
                .invalidState, "DLMM pair \(address): token program flags \(tokenXProgramFlag)/\(tokenYProgramFlag)")
        }
        guard fees.baseFee != nil, fees.protocolShare <= 10_000, collectFeeMode <= 1 else {
            throw VenueError(.invalidState, "DLMM pair \(address): fee parameters out of range")
        }
    }

    public var tokenXProgram: Address { tokenXProgramFlag == 1 ? VenueProgramIDs.token2022 : VenueProgramIDs.token }
    public var tokenYProgram: Address { tokenYProgramFlag == 1 ? VenueProgramIDs.token2022 : VenueProgramIDs.token }

    /// `is_support_limit_order`: LimitOrder (2) → yes; LiquidityMining (1) → no; Undetermined (0) → only
    /// when no reward mint is set.
    public var supportsLimitOrders: Bool {
        switch functionType {
        case 2: return true
        case 0: return !hasRewardMints
        default: return false
        }
    }

    /// Bin-array indices with liquidity (per the LbPair bitmap), nearest first, up to `perSide` each way from
    /// the active bin's array (the active array included when set).
    public func binArrayIndicesAroundActive(perSide: Int = binArraysPerSide) -> [Int32] {
        var out: [Int32] = []
        for swapForY in [true, false] {
            var start = DLMM.binArrayIndex(binId: activeId)
            var found = 0
            while found < perSide,
                let next = try? DLMM.nextBinArrayWithLiquidity(
                    bitmap: bitmap, extension: bitmapExtension, swapForY: swapForY, start: start)
            {
                if !out.contains(next) { out.append(next) }
                found += 1
                start = swapForY ? next - 1 : next + 1
            }
        }
        return out
    }

    public var bitmapExtensionAddress: Address? {
        bitmapExtensionAddressCache ?? MeteoraDLMMLayout.bitmapExtensionAddress(pair: address)
    }

    public func binArrayAddress(_ index: Int32) -> Address? {
        binArrayAddressCache[index] ?? MeteoraDLMMLayout.binArrayAddress(pair: address, index: Int64(index))
    }

    public func accountsToUpdate() -> [Address] {
        var a = [address]
        if let ext = bitmapExtensionAddress { a.append(ext) }
        a += binArrayIndicesAroundActive().compactMap { binArrayAddress($0) }
        a.append(VenueProgramIDs.clockSysvar)
        if tokenXProgramFlag == 1 { a.append(tokenXMint) }
        if tokenYProgramFlag == 1 { a.append(tokenYMint) }
        return a
    }

    /// Requires the pair (and Token-2022 mints); loads whichever of the nearby bin arrays are supplied —
    /// a quote that needs an array that was not supplied fails with `missingAccount`.
    public mutating func update(from accounts: some AccountSource) throws(VenueError) {
        var fresh = try MeteoraDLMMPair(pool: accounts.require(address, "DLMM pair"))
        fresh.binArrayAddressCache = binArrayAddressCache
        fresh.bitmapExtensionAddressCache = bitmapExtensionAddress
        fresh.bitmapExtension = bitmapExtension
        if let extAddress = fresh.bitmapExtensionAddressCache, let ext = accounts.account(extAddress) {
            // A feed reports a non-existent account as system-owned and empty.
            fresh.bitmapExtension =
                ext.isEmptySystemAccount
                ? .absent : .present(try MeteoraDLMMLayout.decodeBitmapExtension(ext, pair: address))
        }
        for index in fresh.binArrayIndicesAroundActive() {
            guard let addr = fresh.binArrayAddress(index) else { continue }
            fresh.binArrayAddressCache[index] = addr
            guard let acct = accounts.account(addr) else { continue }
            let ba = try MeteoraDLMMBinArray(account: acct)
            try fresh.insert(ba, expectedIndex: index)
        }
        if fresh.tokenXProgramFlag == 1 {
            fresh.mintX = try MintAccount(accounts.require(fresh.tokenXMint, "token X mint"))
        }
        if fresh.tokenYProgramFlag == 1 {
            fresh.mintY = try MintAccount(accounts.require(fresh.tokenYMint, "token Y mint"))
        }
        fresh.clock = try ClockSysvar.optional(from: accounts) ?? clock
        self = fresh
    }

    /// Adds a decoded bin array (e.g. from raw dump bytes), checking it belongs to this pair.
    public mutating func insert(_ ba: MeteoraDLMMBinArray, expectedIndex: Int32? = nil) throws(VenueError) {
        guard ba.lbPair == address else {
            throw VenueError(.invalidState, "bin array \(ba.address) belongs to \(ba.lbPair), not \(address)")
        }
        if let expectedIndex, Int64(expectedIndex) != ba.index {
            throw VenueError(.invalidState, "bin array \(ba.address) has index \(ba.index), expected \(expectedIndex)")
        }
        binArrays[Int32(ba.index)] = ba
    }
}
