import ArbMath
import SolanaPrimitives

/// A mint's program, decimals and Token-2022 extension list (diagnostics and the fuzz target; the venues take
/// fee schedules from `MintAccount`).
/// Layout: solana-program/token-2022 interface/src/extension — base mint (82 B) padded to 165, AccountType u8 at
/// 165 (1 = Mint), then TLV entries (type u16 LE, length u16 LE, value) from 166; TransferFeeConfig = type 1.
public struct MintInfo: Sendable, Hashable {
    public var address: Address
    public var owner: Address
    public var decimals: UInt8
    /// Token-2022 TransferFeeConfig present (any rate, even 0 bps: the rate can be raised by its authority).
    public var hasTransferFee: Bool
    /// Other extension type ids found (for diagnostics).
    public var extensionTypes: [UInt16]

    static let baseLength = 82
    static let accountTypeOffset = 165
    static let transferFeeConfigType: UInt16 = 1

    public init(account: AccountData) throws(VenueError) {
        let d = account.data
        guard account.owner == VenueProgramIDs.token || account.owner == VenueProgramIDs.token2022 else {
            throw VenueError(.wrongOwner, "mint \(account.address) owned by \(account.owner), not a token program")
        }
        guard d.count >= Self.baseLength else {
            throw VenueError(.truncated, "mint \(account.address) has \(d.count) bytes, need 82")
        }
        guard d[45] == 1 else { throw VenueError(.invalidState, "mint \(account.address) is not initialized") }
        address = account.address
        owner = account.owner
        decimals = d[44]
        var types: [UInt16] = []
        if account.owner == VenueProgramIDs.token2022 && d.count > Self.baseLength {
            guard d.count > Self.accountTypeOffset, d[Self.baseLength..<Self.accountTypeOffset].allSatisfy({ $0 == 0 })
            else {
                throw VenueError(
                    .wrongSize, "Token-2022 mint \(account.address) has \(d.count) bytes: bad extension padding")
            }
            guard d[Self.accountTypeOffset] == 1 else {
                throw VenueError(
                    .invalidState,
                    "Token-2022 mint \(account.address): account type \(d[Self.accountTypeOffset]) is not Mint")
            }
            var off = Self.accountTypeOffset + 1
            while off + 4 <= d.count {
                let type = UInt16(d[off]) | UInt16(d[off + 1]) << 8
                let len = Int(UInt16(d[off + 2]) | UInt16(d[off + 3]) << 8)
                if type == 0 { break }  // Uninitialized: rest is zero padding
                guard off + 4 + len <= d.count else {
                    throw VenueError(
                        .truncated, "Token-2022 mint \(account.address): TLV entry \(type) overruns the account")
                }
                types.append(type)
                off += 4 + len
            }
        }
        extensionTypes = types
        hasTransferFee = types.contains(Self.transferFeeConfigType)
    }

}

/// An SPL Token / Token-2022 token account's mint, owner and amount (offsets identical in both programs).
public struct TokenAccountInfo: Sendable, Hashable {
    public var mint: Address
    public var owner: Address
    public var amount: UInt64

    public init(account: AccountData) throws(VenueError) {
        guard account.owner == VenueProgramIDs.token || account.owner == VenueProgramIDs.token2022 else {
            throw VenueError(.wrongOwner, "token account \(account.address) owned by \(account.owner)")
        }
        try self.init(data: account.data, address: account.address)
    }

    /// From raw bytes (dumps without an owner field).
    public init(data d: [UInt8], address: Address) throws(VenueError) {
        guard d.count >= 165 else {
            throw VenueError(.truncated, "token account \(address) has \(d.count) bytes, need 165")
        }
        guard d[108] == 1 || d[108] == 2 else {
            throw VenueError(.invalidState, "token account \(address) state \(d[108]) is not initialized")
        }
        let r = VenueBytes(d)
        mint = r.address(0)
        owner = r.address(32)
        amount = r.u64(64)
    }
}

/// Fixed-offset reads over bytes whose length the caller has already checked.
struct VenueBytes {
    let d: [UInt8]
    init(_ d: [UInt8]) { self.d = d }

    func u8(_ o: Int) -> UInt8 { d[o] }
    func u16(_ o: Int) -> UInt16 { UInt16(d[o]) | UInt16(d[o + 1]) << 8 }
    func u32(_ o: Int) -> UInt32 {
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(d[o + i]) << (8 * UInt32(i)) }
        return v
    }
    func i32(_ o: Int) -> Int32 { Int32(bitPattern: u32(o)) }
    func u64(_ o: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(d[o + i]) << (8 * UInt64(i)) }
        return v
    }
    func i64(_ o: Int) -> Int64 { Int64(bitPattern: u64(o)) }
    func u128(_ o: Int) -> UInt128 { UInt128(u64(o)) | UInt128(u64(o + 8)) << 64 }
    func address(_ o: Int) -> Address {
        // 32 bytes are always available after the caller's size check; Address(bytes:) only fails on length.
        guard let a = try? Address(bytes: d[o..<o + 32]) else { preconditionFailure("address read out of bounds") }
        return a
    }
    func bytes(_ o: Int, _ n: Int) -> [UInt8] { Array(d[o..<o + n]) }
}

/// Program ids the venues use (the same values as `SolanaPrimitives.ProgramIDs` / `SysvarIDs`).
public enum VenueProgramIDs {
    public static let token: Address = ProgramIDs.token
    public static let token2022: Address = ProgramIDs.token2022
    public static let memo: Address = ProgramIDs.memo
    public static let clockSysvar: Address = SysvarIDs.clock
}

/// Token-2022 transfer-fee helpers shared by CPMM and DLMM, following their programs / SDK exactly.
enum VenueTransferFee {
    /// The fee schedule of a side: none for SPL Token (or an unloaded plain mint), else the mint's fee at `epoch`.
    /// Mints with a transfer hook are refused (their extra accounts are not built).
    static func fee(
        _ mint: MintAccount?, tokenProgram: Address, epoch: UInt64?, venue: @autoclosure () -> String
    ) throws(VenueError)
        -> TransferFee
    {
        guard tokenProgram == VenueProgramIDs.token2022 else { return .none }
        guard let mint else {
            throw VenueError(.missingAccount, "\(venue()): Token-2022 mint not loaded (call update)")
        }
        if mint.hasTransferHook {
            throw VenueError(.unsupported, "\(venue()): mint \(mint.address) has a transfer hook")
        }
        return try mint.transferFee(epoch: epoch)
    }

    /// What arrives when `gross` is sent (`calculate_transfer_fee_excluded_amount`).
    static func excluded(_ fee: TransferFee, _ gross: UInt64) throws(VenueError) -> UInt64 {
        guard let net = fee.calculatePostFeeAmount(gross) else {
            throw VenueError(.mathOverflow, "transfer fee on \(gross)")
        }
        return net
    }

    /// What must be sent for `net` to arrive: net + (bps = 100% ? maximum_fee : inverse fee), with the
    /// consistency check raydium-cp-swap's `get_transfer_inverse_fee` makes (`TransferFeeCalculateNotMatch`).
    static func included(_ fee: TransferFee, _ net: UInt64) throws(VenueError) -> UInt64 {
        if net == 0 || fee.basisPoints == 0 { return net }
        let extra: UInt64
        if UInt64(fee.basisPoints) == TransferFee.oneInBasisPoints {
            extra = fee.maximumFee
        } else {
            guard let inverse = fee.calculateInverseFee(net) else {
                throw VenueError(.mathOverflow, "transfer fee gross-up of \(net)")
            }
            let (gross, o) = net.addingReportingOverflow(inverse)
            guard !o, fee.calculateFee(gross) == inverse else {
                throw VenueError(.mathOverflow, "transfer fee gross-up of \(net) does not round-trip")
            }
            extra = inverse
        }
        let (gross, o) = net.addingReportingOverflow(extra)
        guard !o else { throw VenueError(.mathOverflow, "transfer fee gross-up of \(net)") }
        return gross
    }
}
