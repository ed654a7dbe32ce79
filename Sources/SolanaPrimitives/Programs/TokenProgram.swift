/// SPL Token instructions (u8 tag then fields). Source: solana-program/token `TokenInstruction`
/// (InitializeMint2 = 20, MintTo = 7, Transfer = 3, CloseAccount = 9, TransferChecked = 12, SyncNative = 17,
/// InitializeAccount3 = 18). The same encodings apply to Token-2022 for these instructions.
public enum TokenProgram {
    public static let id = ProgramIDs.token
    /// Size of a token account without extensions.
    public static let accountSize: UInt64 = 165
    /// Size of a mint without extensions.
    public static let mintSize: UInt64 = 82

    public static func transfer(
        source: Address, destination: Address, authority: Address, amount: UInt64, programId: Address = id
    ) -> Instruction {
        var w = ByteWriter(capacity: 9)
        w.u8(3)
        w.u64(amount)
        return Instruction(
            programId: programId,
            accounts: [.writable(source), .writable(destination), .readonly(authority, signer: true)],
            data: w.bytes)
    }

    public static func transferChecked(
        source: Address, mint: Address, destination: Address, authority: Address, amount: UInt64, decimals: UInt8,
        programId: Address = id
    ) -> Instruction {
        var w = ByteWriter(capacity: 10)
        w.u8(12)
        w.u64(amount)
        w.u8(decimals)
        return Instruction(
            programId: programId,
            accounts: [.writable(source), .readonly(mint), .writable(destination), .readonly(authority, signer: true)],
            data: w.bytes)
    }

    public static func syncNative(account: Address, programId: Address = id) -> Instruction {
        Instruction(programId: programId, accounts: [.writable(account)], data: [17])
    }

    public static func closeAccount(account: Address, destination: Address, owner: Address, programId: Address = id)
        -> Instruction
    {
        Instruction(
            programId: programId,
            accounts: [.writable(account), .writable(destination), .readonly(owner, signer: true)],
            data: [9])
    }

    public static func initializeAccount3(account: Address, mint: Address, owner: Address, programId: Address = id)
        -> Instruction
    {
        var w = ByteWriter(capacity: 33)
        w.u8(18)
        w.address(owner)
        return Instruction(programId: programId, accounts: [.writable(account), .readonly(mint)], data: w.bytes)
    }

    public static func initializeMint2(
        mint: Address, decimals: UInt8, mintAuthority: Address, freezeAuthority: Address?, programId: Address = id
    ) -> Instruction {
        var w = ByteWriter(capacity: 67)
        w.u8(20)
        w.u8(decimals)
        w.address(mintAuthority)
        if let freezeAuthority {
            w.u8(1)
            w.address(freezeAuthority)
        } else {
            w.u8(0)
        }
        return Instruction(programId: programId, accounts: [.writable(mint)], data: w.bytes)
    }

    public static func mintTo(
        mint: Address, destination: Address, authority: Address, amount: UInt64, programId: Address = id
    ) -> Instruction {
        var w = ByteWriter(capacity: 9)
        w.u8(7)
        w.u64(amount)
        return Instruction(
            programId: programId,
            accounts: [.writable(mint), .writable(destination), .readonly(authority, signer: true)],
            data: w.bytes)
    }
}

/// The fields of an SPL token account a bot reads (first 165 bytes; Token-2022 extensions follow).
public struct TokenAccountState: Hashable, Sendable {
    public var mint: Address
    public var owner: Address
    public var amount: UInt64

    /// Decodes mint (0..32), owner (32..64), amount (64..72) and checks the state byte (108) is initialized/frozen.
    public init(data: [UInt8]) throws(PrimitivesError) {
        guard data.count >= Int(TokenProgram.accountSize) else {
            throw PrimitivesError(.invalidAccountData, "token account is \(data.count) bytes, expected ≥ 165")
        }
        var r = ByteReader(data)
        mint = try r.address("mint")
        owner = try r.address("owner")
        amount = try r.u64("amount")
        guard data[108] == 1 || data[108] == 2 else {
            throw PrimitivesError(.invalidAccountData, "token account state \(data[108]) is not initialized")
        }
    }
}

/// Associated Token Account program: create (tag 0) and createIdempotent (tag 1).
public enum AssociatedTokenProgram {
    public static let id = ProgramIDs.associatedToken

    public static func create(payer: Address, wallet: Address, mint: Address, tokenProgram: Address = ProgramIDs.token)
        -> Instruction
    {
        make(0, payer: payer, wallet: wallet, mint: mint, tokenProgram: tokenProgram)
    }

    public static func createIdempotent(
        payer: Address, wallet: Address, mint: Address, tokenProgram: Address = ProgramIDs.token
    ) -> Instruction {
        make(1, payer: payer, wallet: wallet, mint: mint, tokenProgram: tokenProgram)
    }

    static func make(_ tag: UInt8, payer: Address, wallet: Address, mint: Address, tokenProgram: Address) -> Instruction
    {
        let ata = AssociatedTokenAccount.address(wallet: wallet, mint: mint, tokenProgram: tokenProgram)
        return Instruction(
            programId: id,
            accounts: [
                .writable(payer, signer: true), .writable(ata), .readonly(wallet), .readonly(mint),
                .readonly(ProgramIDs.system), .readonly(tokenProgram),
            ],
            data: [tag])
    }
}

/// Memo program: the data is the UTF-8 memo; listed accounts must sign.
public enum MemoProgram {
    public static func memo(_ text: String, signers: [Address] = []) -> Instruction {
        Instruction(
            programId: ProgramIDs.memo, accounts: signers.map { .readonly($0, signer: true) }, data: Array(text.utf8))
    }
}
