import SolanaPrimitives

/// Raydium AMM v4 `AmmInfo`: 752 bytes, `#[repr(C, packed)]`, no discriminator (identified by owner + size).
/// Offsets from raydium-amm @27f461dd program/src/state.rs, asserted by its `test_amm_info_layout` (the
/// `amm_info_layout` group of fixtures/vectors/raydium-amm-v4.json is checked against these in the tests).
public enum RaydiumAMMv4Layout {
    public static let programId: Address = Address("675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8")
    public static let size = 752

    public static let status = 0
    public static let nonce = 8
    public static let coinDecimals = 32
    public static let pcDecimals = 40
    public static let swapFeeNumerator = 176
    public static let swapFeeDenominator = 184
    public static let needTakePnlCoin = 192
    public static let needTakePnlPc = 200
    public static let poolOpenTime = 224
    public static let coinVault = 336
    public static let pcVault = 368
    public static let coinVaultMint = 400
    public static let pcVaultMint = 432
    public static let lpMint = 464
    public static let openOrders = 496
    public static let market = 528
    public static let marketProgram = 560
    public static let targetOrders = 592
    public static let ammOwner = 688
    public static let lpAmount = 720

    /// Field name → (offset, size) for every field the venue reads, named as upstream's layout test names them.
    public static let fields: [String: (offset: Int, size: Int)] = [
        "status": (status, 8), "nonce": (nonce, 8), "coin_decimals": (coinDecimals, 8),
        "pc_decimals": (pcDecimals, 8), "fees.swap_fee_numerator": (swapFeeNumerator, 8),
        "fees.swap_fee_denominator": (swapFeeDenominator, 8), "state_data.need_take_pnl_coin": (needTakePnlCoin, 8),
        "state_data.need_take_pnl_pc": (needTakePnlPc, 8), "state_data.pool_open_time": (poolOpenTime, 8),
        "coin_vault": (coinVault, 32), "pc_vault": (pcVault, 32), "coin_vault_mint": (coinVaultMint, 32),
        "pc_vault_mint": (pcVaultMint, 32), "lp_mint": (lpMint, 32), "open_orders": (openOrders, 32),
        "market": (market, 32), "market_program": (marketProgram, 32), "target_orders": (targetOrders, 32),
        "amm_owner": (ammOwner, 32), "lp_amount": (lpAmount, 8),
    ]

    /// `AmmStatus` (state.rs).
    public enum Status: UInt64, Sendable {
        case uninitialized = 0
        case initialized
        case disabled
        case withdrawOnly
        case liquidityOnly
        case orderBookOnly
        case swapOnly
        case waitingTrade
    }

    /// Swap instruction tags (instruction.rs): 17-byte data = tag + two u64.
    public static let tagSwapBaseIn: UInt8 = 9
    public static let tagSwapBaseOut: UInt8 = 11
    public static let tagSwapBaseInV2: UInt8 = 16
    public static let tagSwapBaseOutV2: UInt8 = 17

    /// `AUTHORITY_AMM` seed of `create_program_address(["amm authority", [nonce]])`.
    public static let authoritySeed = Array("amm authority".utf8)
}

/// Serum / OpenBook v1 `MarketState` (v3 layout, 388 bytes: 5-byte "serum" head, 7-byte tail), the accounts the
/// tag-9 swap passes. Offsets per serum-dex `MarketState` as mirrored by Raydium's `MARKET_STATE_LAYOUT_V3`.
public struct SerumMarket: Sendable, Hashable {
    public static let size = 388
    public var address: Address
    public var program: Address
    public var vaultSignerNonce: UInt64
    public var baseVault: Address
    public var quoteVault: Address
    public var eventQueue: Address
    public var bids: Address
    public var asks: Address
    public var vaultSigner: Address

    public init(account: AccountData) throws(VenueError) {
        let d = account.data
        guard d.count == Self.size else {
            throw VenueError(.wrongSize, "market \(account.address): \(d.count) bytes, expected \(Self.size)")
        }
        guard Array(d[0..<5]) == Array("serum".utf8) else {
            throw VenueError(.wrongDiscriminator, "market \(account.address): no \"serum\" head padding")
        }
        let r = VenueBytes(d)
        address = account.address
        program = account.owner
        vaultSignerNonce = r.u64(45)
        baseVault = r.address(117)
        quoteVault = r.address(165)
        eventQueue = r.address(253)
        bids = r.address(285)
        asks = r.address(317)
        var nonce: [UInt8] = []
        withUnsafeBytes(of: vaultSignerNonce.littleEndian) { nonce.append(contentsOf: $0) }
        guard let signer = VenuePDA.create(seeds: [account.address.bytes, nonce], program: account.owner) else {
            throw VenueError(
                .invalidState, "market \(account.address): vault signer nonce \(vaultSignerNonce) gives no PDA")
        }
        vaultSigner = signer
    }
}
