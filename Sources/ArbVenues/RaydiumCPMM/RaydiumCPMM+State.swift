import ArbMath
import SolanaPrimitives

/// A Raydium CPMM pool: `PoolState`, its `AmmConfig`, vault balances and (Token-2022) mint extensions.
public struct RaydiumCPMMPool: Venue {
    public static let kind = VenueKind.raydiumCpmm
    public static let programId = RaydiumCPMMLayout.programId

    public let address: Address
    public var ammConfig: Address
    public var token0Vault: Address
    public var token1Vault: Address
    public var token0Mint: Address
    public var token1Mint: Address
    public var token0Program: Address
    public var token1Program: Address
    public var observationKey: Address
    public var authority: Address
    public var status: UInt8
    public var mint0Decimals: UInt8
    public var mint1Decimals: UInt8
    public var protocolFees: (token0: UInt64, token1: UInt64)
    public var fundFees: (token0: UInt64, token1: UInt64)
    public var creatorFees: (token0: UInt64, token1: UInt64)
    public var openTime: UInt64
    /// 0 both tokens, 1 only token0, 2 only token1 (`CreatorFeeOn`).
    public var creatorFeeOn: UInt8
    public var enableCreatorFee: Bool

    public var config: RaydiumCPMMConfig?
    public var vault0Amount: UInt64?
    public var vault1Amount: UInt64?
    public var mint0: MintAccount?
    public var mint1: MintAccount?
    public var clock: ClockSysvar?

    public var mintA: Address { token0Mint }
    public var mintB: Address { token1Mint }

    public init(pool: AccountData) throws(VenueError) {
        typealias L = RaydiumCPMMLayout
        guard pool.owner == Self.programId else {
            throw VenueError(.wrongOwner, "CPMM pool \(pool.address) owned by \(pool.owner)")
        }
        try self.init(address: pool.address, data: pool.data)
    }

    public init(address: Address, data d: [UInt8]) throws(VenueError) {
        typealias L = RaydiumCPMMLayout
        guard d.count >= 8, Array(d[0..<8]) == L.poolDiscriminator else {
            throw VenueError(.wrongDiscriminator, "CPMM pool \(address): not a PoolState")
        }
        guard d.count == L.poolSize else {
            throw VenueError(
                d.count < L.poolSize ? .truncated : .wrongSize,
                "CPMM pool \(address): \(d.count) bytes, expected \(L.poolSize)")
        }
        let r = VenueBytes(d)
        self.address = address
        ammConfig = r.address(L.ammConfig)
        token0Vault = r.address(L.token0Vault)
        token1Vault = r.address(L.token1Vault)
        token0Mint = r.address(L.token0Mint)
        token1Mint = r.address(L.token1Mint)
        token0Program = r.address(L.token0Program)
        token1Program = r.address(L.token1Program)
        observationKey = r.address(L.observationKey)
        status = r.u8(L.status)
        mint0Decimals = r.u8(L.mint0Decimals)
        mint1Decimals = r.u8(L.mint1Decimals)
        protocolFees = (r.u64(L.protocolFeesToken0), r.u64(L.protocolFeesToken1))
        fundFees = (r.u64(L.fundFeesToken0), r.u64(L.fundFeesToken1))
        creatorFees = (r.u64(L.creatorFeesToken0), r.u64(L.creatorFeesToken1))
        openTime = r.u64(L.openTime)
        creatorFeeOn = r.u8(L.creatorFeeOn)
        enableCreatorFee = r.u8(L.enableCreatorFee) != 0
        guard creatorFeeOn <= 2 else {
            throw VenueError(.invalidState, "CPMM pool \(address): creator_fee_on \(creatorFeeOn)")
        }
        for p in [token0Program, token1Program] where p != VenueProgramIDs.token && p != VenueProgramIDs.token2022 {
            throw VenueError(
                .invalidState, "CPMM pool \(address): token program \(p) is neither SPL Token nor Token-2022")
        }
        // The program derives the authority with find_program_address([AUTH_SEED]) (bump stored as auth_bump).
        guard let auth = VenuePDA.create(seeds: [L.authoritySeed, [r.u8(L.authBump)]], program: Self.programId) else {
            throw VenueError(.invalidState, "CPMM pool \(address): auth_bump gives no PDA")
        }
        authority = auth
    }

    public func accountsToUpdate() -> [Address] {
        var a = [address, ammConfig, token0Vault, token1Vault, VenueProgramIDs.clockSysvar]
        if token0Program == VenueProgramIDs.token2022 { a.append(token0Mint) }
        if token1Program == VenueProgramIDs.token2022 { a.append(token1Mint) }
        return a
    }

    public mutating func update(from accounts: some AccountSource) throws(VenueError) {
        var fresh = try RaydiumCPMMPool(pool: accounts.require(address, "CPMM pool"))
        let cfg = try RaydiumCPMMConfig(account: accounts.require(fresh.ammConfig, "CPMM amm config"))
        let v0 = try TokenAccountInfo(account: accounts.require(fresh.token0Vault, "token0 vault"))
        let v1 = try TokenAccountInfo(account: accounts.require(fresh.token1Vault, "token1 vault"))
        guard v0.mint == fresh.token0Mint, v1.mint == fresh.token1Mint else {
            throw VenueError(.invalidState, "CPMM pool \(address): vault mints do not match the pool")
        }
        fresh.config = cfg
        fresh.vault0Amount = v0.amount
        fresh.vault1Amount = v1.amount
        if fresh.token0Program == VenueProgramIDs.token2022 {
            fresh.mint0 = try MintAccount(accounts.require(fresh.token0Mint, "token0 mint"))
        }
        if fresh.token1Program == VenueProgramIDs.token2022 {
            fresh.mint1 = try MintAccount(accounts.require(fresh.token1Mint, "token1 mint"))
        }
        fresh.clock = try ClockSysvar.optional(from: accounts) ?? clock
        self = fresh
    }
}
