import ArbVenues
import Crypto
import SolanaPrimitives

// Shared pieces of the simulated DEX programs: fixed-offset byte writers, seed-derived addresses, Anchor error
// numbers, the account view handed to the ArbVenues decoders, and SPL Token movements with the token program's
// own checks and error codes.

/// Anchor framework error numbers (anchor-lang `error.rs` `ErrorCode`), returned as `Custom(n)`.
public enum AnchorErrorCode {
    public static let instructionFallbackNotFound: UInt32 = 101
    public static let instructionDidNotDeserialize: UInt32 = 102
    public static let constraintHasOne: UInt32 = 2001
    public static let constraintSigner: UInt32 = 2002
    public static let constraintRaw: UInt32 = 2003
    public static let constraintSeeds: UInt32 = 2006
    public static let constraintAddress: UInt32 = 2012
    public static let requireKeysEqViolated: UInt32 = 2502
    public static let accountDiscriminatorMismatch: UInt32 = 3002
    public static let accountDidNotDeserialize: UInt32 = 3003
    public static let accountNotEnoughKeys: UInt32 = 3005
    public static let accountNotMutable: UInt32 = 3006
    public static let accountOwnedByWrongProgram: UInt32 = 3007
    public static let invalidProgramId: UInt32 = 3008
    public static let accountNotSigner: UInt32 = 3010
}

extension Array where Element == UInt8 {
    /// Little-endian write of a fixed-width integer at `offset` (the layouts are `repr(C, packed)` / Borsh).
    mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        let n = MemoryLayout<T>.size
        precondition(offset >= 0 && offset + n <= count, "layout writer: \(n) bytes at \(offset) past \(count)")
        var v = value.littleEndian
        Swift.withUnsafeBytes(of: &v) { raw in
            for i in 0..<n { self[offset + i] = raw[i] }
        }
    }

    mutating func put(_ address: Address, at offset: Int) {
        precondition(offset >= 0 && offset + 32 <= count, "layout writer: address at \(offset) past \(count)")
        let b = address.bytes
        for i in 0..<32 { self[offset + i] = b[i] }
    }

    mutating func put(bytes: [UInt8], at offset: Int) {
        precondition(offset >= 0 && offset + bytes.count <= count, "layout writer: bytes at \(offset) past \(count)")
        for (i, b) in bytes.enumerated() { self[offset + i] = b }
    }

    func le<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(self[offset + i]) << (8 * i) }
        return v
    }
}

enum DEXHash {
    static func sha256(_ parts: [[UInt8]]) -> [UInt8] {
        var h = SHA256()
        for p in parts { h.update(data: p) }
        return Array(h.finalize())
    }

    /// A deterministic address from a seed and a label (for accounts the real programs create from fresh
    /// keypairs: pools, Whirlpool vaults, AMM v4 vaults…). Never used as a signer.
    static func address(_ label: String, _ seed: [UInt8]) -> Address {
        try! Address(bytes: sha256([Array("solarb-simdex/".utf8), Array(label.utf8), seed]))  // 32 bytes
    }

    /// `sha256("account:<Name>")[0..8]`, Anchor's account discriminator.
    static func accountDiscriminator(_ name: String) -> [UInt8] {
        Array(sha256([Array("account:\(name)".utf8)])[0..<8])
    }

    static func pda(_ seeds: [[UInt8]], _ program: Address) -> (address: Address, bump: UInt8) {
        // Short seeds always yield an off-curve address for some bump (find_program_address).
        try! ProgramDerivedAddress.find(seeds: seeds, programId: program)
    }
}

extension InvocationContext {
    /// The instruction's accounts (plus the Clock sysvar as `Clock::get()` would return it) as an ArbVenues
    /// account source, so the programs decode pools with exactly the bot's decoders.
    func venueAccounts(from start: Int = 0) -> [Address: AccountData] {
        var out: [Address: AccountData] = [:]
        for i in start..<accountCount {
            let a = account(i)
            guard a.exists else { continue }
            out[key(i)] = AccountData(address: key(i), owner: a.owner, lamports: a.lamports, data: a.data, slot: slot)
        }
        var c = ByteWriter(capacity: 40)
        c.u64(slot)
        c.i64(unixTimestamp)
        c.u64(slot / 432_000)
        c.u64(slot / 432_000 + 1)
        c.i64(unixTimestamp)
        out[SysvarIDs.clock] = AccountData(
            address: SysvarIDs.clock, owner: Address("Sysvar1111111111111111111111111111111111111"), lamports: 1,
            data: c.bytes, slot: slot)
        return out
    }

    func venueAccount(_ i: Int) -> AccountData {
        let a = account(i)
        return AccountData(address: key(i), owner: a.owner, lamports: a.lamports, data: a.data, slot: slot)
    }

    /// The position of `address` among the instruction's accounts.
    func position(of address: Address) -> Int? {
        (0..<accountCount).first { key($0) == address }
    }
}

/// SPL Token movements performed by the DEX programs (their `transfer` / `transfer_checked` CPIs), with the
/// token program's checks and `TokenError` codes.
enum DEXToken {
    /// Reads an SPL Token account at instruction position `i` (`IncorrectProgramId` when not owned by the
    /// token program, `UninitializedAccount` when not initialized, as spl-token's unpack does).
    static func account(_ ctx: InvocationContext, _ i: Int) throws(InstructionError) -> TokenAccountLayout {
        let a = ctx.account(i)
        guard a.owner == ProgramIDs.token else { throw .incorrectProgramId }
        let t = try TokenAccountLayout(data: a.data)
        guard t.state != .uninitialized else { throw .uninitializedAccount }
        return t
    }

    /// A swap's settlement: `amountIn` from the user's account to the input vault (the user signs), then
    /// `amountOut` from the output vault to the user's account (the pool's authority signs through the program).
    static func settle(
        _ ctx: inout InvocationContext, userIn: Int, vaultIn: Int, user: Address, vaultOut: Int, userOut: Int,
        poolAuthority: Address, amountIn: UInt64, amountOut: UInt64
    ) throws(InstructionError) {
        try transfer(&ctx, from: userIn, to: vaultIn, authority: user, amount: amountIn, userSigned: true)
        try transfer(&ctx, from: vaultOut, to: userOut, authority: poolAuthority, amount: amountOut, userSigned: true)
    }

    /// Moves `amount` from position `from` to position `to`. `authority` must be the source's owner; a user
    /// authority must also have signed (`userSigned`), a program authority (PDA) signs through the program.
    static func transfer(
        _ ctx: inout InvocationContext, from: Int, to: Int, authority: Address, amount: UInt64, userSigned: Bool
    ) throws(InstructionError) {
        var srcAccount = ctx.account(from)
        var dstAccount = ctx.account(to)
        var src = try account(ctx, from)
        var dst = try account(ctx, to)
        guard src.state != .frozen, dst.state != .frozen else { throw .custom(TokenErrorCode.accountFrozen) }
        guard src.amount >= amount else {
            ctx.log("Error: insufficient funds")
            throw .custom(TokenErrorCode.insufficientFunds)
        }
        guard src.mint == dst.mint else { throw .custom(TokenErrorCode.mintMismatch) }
        guard src.owner == authority else { throw .custom(TokenErrorCode.ownerMismatch) }
        guard userSigned else { throw .missingRequiredSignature }
        if ctx.key(from) == ctx.key(to) || amount == 0 { return }
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
        try ctx.set(from, srcAccount)
        try ctx.set(to, dstAccount)
    }
}

extension ProgramRegistry {
    /// Raydium AMM v4, Raydium CPMM, Raydium CLMM, Orca Whirlpool and Meteora DLMM at their mainnet program ids.
    public mutating func registerDEXPrograms() {
        register(RaydiumAMMv4Layout.programId, RaydiumAMMv4Program())
        register(RaydiumCPMMLayout.programId, RaydiumCPMMProgram())
        register(RaydiumCLMMLayout.programId, RaydiumCLMMProgram())
        register(WhirlpoolLayout.programId, WhirlpoolProgram())
        register(MeteoraDLMMLayout.programId, MeteoraDLMMProgram())
    }
}
