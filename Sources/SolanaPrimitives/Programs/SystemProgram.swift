/// System program instructions (bincode: u32 LE variant index, then fields). Source: solana-system-interface
/// `SystemInstruction` (CreateAccount = 0, Transfer = 2, AdvanceNonceAccount = 4, WithdrawNonceAccount = 5,
/// InitializeNonceAccount = 6).
public enum SystemProgram {
    public static let id = ProgramIDs.system
    /// Size of a nonce account (`nonce::state::Versions`): 4 + 4 + 32 + 32 + 8.
    public static let nonceAccountSize: UInt64 = 80

    public static func createAccount(
        from: Address, newAccount: Address, lamports: UInt64, space: UInt64, owner: Address
    ) -> Instruction {
        var w = ByteWriter(capacity: 52)
        w.u32(0)
        w.u64(lamports)
        w.u64(space)
        w.address(owner)
        return Instruction(
            programId: id, accounts: [.writable(from, signer: true), .writable(newAccount, signer: true)], data: w.bytes
        )
    }

    public static func transfer(from: Address, to: Address, lamports: UInt64) -> Instruction {
        var w = ByteWriter(capacity: 12)
        w.u32(2)
        w.u64(lamports)
        return Instruction(programId: id, accounts: [.writable(from, signer: true), .writable(to)], data: w.bytes)
    }

    public static func advanceNonceAccount(nonce: Address, authority: Address) -> Instruction {
        var w = ByteWriter(capacity: 4)
        w.u32(4)
        return Instruction(
            programId: id,
            accounts: [.writable(nonce), .readonly(SysvarIDs.recentBlockhashes), .readonly(authority, signer: true)],
            data: w.bytes)
    }

    public static func withdrawNonceAccount(nonce: Address, authority: Address, to: Address, lamports: UInt64)
        -> Instruction
    {
        var w = ByteWriter(capacity: 12)
        w.u32(5)
        w.u64(lamports)
        return Instruction(
            programId: id,
            accounts: [
                .writable(nonce), .writable(to), .readonly(SysvarIDs.recentBlockhashes), .readonly(SysvarIDs.rent),
                .readonly(authority, signer: true),
            ],
            data: w.bytes)
    }

    public static func initializeNonceAccount(nonce: Address, authority: Address) -> Instruction {
        var w = ByteWriter(capacity: 36)
        w.u32(6)
        w.address(authority)
        return Instruction(
            programId: id,
            accounts: [.writable(nonce), .readonly(SysvarIDs.recentBlockhashes), .readonly(SysvarIDs.rent)],
            data: w.bytes)
    }

    /// createAccount (80 bytes, owned by the System program) followed by initializeNonceAccount.
    public static func createNonceAccount(from: Address, nonce: Address, authority: Address, lamports: UInt64)
        -> [Instruction]
    {
        [
            createAccount(from: from, newAccount: nonce, lamports: lamports, space: nonceAccountSize, owner: id),
            initializeNonceAccount(nonce: nonce, authority: authority),
        ]
    }
}

/// A durable nonce account's state (`nonce::state::Versions::Current(State::Initialized(Data))`).
public struct NonceAccountState: Hashable, Sendable {
    public var authority: Address
    /// The stored nonce: use it as the transaction's recent blockhash, with advanceNonceAccount first.
    public var durableNonce: Hash
    public var lamportsPerSignature: UInt64

    public init(data: [UInt8]) throws(PrimitivesError) {
        var r = ByteReader(data)
        guard data.count == Int(SystemProgram.nonceAccountSize) else {
            throw PrimitivesError(.invalidAccountData, "nonce account is \(data.count) bytes, expected 80")
        }
        _ = try r.u32("version")
        let state = try r.u32("state")
        guard state == 1 else { throw PrimitivesError(.invalidAccountData, "nonce account is not initialized") }
        authority = try r.address("authority")
        durableNonce = try r.hash("durable nonce")
        lamportsPerSignature = try r.u64("lamports per signature")
    }
}
