import SolanaPrimitives

/// `TokenError` codes returned as `Custom(n)` (spl-token `error.rs`).
public enum TokenErrorCode {
    public static let notRentExempt: UInt32 = 0
    public static let insufficientFunds: UInt32 = 1
    public static let invalidMint: UInt32 = 2
    public static let mintMismatch: UInt32 = 3
    public static let ownerMismatch: UInt32 = 4
    public static let fixedSupply: UInt32 = 5
    public static let alreadyInUse: UInt32 = 6
    public static let uninitializedState: UInt32 = 9
    public static let nativeNotSupported: UInt32 = 10
    public static let nonNativeHasBalance: UInt32 = 11
    public static let invalidInstruction: UInt32 = 12
    public static let invalidState: UInt32 = 13
    public static let overflow: UInt32 = 14
    public static let accountFrozen: UInt32 = 17
    public static let mintDecimalsMismatch: UInt32 = 18
    public static let nonNativeNotSupported: UInt32 = 19
}

/// SPL Token `Mint` (82 bytes): COption<Pubkey> mint authority (4+32), supply u64, decimals u8, is_initialized,
/// COption<Pubkey> freeze authority (4+32).
public struct MintLayout: Hashable, Sendable {
    public var mintAuthority: Address?
    public var supply: UInt64
    public var decimals: UInt8
    public var isInitialized: Bool
    public var freezeAuthority: Address?

    public static let size = 82

    public init(mintAuthority: Address?, supply: UInt64, decimals: UInt8, freezeAuthority: Address?) {
        self.mintAuthority = mintAuthority
        self.supply = supply
        self.decimals = decimals
        self.isInitialized = true
        self.freezeAuthority = freezeAuthority
    }

    /// Decodes; `nil` data length mismatch → InvalidAccountData.
    public init(data: [UInt8]) throws(InstructionError) {
        guard data.count == Self.size else { throw .invalidAccountData }
        var r = ByteReader(data)
        do {
            mintAuthority = try Self.option(&r)
            supply = try r.u64()
            decimals = try r.u8()
            let ini = try r.u8()
            guard ini <= 1 else { throw InstructionError.invalidAccountData }
            isInitialized = ini == 1
            freezeAuthority = try Self.option(&r)
        } catch { throw .invalidAccountData }
    }

    static func option(_ r: inout ByteReader) throws -> Address? {
        let tag = try r.u32()
        let a = try r.address()
        guard tag <= 1 else { throw InstructionError.invalidAccountData }
        return tag == 1 ? a : nil
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.size)
        TokenAccountLayout.writeOption(mintAuthority, &w)
        w.u64(supply)
        w.u8(decimals)
        w.bool(isInitialized)
        TokenAccountLayout.writeOption(freezeAuthority, &w)
        return w.bytes
    }
}

/// SPL Token `Account` (165 bytes): mint, owner, amount, COption delegate @72, state @108, COption<u64> is_native
/// @109, delegated_amount @121, COption close_authority @129.
public struct TokenAccountLayout: Hashable, Sendable {
    public enum State: UInt8, Sendable {
        case uninitialized = 0
        case initialized = 1
        case frozen = 2
    }
    public var mint: Address
    public var owner: Address
    public var amount: UInt64
    public var delegate: Address?
    public var state: State
    public var isNative: UInt64?
    public var delegatedAmount: UInt64
    public var closeAuthority: Address?

    public static let size = 165

    public init(mint: Address, owner: Address, amount: UInt64, isNative: UInt64? = nil) {
        self.mint = mint
        self.owner = owner
        self.amount = amount
        self.delegate = nil
        self.state = .initialized
        self.isNative = isNative
        self.delegatedAmount = 0
        self.closeAuthority = nil
    }

    public init(data: [UInt8]) throws(InstructionError) {
        guard data.count == Self.size else { throw .invalidAccountData }
        var r = ByteReader(data)
        do {
            mint = try r.address()
            owner = try r.address()
            amount = try r.u64()
            delegate = try MintLayout.option(&r)
            guard let s = State(rawValue: try r.u8()) else { throw InstructionError.invalidAccountData }
            state = s
            let nativeTag = try r.u32()
            let native = try r.u64()
            guard nativeTag <= 1 else { throw InstructionError.invalidAccountData }
            isNative = nativeTag == 1 ? native : nil
            delegatedAmount = try r.u64()
            closeAuthority = try MintLayout.option(&r)
        } catch { throw .invalidAccountData }
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.size)
        w.address(mint)
        w.address(owner)
        w.u64(amount)
        Self.writeOption(delegate, &w)
        w.u8(state.rawValue)
        w.u32(isNative == nil ? 0 : 1)
        w.u64(isNative ?? 0)
        w.u64(delegatedAmount)
        Self.writeOption(closeAuthority, &w)
        return w.bytes
    }

    static func writeOption(_ a: Address?, _ w: inout ByteWriter) {
        w.u32(a == nil ? 0 : 1)
        w.address(a ?? .zero)
    }
}

/// SPL Token (`Tokenkeg…`): InitializeMint2, InitializeAccount3, MintTo, Transfer, TransferChecked, CloseAccount,
/// SyncNative, with the checks and error codes of spl-token's processor. Single-signer authorities only
/// (multisig accounts are not modelled).
struct TokenProgramHandler: NativeProgram {
    let programId: Address
    var loader: Address { LoaderIDs.bpfLoader2 }

    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        guard let tag = ctx.data.first else { throw .invalidInstructionData }
        var r = ByteReader(ctx.data, offset: 1)
        switch tag {
        case 20:
            try ctx.consume(ComputeCosts.tokenInitializeMint)
            guard let decimals = try? r.u8(), let authority = try? r.address(), let hasFreeze = try? r.u8(),
                hasFreeze <= 1
            else { throw .custom(TokenErrorCode.invalidInstruction) }
            var freeze: Address? = nil
            if hasFreeze == 1 {
                guard let f = try? r.address() else { throw .custom(TokenErrorCode.invalidInstruction) }
                freeze = f
            }
            try ctx.require(accounts: 1)
            ctx.log("Instruction: InitializeMint2")
            var a = ctx.account(0)
            try ownedByUs(a)
            let mint = try MintLayout(data: a.data)
            guard !mint.isInitialized else { throw .custom(TokenErrorCode.alreadyInUse) }
            guard a.lamports >= Rent.minimumBalance(dataLength: a.data.count) else {
                throw .custom(TokenErrorCode.notRentExempt)
            }
            a.data = MintLayout(mintAuthority: authority, supply: 0, decimals: decimals, freezeAuthority: freeze)
                .encoded()
            try ctx.set(0, a)
        case 18:
            try ctx.consume(ComputeCosts.tokenInitializeAccount)
            guard let owner = try? r.address() else { throw .custom(TokenErrorCode.invalidInstruction) }
            try ctx.require(accounts: 2)
            ctx.log("Instruction: InitializeAccount3")
            try initializeAccount(&ctx, account: 0, mint: 1, owner: owner)
        case 7:
            try ctx.consume(ComputeCosts.tokenMintTo)
            guard let amount = try? r.u64() else { throw .custom(TokenErrorCode.invalidInstruction) }
            try ctx.require(accounts: 3)
            ctx.log("Instruction: MintTo")
            var mintAccount = ctx.account(0)
            var destAccount = ctx.account(1)
            try ownedByUs(destAccount)
            try ownedByUs(mintAccount)
            var dest = try unpackAccount(destAccount)
            guard dest.state != .frozen else { throw .custom(TokenErrorCode.accountFrozen) }
            guard dest.isNative == nil else { throw .custom(TokenErrorCode.nativeNotSupported) }
            guard dest.mint == ctx.key(0) else { throw .custom(TokenErrorCode.mintMismatch) }
            var mint = try unpackMint(mintAccount)
            guard let authority = mint.mintAuthority else { throw .custom(TokenErrorCode.fixedSupply) }
            try validateOwner(&ctx, expected: authority, at: 2)
            let (supply, o1) = mint.supply.addingReportingOverflow(amount)
            let (balance, o2) = dest.amount.addingReportingOverflow(amount)
            guard !o1, !o2 else { throw .custom(TokenErrorCode.overflow) }
            mint.supply = supply
            dest.amount = balance
            mintAccount.data = mint.encoded()
            destAccount.data = dest.encoded()
            try ctx.set(0, mintAccount)
            try ctx.set(1, destAccount)
        case 3, 12:
            let checked = tag == 12
            try ctx.consume(checked ? ComputeCosts.tokenTransferChecked : ComputeCosts.tokenTransfer)
            guard let amount = try? r.u64() else { throw .custom(TokenErrorCode.invalidInstruction) }
            var decimals: UInt8? = nil
            if checked {
                guard let d = try? r.u8() else { throw .custom(TokenErrorCode.invalidInstruction) }
                decimals = d
            }
            try ctx.require(accounts: checked ? 4 : 3)
            ctx.log(checked ? "Instruction: TransferChecked" : "Instruction: Transfer")
            try transfer(&ctx, amount: amount, decimals: decimals)
        case 9:
            try ctx.consume(ComputeCosts.tokenCloseAccount)
            try ctx.require(accounts: 3)
            ctx.log("Instruction: CloseAccount")
            guard ctx.key(0) != ctx.key(1) else { throw .invalidAccountData }
            var a = ctx.account(0)
            try ownedByUs(a)
            let source = try unpackAccount(a)
            guard source.isNative != nil || source.amount == 0 else {
                throw .custom(TokenErrorCode.nonNativeHasBalance)
            }
            try validateOwner(&ctx, expected: source.closeAuthority ?? source.owner, at: 2)
            var dest = ctx.account(1)
            let (sum, overflow) = dest.lamports.addingReportingOverflow(a.lamports)
            guard !overflow else { throw .custom(TokenErrorCode.overflow) }
            dest.lamports = sum
            a = Account(lamports: 0)  // deleted: data cleared, owner reset (spl-token `delete_account`)
            try ctx.set(0, a)
            try ctx.set(1, dest)
        case 17:
            try ctx.consume(ComputeCosts.tokenSyncNative)
            try ctx.require(accounts: 1)
            ctx.log("Instruction: SyncNative")
            var a = ctx.account(0)
            try ownedByUs(a)
            var t = try unpackAccount(a)
            guard let reserve = t.isNative else { throw .custom(TokenErrorCode.nonNativeNotSupported) }
            let newAmount = a.lamports >= reserve ? a.lamports - reserve : 0
            guard newAmount >= t.amount else { throw .custom(TokenErrorCode.invalidState) }
            t.amount = newAmount
            a.data = t.encoded()
            try ctx.set(0, a)
        default:
            throw .custom(TokenErrorCode.invalidInstruction)
        }
    }

    func ownedByUs(_ a: Account) throws(InstructionError) {
        guard a.owner == programId else { throw .incorrectProgramId }
    }

    func unpackAccount(_ a: Account) throws(InstructionError) -> TokenAccountLayout {
        let t = try TokenAccountLayout(data: a.data)
        guard t.state != .uninitialized else { throw .uninitializedAccount }
        return t
    }

    func unpackMint(_ a: Account) throws(InstructionError) -> MintLayout {
        guard a.owner == programId else { throw .incorrectProgramId }
        let m = try MintLayout(data: a.data)
        guard m.isInitialized else { throw .uninitializedAccount }
        return m
    }

    /// The authority must equal `expected` and sign (spl-token `validate_owner`, single signer).
    func validateOwner(_ ctx: inout InvocationContext, expected: Address, at i: Int) throws(InstructionError) {
        guard ctx.key(i) == expected else { throw .custom(TokenErrorCode.ownerMismatch) }
        try ctx.requireSigner(i)
    }

    func initializeAccount(_ ctx: inout InvocationContext, account: Int, mint: Int, owner: Address)
        throws(InstructionError)
    {
        var a = ctx.account(account)
        try ownedByUs(a)
        let existing = try TokenAccountLayout(data: a.data)
        guard existing.state == .uninitialized else { throw .custom(TokenErrorCode.alreadyInUse) }
        let reserve = Rent.minimumBalance(dataLength: a.data.count)
        guard a.lamports >= reserve else { throw .custom(TokenErrorCode.notRentExempt) }
        let mintKey = ctx.key(mint)
        let isNative = mintKey == Mints.wrappedSOL
        if !isNative {
            let m = ctx.account(mint)
            guard m.owner == programId, let layout = try? MintLayout(data: m.data), layout.isInitialized else {
                throw .custom(TokenErrorCode.invalidMint)
            }
        }
        let t = TokenAccountLayout(
            mint: mintKey, owner: owner, amount: isNative ? a.lamports - reserve : 0,
            isNative: isNative ? reserve : nil)
        a.data = t.encoded()
        try ctx.set(account, a)
    }

    func transfer(_ ctx: inout InvocationContext, amount: UInt64, decimals: UInt8?) throws(InstructionError) {
        let srcIndex = 0
        let dstIndex = decimals == nil ? 1 : 2
        let authIndex = decimals == nil ? 2 : 3
        var srcAccount = ctx.account(srcIndex)
        var dstAccount = ctx.account(dstIndex)
        var src = try unpackAccount(srcAccount)
        var dst = try unpackAccount(dstAccount)
        guard src.state != .frozen, dst.state != .frozen else { throw .custom(TokenErrorCode.accountFrozen) }
        guard src.amount >= amount else {
            ctx.log("Error: insufficient funds")
            throw .custom(TokenErrorCode.insufficientFunds)
        }
        guard src.mint == dst.mint else { throw .custom(TokenErrorCode.mintMismatch) }
        if let decimals {
            guard ctx.key(1) == src.mint else { throw .custom(TokenErrorCode.mintMismatch) }
            let m = try unpackMint(ctx.account(1))
            guard m.decimals == decimals else { throw .custom(TokenErrorCode.mintDecimalsMismatch) }
        }
        try validateOwner(&ctx, expected: src.owner, at: authIndex)
        try ownedByUs(srcAccount)
        try ownedByUs(dstAccount)
        if ctx.key(srcIndex) == ctx.key(dstIndex) || amount == 0 { return }
        src.amount -= amount
        let (sum, overflow) = dst.amount.addingReportingOverflow(amount)
        guard !overflow else { throw .custom(TokenErrorCode.overflow) }
        dst.amount = sum
        if src.isNative != nil {
            guard srcAccount.lamports >= amount else { throw .custom(TokenErrorCode.overflow) }
            srcAccount.lamports -= amount
            dstAccount.lamports += amount
        }
        srcAccount.data = src.encoded()
        dstAccount.data = dst.encoded()
        try ctx.set(srcIndex, srcAccount)
        try ctx.set(dstIndex, dstAccount)
    }
}
