/// One account an instruction reads or writes, with the privileges it needs.
public struct AccountMeta: Hashable, Sendable {
    public var address: Address
    public var isSigner: Bool
    public var isWritable: Bool

    @inlinable public init(_ address: Address, signer: Bool = false, writable: Bool = false) {
        self.address = address
        self.isSigner = signer
        self.isWritable = writable
    }

    public static func writable(_ a: Address, signer: Bool = false) -> AccountMeta {
        AccountMeta(a, signer: signer, writable: true)
    }
    public static func readonly(_ a: Address, signer: Bool = false) -> AccountMeta {
        AccountMeta(a, signer: signer, writable: false)
    }
}

/// A program invocation before compilation into a message: program id, ordered accounts, opaque data.
public struct Instruction: Hashable, Sendable {
    public var programId: Address
    public var accounts: [AccountMeta]
    public var data: [UInt8]

    public init(programId: Address, accounts: [AccountMeta], data: [UInt8]) {
        self.programId = programId
        self.accounts = accounts
        self.data = data
    }
}
