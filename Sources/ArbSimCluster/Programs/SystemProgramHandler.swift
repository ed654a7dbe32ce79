import Crypto
import SolanaPrimitives

/// `SystemError` codes returned as `Custom(n)` (solana-system-interface `SystemError`).
public enum SystemErrorCode {
    public static let accountAlreadyInUse: UInt32 = 0
    public static let resultWithNegativeLamports: UInt32 = 1
    public static let invalidProgramId: UInt32 = 2
    public static let invalidAccountDataLength: UInt32 = 3
    public static let nonceNoRecentBlockhashes: UInt32 = 6
    public static let nonceBlockhashNotExpired: UInt32 = 7
    public static let nonceUnexpectedBlockhashValue: UInt32 = 8
}

/// Compute costs we charge. Builtins charge their fixed `DEFAULT_COMPUTE_UNITS` (agave builtins: System 150,
/// Compute Budget 150, Address Lookup Table 750). BPF programs (Token, ATA, Memo) charge figures typical of their
/// mainnet execution logs; they are approximations of a real, data-dependent meter. See docs/simcluster.md.
public enum ComputeCosts {
    public static let system: UInt64 = 150
    public static let computeBudget: UInt64 = 150
    public static let addressLookupTable: UInt64 = 750
    public static let tokenInitializeMint: UInt64 = 2_967
    public static let tokenInitializeAccount: UInt64 = 3_158
    public static let tokenMintTo: UInt64 = 4_538
    public static let tokenTransfer: UInt64 = 4_645
    public static let tokenTransferChecked: UInt64 = 6_200
    public static let tokenCloseAccount: UInt64 = 2_916
    public static let tokenSyncNative: UInt64 = 3_045
    public static let ataCreate: UInt64 = 21_845
    public static let ataIdempotentExisting: UInt64 = 4_313
    public static let memoBase: UInt64 = 1_000
    public static let memoPerByte: UInt64 = 45
    /// Per-instruction default limit when no SetComputeUnitLimit is given, and the transaction ceiling.
    public static let defaultInstructionLimit: UInt64 = 200_000
    public static let maxTransactionLimit: UInt64 = 1_400_000
}

/// Durable nonce helpers (solana-nonce): the stored value is sha256("DURABLE_NONCE" ‖ blockhash).
public enum DurableNonce {
    public static func from(blockhash: Hash) -> Hash {
        var h = SHA256()
        h.update(data: Array("DURABLE_NONCE".utf8))
        h.update(data: blockhash.bytes)
        return try! Hash(bytes: Array(h.finalize()))  // 32 bytes by construction
    }

    /// `nonce::state::Versions::Current(State::Initialized(..))`, 80 bytes.
    static func encode(authority: Address, nonce: Hash, lamportsPerSignature: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: 80)
        w.u32(1)
        w.u32(1)
        w.address(authority)
        w.hash(nonce)
        w.u64(lamportsPerSignature)
        return w.bytes
    }
}

/// The System program (`11111111111111111111111111111111`): CreateAccount, Assign, Transfer, and durable nonces
/// (Advance, Withdraw, Initialize). Encodings: bincode, u32 LE variant then fields (solana-system-interface).
struct SystemProgramHandler: NativeProgram {
    var loader: Address { LoaderIDs.native }
    static let maxPermittedDataLength: UInt64 = 10 * 1024 * 1024

    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        try ctx.consume(ComputeCosts.system)
        var r = ByteReader(ctx.data)
        guard let tag = try? r.u32() else { throw .invalidInstructionData }
        switch tag {
        case 0:
            guard let lamports = try? r.u64(), let space = try? r.u64(), let owner = try? r.address() else {
                throw .invalidInstructionData
            }
            try ctx.require(accounts: 2)
            try ctx.requireSigner(0)
            try ctx.requireSigner(1)
            var to = ctx.account(1)
            guard to.lamports == 0, to.data.isEmpty, to.owner == ProgramIDs.system else {
                ctx.log("Create Account: account \(ctx.key(1)) already in use")
                throw .custom(SystemErrorCode.accountAlreadyInUse)
            }
            guard space <= Self.maxPermittedDataLength else {
                throw .custom(SystemErrorCode.invalidAccountDataLength)
            }
            to.data = [UInt8](repeating: 0, count: Int(space))
            to.owner = owner
            try ctx.set(1, to)
            try transfer(&ctx, from: 0, to: 1, lamports: lamports)
        case 1:
            guard let owner = try? r.address() else { throw .invalidInstructionData }
            try ctx.require(accounts: 1)
            try ctx.requireSigner(0)
            var a = ctx.account(0)
            guard a.owner == ProgramIDs.system || a.owner == owner else {
                throw .custom(SystemErrorCode.invalidProgramId)
            }
            a.owner = owner
            try ctx.set(0, a)
        case 2:
            guard let lamports = try? r.u64() else { throw .invalidInstructionData }
            try ctx.require(accounts: 2)
            try transfer(&ctx, from: 0, to: 1, lamports: lamports)
        case 4:
            try ctx.require(accounts: 3)
            guard ctx.key(1) == SysvarIDs.recentBlockhashes else { throw .invalidArgument }
            try advanceNonce(&ctx)
        case 5:
            guard let lamports = try? r.u64() else { throw .invalidInstructionData }
            try ctx.require(accounts: 5)
            guard ctx.key(2) == SysvarIDs.recentBlockhashes, ctx.key(3) == SysvarIDs.rent else {
                throw .invalidArgument
            }
            try withdrawNonce(&ctx, lamports: lamports)
        case 6:
            guard let authority = try? r.address() else { throw .invalidInstructionData }
            try ctx.require(accounts: 3)
            guard ctx.key(1) == SysvarIDs.recentBlockhashes, ctx.key(2) == SysvarIDs.rent else {
                throw .invalidArgument
            }
            try initializeNonce(&ctx, authority: authority)
        default:
            // CreateAccountWithSeed, Allocate, AuthorizeNonceAccount, … are not modelled yet.
            throw .invalidInstructionData
        }
    }

    func transfer(_ ctx: inout InvocationContext, from: Int, to: Int, lamports: UInt64) throws(InstructionError) {
        try ctx.requireSigner(from)
        var src = ctx.account(from)
        guard src.data.isEmpty else {
            ctx.log("Transfer: `from` must not carry data")
            throw .invalidArgument
        }
        guard src.lamports >= lamports else {
            ctx.log("Transfer: insufficient lamports \(src.lamports), need \(lamports)")
            throw .custom(SystemErrorCode.resultWithNegativeLamports)
        }
        guard src.owner == ProgramIDs.system else { throw .externalAccountLamportSpend }
        if ctx.key(from) == ctx.key(to) { return }
        src.lamports -= lamports
        try ctx.set(from, src)
        var dst = ctx.account(to)
        let (sum, overflow) = dst.lamports.addingReportingOverflow(lamports)
        guard !overflow else { throw .arithmeticOverflow }
        dst.lamports = sum
        try ctx.set(to, dst)
    }

    /// The nonce account's state: nil when uninitialized (all zeros), else (authority, durable nonce).
    func nonceState(_ a: Account) throws(InstructionError) -> (authority: Address, nonce: Hash)? {
        guard a.owner == ProgramIDs.system, a.data.count == Int(SystemProgram.nonceAccountSize) else {
            throw .invalidAccountData
        }
        if a.data.allSatisfy({ $0 == 0 }) { return nil }
        guard let s = try? NonceAccountState(data: a.data) else { throw .invalidAccountData }
        return (s.authority, s.durableNonce)
    }

    func advanceNonce(_ ctx: inout InvocationContext) throws(InstructionError) {
        guard ctx.isWritable(0) else { throw .invalidArgument }
        var a = ctx.account(0)
        guard let (authority, nonce) = try nonceState(a) else {
            ctx.log("Advance nonce account: Account \(ctx.key(0)) state is invalid")
            throw .invalidAccountData
        }
        guard ctx.signed(authority) else {
            ctx.log("Advance nonce account: Account \(authority) must be a signer")
            throw .missingRequiredSignature
        }
        let next = DurableNonce.from(blockhash: ctx.blockhash)
        guard next != nonce else {
            ctx.log("Advance nonce account: nonce can only advance once per slot")
            throw .custom(SystemErrorCode.nonceBlockhashNotExpired)
        }
        a.data = DurableNonce.encode(authority: authority, nonce: next, lamportsPerSignature: Bank.lamportsPerSignature)
        try ctx.set(0, a)
    }

    func withdrawNonce(_ ctx: inout InvocationContext, lamports: UInt64) throws(InstructionError) {
        var a = ctx.account(0)
        let state = try nonceState(a)
        let authority = state?.authority ?? ctx.key(0)
        guard ctx.signed(authority) else { throw .missingRequiredSignature }
        guard lamports <= a.lamports else { throw .insufficientFunds }
        if let state {
            if lamports == a.lamports {
                guard DurableNonce.from(blockhash: ctx.blockhash) != state.nonce else {
                    throw .custom(SystemErrorCode.nonceBlockhashNotExpired)
                }
                a.data = [UInt8](repeating: 0, count: a.data.count)
            } else {
                guard a.lamports - lamports >= Rent.minimumBalance(dataLength: a.data.count) else {
                    throw .insufficientFunds
                }
            }
        }
        a.lamports -= lamports
        try ctx.set(0, a)
        var to = ctx.account(1)
        let (sum, overflow) = to.lamports.addingReportingOverflow(lamports)
        guard !overflow else { throw .arithmeticOverflow }
        to.lamports = sum
        try ctx.set(1, to)
    }

    func initializeNonce(_ ctx: inout InvocationContext, authority: Address) throws(InstructionError) {
        guard ctx.isWritable(0) else { throw .invalidArgument }
        var a = ctx.account(0)
        guard try nonceState(a) == nil else {
            ctx.log("Initialize nonce account: Account \(ctx.key(0)) state is invalid")
            throw .invalidAccountData
        }
        guard a.lamports >= Rent.minimumBalance(dataLength: a.data.count) else { throw .insufficientFunds }
        a.data = DurableNonce.encode(
            authority: authority, nonce: DurableNonce.from(blockhash: ctx.blockhash),
            lamportsPerSignature: Bank.lamportsPerSignature)
        try ctx.set(0, a)
    }
}

/// Compute Budget instructions are consumed by the runtime before execution; at execution time they only
/// charge their builtin cost.
struct ComputeBudgetHandler: NativeProgram {
    var loader: Address { LoaderIDs.native }
    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        try ctx.consume(ComputeCosts.computeBudget)
    }
}

/// Memo (v1 and v2): every listed account must sign; the data must be UTF-8.
struct MemoHandler: NativeProgram {
    var loader: Address { LoaderIDs.bpfLoader2 }
    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        try ctx.consume(ComputeCosts.memoBase + ComputeCosts.memoPerByte * UInt64(ctx.data.count))
        for i in 0..<ctx.accountCount where !ctx.isSigner(i) {
            ctx.log("Missing a required signature")
            throw .missingRequiredSignature
        }
        guard let text = String(validating: ctx.data, as: UTF8.self) else {
            ctx.log("Invalid UTF-8, from byte 0")
            throw .invalidInstructionData
        }
        ctx.log("Memo (len \(ctx.data.count)): \"\(text)\"")
    }
}
