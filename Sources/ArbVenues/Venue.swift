import SolanaPrimitives

/// The five DEX programs SolArb trades on.
public enum VenueKind: String, Sendable, Hashable, CaseIterable, Codable {
    case raydiumAmmV4
    case raydiumCpmm
    case raydiumClmm
    case orcaWhirlpool
    case meteoraDlmm
}

/// One account's bytes as the chain (or a dump file) delivers them.
public struct AccountData: Sendable, Hashable {
    public var address: Address
    public var owner: Address
    public var lamports: UInt64
    public var data: [UInt8]
    /// Slot at which these bytes were observed (0 when unknown, e.g. a dump file).
    public var slot: UInt64

    public init(address: Address, owner: Address, lamports: UInt64, data: [UInt8], slot: UInt64 = 0) {
        self.address = address
        self.owner = owner
        self.lamports = lamports
        self.data = data
        self.slot = slot
    }
}

/// Where a venue reads the accounts it depends on.
public protocol AccountSource {
    func account(_ address: Address) -> AccountData?
}

extension Dictionary: AccountSource where Key == Address, Value == AccountData {
    public func account(_ address: Address) -> AccountData? { self[address] }
}

/// Token A / token B as the pool names them: Whirlpool A/B, CLMM & CPMM token0/token1, AMM v4 coin/pc,
/// DLMM X/Y. `aToB` sells token A for token B.
public enum SwapDirection: Sendable, Hashable, CaseIterable {
    case aToB
    case bToA

    public var reversed: SwapDirection { self == .aToB ? .bToA : .aToB }
}

public struct QuoteRequest: Sendable, Hashable {
    public var amount: UInt64
    public var direction: SwapDirection
    /// true: `amount` is the exact input; false: `amount` is the exact output wanted.
    public var exactIn: Bool

    public init(amount: UInt64, direction: SwapDirection, exactIn: Bool = true) {
        self.amount = amount
        self.direction = direction
        self.exactIn = exactIn
    }
}

/// The result of a pure quote, exactly as the program would compute it.
public struct Quote: Sendable, Hashable {
    /// Input the program takes from the user (including fees, before any Token-2022 transfer fee).
    public var amountIn: UInt64
    /// Output the user receives.
    public var amountOut: UInt64
    /// Total fee charged, in the input token.
    public var fee: UInt64
    /// Ticks or bins crossed (0 for constant-product pools); a cost signal for compute estimates.
    public var crossings: Int

    public init(amountIn: UInt64, amountOut: UInt64, fee: UInt64, crossings: Int = 0) {
        self.amountIn = amountIn
        self.amountOut = amountOut
        self.fee = fee
        self.crossings = crossings
    }
}

/// What a swap instruction needs besides the pool: the user's accounts and the guarded amounts.
public struct SwapParams: Sendable, Hashable {
    public var direction: SwapDirection
    /// Exact input (exact-in) or maximum input (exact-out).
    public var amountIn: UInt64
    /// Minimum output (exact-in) or exact output (exact-out).
    public var amountOut: UInt64
    public var exactIn: Bool
    /// The signer that owns the user token accounts.
    public var owner: Address
    /// The user's token account for the input token.
    public var userSource: Address
    /// The user's token account for the output token.
    public var userDestination: Address

    public init(
        direction: SwapDirection, amountIn: UInt64, amountOut: UInt64, exactIn: Bool = true,
        owner: Address, userSource: Address, userDestination: Address
    ) {
        self.direction = direction
        self.amountIn = amountIn
        self.amountOut = amountOut
        self.exactIn = exactIn
        self.owner = owner
        self.userSource = userSource
        self.userDestination = userDestination
    }
}

/// A DEX pool as SolArb sees it: decoded from account bytes, quoted purely, turned into a swap instruction.
/// In the spirit of Jupiter's `Amm` interface: ask which accounts it needs, feed it their bytes, then quote.
public protocol Venue: Sendable {
    static var kind: VenueKind { get }
    /// The program that owns the pool account.
    static var programId: Address { get }

    /// The pool (state) account.
    var address: Address { get }
    var mintA: Address { get }
    var mintB: Address { get }

    /// Decodes a pool from its state account alone (discriminator, size and owner checked).
    init(pool: AccountData) throws(VenueError)

    /// Every account whose bytes the quote depends on right now (pool, vaults, config, tick/bin arrays…).
    /// May change after `update` (e.g. tick arrays follow the current price).
    func accountsToUpdate() -> [Address]

    /// Refreshes state from the accounts; a missing, wrong or truncated account is a typed error.
    mutating func update(from accounts: some AccountSource) throws(VenueError)

    /// Pure, exact quote: what the program would do with these bytes.
    func quote(_ request: QuoteRequest) throws(VenueError) -> Quote

    /// The swap instruction(s) with exact discriminator, arguments and ordered account metas.
    func swapInstructions(_ params: SwapParams) throws(VenueError) -> [Instruction]
}
