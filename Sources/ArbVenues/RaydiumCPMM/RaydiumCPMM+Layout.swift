import SolanaPrimitives

/// Raydium CPMM (raydium-cp-swap @609780f1) account layouts. `PoolState` is 637 bytes incl. the Anchor
/// discriminator (`#[repr(C, packed)]`, test `pool_state_size_test`); `AmmConfig` is 236 bytes (Borsh).
/// CLMM shares both discriminators: owner + size tell them apart.
public enum RaydiumCPMMLayout {
    public static let programId: Address = Address("CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C")
    public static let poolSize = 637
    public static let configSize = 236
    /// sha256("account:PoolState")[0..8]
    public static let poolDiscriminator: [UInt8] = [247, 237, 227, 245, 215, 195, 222, 70]
    /// sha256("account:AmmConfig")[0..8]
    public static let configDiscriminator: [UInt8] = [218, 244, 33, 104, 203, 203, 43, 111]
    /// sha256("global:swap_base_input")[0..8], sha256("global:swap_base_output")[0..8]
    public static let swapBaseInputDiscriminator: [UInt8] = [143, 190, 90, 218, 196, 30, 51, 222]
    public static let swapBaseOutputDiscriminator: [UInt8] = [55, 217, 98, 86, 163, 74, 180, 173]
    /// `AUTH_SEED`
    public static let authoritySeed = Array("vault_and_lp_mint_auth_seed".utf8)

    // PoolState
    public static let ammConfig = 8
    public static let poolCreator = 40
    public static let token0Vault = 72
    public static let token1Vault = 104
    public static let lpMint = 136
    public static let token0Mint = 168
    public static let token1Mint = 200
    public static let token0Program = 232
    public static let token1Program = 264
    public static let observationKey = 296
    public static let authBump = 328
    public static let status = 329
    public static let lpMintDecimals = 330
    public static let mint0Decimals = 331
    public static let mint1Decimals = 332
    public static let lpSupply = 333
    public static let protocolFeesToken0 = 341
    public static let protocolFeesToken1 = 349
    public static let fundFeesToken0 = 357
    public static let fundFeesToken1 = 365
    public static let openTime = 373
    public static let recentEpoch = 381
    public static let creatorFeeOn = 389
    public static let enableCreatorFee = 390
    public static let creatorFeesToken0 = 397
    public static let creatorFeesToken1 = 405

    // AmmConfig
    public static let configTradeFeeRate = 12
    public static let configProtocolFeeRate = 20
    public static let configFundFeeRate = 28
    public static let configCreatorFeeRate = 108

    /// `PoolStatusBitIndex::Swap`: bit set = swaps disabled.
    public static let swapDisabledBit: UInt8 = 1 << 2
}

/// CPMM `AmmConfig`: fee rates in 1e-6 units.
public struct RaydiumCPMMConfig: Sendable, Hashable {
    public var address: Address
    public var tradeFeeRate: UInt64
    public var protocolFeeRate: UInt64
    public var fundFeeRate: UInt64
    public var creatorFeeRate: UInt64

    public init(account: AccountData) throws(VenueError) {
        typealias L = RaydiumCPMMLayout
        guard account.owner == L.programId else {
            throw VenueError(.wrongOwner, "CPMM config \(account.address) owned by \(account.owner)")
        }
        let d = account.data
        guard d.count >= 8, Array(d[0..<8]) == L.configDiscriminator else {
            throw VenueError(.wrongDiscriminator, "CPMM config \(account.address): not an AmmConfig")
        }
        guard d.count == L.configSize else {
            throw VenueError(.wrongSize, "CPMM config \(account.address): \(d.count) bytes, expected \(L.configSize)")
        }
        let r = VenueBytes(d)
        address = account.address
        tradeFeeRate = r.u64(L.configTradeFeeRate)
        protocolFeeRate = r.u64(L.configProtocolFeeRate)
        fundFeeRate = r.u64(L.configFundFeeRate)
        creatorFeeRate = r.u64(L.configCreatorFeeRate)
        guard tradeFeeRate < 1_000_000, creatorFeeRate < 1_000_000, tradeFeeRate + creatorFeeRate < 1_000_000,
            protocolFeeRate <= 1_000_000, fundFeeRate <= 1_000_000
        else {
            throw VenueError(.invalidState, "CPMM config \(account.address): fee rates out of range")
        }
    }
}
