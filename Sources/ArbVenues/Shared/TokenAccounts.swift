import ArbMath
import SolanaPrimitives

/// An SPL Token / Token-2022 token account, as far as a pool vault matters: mint, owner, amount.
public struct VaultAccount: Hashable, Sendable {
    public var mint: Address
    public var owner: Address
    public var amount: UInt64
    /// The token program owning the account (SPL Token or Token-2022), hence the mint's program too.
    public var tokenProgram: Address
    public var delegate: Address?
    /// 0 uninitialized, 1 initialized, 2 frozen.
    public var state: UInt8
    /// Rent-exempt reserve of a native (wSOL) account.
    public var isNative: UInt64?
    public var delegatedAmount: UInt64
    public var closeAuthority: Address?
    /// Token-2022 extension bytes after the account-type byte (empty for SPL Token accounts).
    public var tlv: ArraySlice<UInt8>

    /// Decodes a token account (165-byte base layout; Token-2022 may append extensions).
    public init(_ account: AccountData) throws(VenueError) {
        guard account.owner == ProgramIDs.token || account.owner == ProgramIDs.token2022 else {
            throw VenueError(.wrongOwner, "token account \(account.address) is owned by \(account.owner)")
        }
        let b = AccountBytes(account.data, "token account \(account.address)")
        guard account.data.count >= 165 else {
            throw VenueError(
                .wrongSize, "token account \(account.address) has \(account.data.count) bytes, expected >= 165")
        }
        if account.owner == ProgramIDs.token && account.data.count != 165 {
            throw VenueError(
                .wrongSize, "SPL token account \(account.address) has \(account.data.count) bytes, expected 165")
        }
        tokenProgram = account.owner
        mint = try b.address(0)
        owner = try b.address(32)
        amount = try b.u64(64)
        delegate = try cOptionAddress(b, 72)
        state = try b.u8(108)
        isNative = try cOptionU64(b, 109)
        delegatedAmount = try b.u64(121)
        closeAuthority = try cOptionAddress(b, 129)
        tlv = account.data.count > 166 ? account.data[166...] : []
        guard state != 0 else {
            throw VenueError(.invalidState, "token account \(account.address) is uninitialized")
        }
    }
}

/// A mint, as far as swapping matters: decimals, owning token program, and the Token-2022 extensions that change
/// what a transfer delivers (transfer fee) or needs (transfer hook).
public struct MintAccount: Hashable, Sendable {
    public var address: Address
    public var tokenProgram: Address
    public var mintAuthority: Address?
    public var supply: UInt64
    public var decimals: UInt8
    public var freezeAuthority: Address?
    /// Token-2022 extension bytes after the account-type byte (empty for SPL Token mints).
    public var tlv: ArraySlice<UInt8>
    public var transferFeeConfig: TransferFeeConfig?
    /// A transfer-hook program is set: swaps need its extra accounts (not supported; such pools are refused).
    public var hasTransferHook: Bool

    public init(_ account: AccountData) throws(VenueError) {
        guard account.owner == ProgramIDs.token || account.owner == ProgramIDs.token2022 else {
            throw VenueError(.wrongOwner, "mint \(account.address) is owned by \(account.owner)")
        }
        let b = AccountBytes(account.data, "mint \(account.address)")
        guard account.data.count >= 82 else {
            throw VenueError(.wrongSize, "mint \(account.address) has \(account.data.count) bytes, expected >= 82")
        }
        address = account.address
        tokenProgram = account.owner
        mintAuthority = try cOptionAddress(b, 0)
        supply = try b.u64(36)
        decimals = try b.u8(44)
        freezeAuthority = try cOptionAddress(b, 46)
        tlv = account.data.count > 166 ? account.data[166...] : []
        guard try b.bool(45) else { throw VenueError(.invalidState, "mint \(account.address) is uninitialized") }
        transferFeeConfig = nil
        hasTransferHook = false
        guard account.owner == ProgramIDs.token2022, account.data.count > 165 else { return }
        // Token-2022: AccountType at 165 (1 = Mint), then TLV entries (type u16, length u16, value).
        guard try b.u8(165) == 1 else {
            throw VenueError(.invalidState, "Token-2022 mint \(account.address) has account type \(try b.u8(165))")
        }
        var o = 166
        while o + 4 <= account.data.count {
            let type = try b.u16(o)
            let length = Int(try b.u16(o + 2))
            let value = o + 4
            try b.check(value, length)
            switch type {
            case 0:
                // Uninitialized padding: the rest of the TLV area is empty.
                o = account.data.count
                continue
            case 1:
                guard length >= 108 else {
                    throw VenueError(.wrongSize, "TransferFeeConfig of \(account.address) has \(length) bytes")
                }
                func fee(_ at: Int) throws(VenueError) -> TransferFee {
                    TransferFee(epoch: try b.u64(at), maximumFee: try b.u64(at + 8), basisPoints: try b.u16(at + 16))
                }
                transferFeeConfig = TransferFeeConfig(
                    olderTransferFee: try fee(value + 72), newerTransferFee: try fee(value + 90),
                    withheldAmount: try b.u64(value + 64))
            case 14:
                // TransferHook { authority: 32, program_id: 32 }: a non-zero program means a hook runs.
                if length >= 64 { hasTransferHook = try b.bytes(value + 32, 32).contains { $0 != 0 } }
            default:
                break
            }
            o = value + length
        }
    }

    /// The transfer fee in force at `epoch`; `.none` for mints without the extension. Throws when the two
    /// schedules differ and the epoch is unknown (quoting then would be a guess).
    public func transferFee(epoch: UInt64?) throws(VenueError) -> TransferFee {
        guard let cfg = transferFeeConfig else { return .none }
        if cfg.olderTransferFee.basisPoints == cfg.newerTransferFee.basisPoints
            && cfg.olderTransferFee.maximumFee == cfg.newerTransferFee.maximumFee
        {
            return cfg.newerTransferFee
        }
        guard let epoch else {
            throw VenueError(
                .transferFeeUnsupported,
                "mint \(address) changes its transfer fee at epoch \(cfg.newerTransferFee.epoch); supply the Clock sysvar"
            )
        }
        return cfg.fee(atEpoch: epoch)
    }
}

/// The Clock sysvar's epoch (offset 16 of `SysvarC1ock…`), for choosing a Token-2022 fee schedule.
public func clockEpoch(_ account: AccountData) throws(VenueError) -> UInt64 {
    guard account.address == SysvarIDs.clock else {
        throw VenueError(.invalidState, "\(account.address) is not the Clock sysvar")
    }
    return try AccountBytes(account.data, "Clock sysvar").u64(16)
}

/// The Clock sysvar's `unix_timestamp` (offset 32).
public func clockUnixTimestamp(_ account: AccountData) throws(VenueError) -> Int64 {
    guard account.address == SysvarIDs.clock else {
        throw VenueError(.invalidState, "\(account.address) is not the Clock sysvar")
    }
    return try AccountBytes(account.data, "Clock sysvar").i64(32)
}

/// Token-2022 transfer-fee accounting around a pool swap: what the pool receives from a gross user input, and
/// what the user receives from the pool's gross output (the program transfers the gross amount; the fee is
/// withheld in the destination).
public struct TransferFees: Hashable, Sendable {
    public var input: TransferFee
    public var output: TransferFee

    public init(input: TransferFee, output: TransferFee) {
        self.input = input
        self.output = output
    }

    public static let none = TransferFees(input: .none, output: .none)

    public var isZero: Bool { input.isZero && output.isZero }

    func excluded(_ fee: TransferFee, _ gross: UInt64) throws(VenueError) -> UInt64 {
        guard let net = fee.calculatePostFeeAmount(gross) else {
            throw VenueError(.mathOverflow, "transfer fee on \(gross)")
        }
        return net
    }

    func included(_ fee: TransferFee, _ net: UInt64) throws(VenueError) -> UInt64 {
        guard let gross = fee.includedAmount(forExcluded: net) else {
            throw VenueError(.mathOverflow, "transfer fee gross-up of \(net) fails (TransferFeeCalculationError)")
        }
        return gross
    }
}

/// Transfer fees for a swap from `input` to `output` mint. A classic SPL Token vault proves there is no fee;
/// a Token-2022 vault needs the mint account (else `missingAccount`), and a mint with a transfer hook is refused.
func swapTransferFees(
    inputVault: VaultAccount, inputMint: MintAccount?, outputVault: VaultAccount, outputMint: MintAccount?,
    epoch: UInt64?
) throws(VenueError) -> TransferFees {
    func fee(_ vault: VaultAccount, _ mint: MintAccount?) throws(VenueError) -> TransferFee {
        if vault.tokenProgram == ProgramIDs.token { return .none }
        guard let mint else {
            throw VenueError(.missingAccount, "Token-2022 mint \(vault.mint) needed for its transfer fee")
        }
        if mint.hasTransferHook {
            throw VenueError(.unsupported, "mint \(mint.address) has a transfer hook")
        }
        return try mint.transferFee(epoch: epoch)
    }
    return TransferFees(input: try fee(inputVault, inputMint), output: try fee(outputVault, outputMint))
}

/// `COption<Pubkey>`: a u32 tag (exactly 0 or 1) then 32 bytes.
func cOptionAddress(_ b: AccountBytes, _ o: Int) throws(VenueError) -> Address? {
    switch try b.u32(o) {
    case 0: return nil
    case 1: return try b.address(o + 4)
    case let t: throw VenueError(.invalidState, "\(b.what): COption tag \(t) at \(o)")
    }
}

/// `COption<u64>`.
func cOptionU64(_ b: AccountBytes, _ o: Int) throws(VenueError) -> UInt64? {
    switch try b.u32(o) {
    case 0: return nil
    case 1: return try b.u64(o + 4)
    case let t: throw VenueError(.invalidState, "\(b.what): COption tag \(t) at \(o)")
    }
}
