import ArbMath
import SolanaPrimitives

/// The decoded `Whirlpool` account (653 bytes).
public struct WhirlpoolState: Hashable, Sendable {
    public var whirlpoolsConfig: Address
    public var bump: UInt8
    public var tickSpacing: UInt16
    public var feeTierIndexSeed: UInt16
    public var feeRate: UInt16
    public var protocolFeeRate: UInt16
    public var liquidity: UInt128
    public var sqrtPrice: UInt128
    public var tickCurrentIndex: Int32
    public var protocolFeeOwedA: UInt64
    public var protocolFeeOwedB: UInt64
    public var tokenMintA: Address
    public var tokenVaultA: Address
    public var feeGrowthGlobalA: UInt128
    public var tokenMintB: Address
    public var tokenVaultB: Address
    public var feeGrowthGlobalB: UInt128
    public var rewardLastUpdatedTimestamp: UInt64

    /// Adaptive-fee pools are created through an adaptive fee tier whose index differs from the tick spacing.
    public var isAdaptiveFee: Bool { feeTierIndexSeed != tickSpacing }
    /// Full-range-only ("splash") pools.
    public var isSplashPool: Bool { tickSpacing >= WhirlpoolMath.fullRangeOnlyTickSpacingThreshold }

    public init(data: [UInt8], address: Address = .zero) throws(VenueError) {
        let b = AccountBytes(data, "Whirlpool \(address)")
        guard data.count == WhirlpoolLayout.whirlpoolSize else {
            throw VenueError(.wrongSize, "Whirlpool \(address): \(data.count) bytes, expected 653")
        }
        try b.expectDiscriminator(WhirlpoolLayout.whirlpoolDiscriminator)
        typealias O = WhirlpoolLayout.Offset
        whirlpoolsConfig = try b.address(O.whirlpoolsConfig)
        bump = try b.u8(O.whirlpoolBump)
        tickSpacing = try b.u16(O.tickSpacing)
        feeTierIndexSeed = try b.u16(O.feeTierIndexSeed)
        feeRate = try b.u16(O.feeRate)
        protocolFeeRate = try b.u16(O.protocolFeeRate)
        liquidity = try b.u128(O.liquidity)
        sqrtPrice = try b.u128(O.sqrtPrice)
        tickCurrentIndex = try b.i32(O.tickCurrentIndex)
        protocolFeeOwedA = try b.u64(O.protocolFeeOwedA)
        protocolFeeOwedB = try b.u64(O.protocolFeeOwedB)
        tokenMintA = try b.address(O.tokenMintA)
        tokenVaultA = try b.address(O.tokenVaultA)
        feeGrowthGlobalA = try b.u128(O.feeGrowthGlobalA)
        tokenMintB = try b.address(O.tokenMintB)
        tokenVaultB = try b.address(O.tokenVaultB)
        feeGrowthGlobalB = try b.u128(O.feeGrowthGlobalB)
        rewardLastUpdatedTimestamp = try b.u64(O.rewardLastUpdatedTimestamp)
        guard tickSpacing > 0 else { throw VenueError(.invalidState, "Whirlpool \(address): tick spacing 0") }
        guard sqrtPrice >= WhirlpoolMath.minSqrtPrice && sqrtPrice <= WhirlpoolMath.maxSqrtPrice else {
            throw VenueError(.invalidState, "Whirlpool \(address): sqrt price \(sqrtPrice) out of bounds")
        }
        guard tickCurrentIndex >= WhirlpoolMath.minTickIndex - 1 && tickCurrentIndex <= WhirlpoolMath.maxTickIndex
        else {
            throw VenueError(.invalidState, "Whirlpool \(address): tick \(tickCurrentIndex) out of bounds")
        }
    }

    /// The swap model's view of the pool.
    public var swapPool: WhirlpoolSwapPool {
        WhirlpoolSwapPool(
            sqrtPrice: sqrtPrice, tickCurrentIndex: tickCurrentIndex, liquidity: liquidity, tickSpacing: tickSpacing,
            feeRate: feeRate, protocolFeeRate: protocolFeeRate, feeGrowthGlobalA: feeGrowthGlobalA,
            feeGrowthGlobalB: feeGrowthGlobalB)
    }
}

/// An Orca Whirlpool as a `Venue`: the pool account, its two vaults and mints, and the tick arrays around the
/// current price (both directions).
public struct WhirlpoolVenue: Venue {
    public static let kind = VenueKind.orcaWhirlpool
    public static let programId = WhirlpoolLayout.programId

    public let address: Address
    public private(set) var state: WhirlpoolState
    public var mintA: Address { state.tokenMintA }
    public var mintB: Address { state.tokenMintB }

    public private(set) var vaultA: VaultAccount?
    public private(set) var vaultB: VaultAccount?
    public private(set) var mintAccountA: MintAccount?
    public private(set) var mintAccountB: MintAccount?
    /// Loaded tick arrays by start index; a known-uninitialized array is stored zeroed.
    public private(set) var tickArrays: [Int32: WhirlpoolTickArray] = [:]
    /// Current epoch (from the Clock sysvar) when a mint's transfer fee changes schedule.
    public private(set) var epoch: UInt64?
    /// Cluster time (Clock sysvar), needed by adaptive-fee pools.
    public private(set) var unixTimestamp: Int64?
    /// The adaptive-fee oracle (adaptive-fee pools only).
    public private(set) var oracle: WhirlpoolOracle?

    public var oracleAddress: Address { WhirlpoolLayout.oracleAddress(whirlpool: address) }

    public init(pool: AccountData) throws(VenueError) {
        try pool.expectOwner(Self.programId, "Whirlpool")
        address = pool.address
        state = try WhirlpoolState(data: pool.data, address: pool.address)
    }

    /// Tick-array start indexes a quote in either direction may need (the program's 3-array sequences).
    public var neighbourhoodStarts: [Int32] {
        var starts: [Int32] = []
        for d in [true, false] {
            for s in WhirlpoolMath.swapTickArrayStarts(
                tickCurrentIndex: state.tickCurrentIndex, tickSpacing: state.tickSpacing, aToB: d)
            where !starts.contains(s) {
                starts.append(s)
            }
        }
        return starts
    }

    public func tickArrayAddress(_ start: Int32) -> Address {
        WhirlpoolLayout.tickArrayAddress(whirlpool: address, startTickIndex: start)
    }

    public var needsClock: Bool {
        [mintAccountA, mintAccountB].contains { m in
            guard let cfg = m?.transferFeeConfig else { return false }
            return cfg.olderTransferFee != cfg.newerTransferFee
        }
    }

    public func accountsToUpdate() -> [Address] {
        var out = [address, state.tokenVaultA, state.tokenVaultB, state.tokenMintA, state.tokenMintB]
        out += neighbourhoodStarts.map(tickArrayAddress)
        if state.isAdaptiveFee { out.append(oracleAddress) }
        if needsClock || state.isAdaptiveFee { out.append(SysvarIDs.clock) }
        return out
    }

    public mutating func update(from accounts: some AccountSource) throws(VenueError) {
        let pool = try accounts.require(address, "Whirlpool")
        try pool.expectOwner(Self.programId, "Whirlpool")
        state = try WhirlpoolState(data: pool.data, address: address)
        let va = try VaultAccount(try accounts.require(state.tokenVaultA, "vault A"))
        let vb = try VaultAccount(try accounts.require(state.tokenVaultB, "vault B"))
        guard va.mint == state.tokenMintA, vb.mint == state.tokenMintB else {
            throw VenueError(.invalidState, "Whirlpool \(address): vault mints do not match the pool")
        }
        vaultA = va
        vaultB = vb
        if let m = accounts.account(state.tokenMintA) { mintAccountA = try MintAccount(m) }
        if let m = accounts.account(state.tokenMintB) { mintAccountB = try MintAccount(m) }
        if let c = accounts.account(SysvarIDs.clock) {
            epoch = try clockEpoch(c)
            unixTimestamp = try clockUnixTimestamp(c)
        }
        if state.isAdaptiveFee {
            let o = try WhirlpoolOracle(try accounts.require(oracleAddress, "Whirlpool oracle"))
            guard o.whirlpool == address else {
                throw VenueError(.invalidState, "oracle \(oracleAddress) belongs to \(o.whirlpool)")
            }
            oracle = o
        }
        var arrays: [Int32: WhirlpoolTickArray] = [:]
        for start in neighbourhoodStarts {
            let key = tickArrayAddress(start)
            guard let acc = accounts.account(key) else { continue }
            if acc.isEmptySystemAccount {
                arrays[start] = .zeroed(startTickIndex: start)
                continue
            }
            let ta = try WhirlpoolLayout.decodeTickArray(acc, whirlpool: address)
            guard ta.startTickIndex == start else {
                throw VenueError(.invalidState, "tick array \(key) starts at \(ta.startTickIndex), expected \(start)")
            }
            arrays[start] = ta
        }
        tickArrays = arrays
    }

    /// Adds tick arrays decoded elsewhere (e.g. a dump folder holding arrays beyond the default neighbourhood).
    public mutating func insertTickArray(_ account: AccountData) throws(VenueError) {
        let ta = try WhirlpoolLayout.decodeTickArray(account, whirlpool: address)
        tickArrays[ta.startTickIndex] = ta
    }
}
