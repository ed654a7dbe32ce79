import ArbMath
import SolanaPrimitives

/// A Raydium AMM v4 pool: decoded `AmmInfo`, vault balances and (for the tag-9 swap) its OpenBook market.
public struct RaydiumAMMv4Pool: Venue {
    public static let kind = VenueKind.raydiumAmmV4
    public static let programId = RaydiumAMMv4Layout.programId

    /// Which swap instruction to build: deployments differ in which they accept.
    public enum SwapForm: Sendable, Hashable {
        /// `SwapBaseInV2`/`SwapBaseOutV2` (tags 16/17): 8 accounts, no market accounts.
        case v2
        /// Classic `SwapBaseIn`/`SwapBaseOut` (tags 9/11): 18 accounts incl. target orders and the market's.
        case legacy
    }

    public let address: Address
    public var status: UInt64
    public var nonce: UInt64
    public var coinDecimals: UInt64
    public var pcDecimals: UInt64
    public var fees: RaydiumAMMv4Math.Fees
    public var needTakePnlCoin: UInt64
    public var needTakePnlPc: UInt64
    public var poolOpenTime: UInt64
    public var coinVault: Address
    public var pcVault: Address
    public var coinMint: Address
    public var pcMint: Address
    public var lpMint: Address
    public var openOrders: Address
    public var market: Address
    public var marketProgram: Address
    public var targetOrders: Address
    public var authority: Address

    /// Vault balances from the last `update` (nil before).
    public var coinVaultAmount: UInt64?
    public var pcVaultAmount: UInt64?
    /// Decoded market, required only for `.legacy` swaps.
    public var marketState: SerumMarket?

    public var swapForm: SwapForm
    public var ceilDivVersion: RaydiumAMMv4Math.CeilDivVersion = .plain

    public var mintA: Address { coinMint }
    public var mintB: Address { pcMint }

    public init(pool: AccountData) throws(VenueError) {
        try self.init(pool: pool, swapForm: .v2)
    }

    public init(pool: AccountData, swapForm: SwapForm) throws(VenueError) {
        guard pool.owner == Self.programId else {
            throw VenueError(.wrongOwner, "AMM v4 pool \(pool.address) owned by \(pool.owner)")
        }
        try self.init(address: pool.address, data: pool.data, swapForm: swapForm)
    }

    /// Decodes raw `AmmInfo` bytes (for dumps that carry no owner).
    public init(address: Address, data d: [UInt8], swapForm: SwapForm = .v2) throws(VenueError) {
        typealias L = RaydiumAMMv4Layout
        guard d.count == L.size else {
            throw VenueError(
                d.count < L.size ? .truncated : .wrongSize,
                "AMM v4 pool \(address): \(d.count) bytes, expected \(L.size)")
        }
        let r = VenueBytes(d)
        self.address = address
        status = r.u64(L.status)
        nonce = r.u64(L.nonce)
        coinDecimals = r.u64(L.coinDecimals)
        pcDecimals = r.u64(L.pcDecimals)
        fees = .init(numerator: r.u64(L.swapFeeNumerator), denominator: r.u64(L.swapFeeDenominator))
        needTakePnlCoin = r.u64(L.needTakePnlCoin)
        needTakePnlPc = r.u64(L.needTakePnlPc)
        poolOpenTime = r.u64(L.poolOpenTime)
        coinVault = r.address(L.coinVault)
        pcVault = r.address(L.pcVault)
        coinMint = r.address(L.coinVaultMint)
        pcMint = r.address(L.pcVaultMint)
        lpMint = r.address(L.lpMint)
        openOrders = r.address(L.openOrders)
        market = r.address(L.market)
        marketProgram = r.address(L.marketProgram)
        targetOrders = r.address(L.targetOrders)
        self.swapForm = swapForm
        guard status <= RaydiumAMMv4Layout.Status.waitingTrade.rawValue else {
            throw VenueError(.invalidState, "AMM v4 pool \(address): unknown status \(status)")
        }
        guard nonce <= 255,
            let auth = VenuePDA.create(seeds: [L.authoritySeed, [UInt8(nonce)]], program: Self.programId)
        else { throw VenueError(.invalidState, "AMM v4 pool \(address): nonce \(nonce) gives no authority PDA") }
        authority = auth
        guard fees.denominator > 0, fees.numerator < fees.denominator else {
            throw VenueError(.invalidState, "AMM v4 pool \(address): swap fee \(fees.numerator)/\(fees.denominator)")
        }
        guard coinMint != pcMint else {
            throw VenueError(.invalidState, "AMM v4 pool \(address): coin mint == pc mint")
        }
    }

    public func accountsToUpdate() -> [Address] {
        var a = [address, coinVault, pcVault]
        if swapForm == .legacy { a.append(market) }
        return a
    }

    public mutating func update(from accounts: some AccountSource) throws(VenueError) {
        let poolAccount = try accounts.require(address, "AMM v4 pool")
        var fresh = try RaydiumAMMv4Pool(pool: poolAccount, swapForm: swapForm)
        fresh.ceilDivVersion = ceilDivVersion
        let coin = try TokenAccountInfo(account: accounts.require(fresh.coinVault, "coin vault"))
        let pc = try TokenAccountInfo(account: accounts.require(fresh.pcVault, "pc vault"))
        // raydium-amm unpacks vaults with the SPL Token program only (Token-2022 rejected).
        guard accounts.account(fresh.coinVault)?.owner == VenueProgramIDs.token,
            accounts.account(fresh.pcVault)?.owner == VenueProgramIDs.token
        else { throw VenueError(.unsupported, "AMM v4 pool \(address): vaults must be SPL Token accounts") }
        guard coin.mint == fresh.coinMint, pc.mint == fresh.pcMint else {
            throw VenueError(.invalidState, "AMM v4 pool \(address): vault mints do not match the pool")
        }
        fresh.coinVaultAmount = coin.amount
        fresh.pcVaultAmount = pc.amount
        if swapForm == .legacy {
            let m = try accounts.require(fresh.market, "OpenBook market")
            guard m.owner == fresh.marketProgram else {
                throw VenueError(
                    .wrongOwner, "market \(m.address) owned by \(m.owner), pool says \(fresh.marketProgram)")
            }
            fresh.marketState = try SerumMarket(account: m)
        }
        self = fresh
    }
}
