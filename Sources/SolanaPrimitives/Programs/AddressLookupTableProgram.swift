/// Address Lookup Table program (bincode: u32 LE variant, then fields). Source: solana-program/address-lookup-table
/// `ProgramInstruction` (CreateLookupTable = 0, Freeze = 1, Extend = 2, Deactivate = 3, Close = 4).
public enum AddressLookupTableProgram {
    public static let id = ProgramIDs.addressLookupTable
    /// Addresses start at this offset in the table account (`LOOKUP_TABLE_META_SIZE`).
    public static let metaSize = 56
    public static let maxAddresses = 256

    /// The table address for an authority and a recent slot: PDA of [authority, recent_slot LE].
    public static func tableAddress(authority: Address, recentSlot: UInt64) throws(PrimitivesError) -> (
        address: Address, bump: UInt8
    ) {
        var slot = ByteWriter(capacity: 8)
        slot.u64(recentSlot)
        return try ProgramDerivedAddress.find(seeds: [authority.bytes, slot.bytes], programId: id)
    }

    /// `create_lookup_table`: the authority need not sign (only the payer does).
    public static func create(authority: Address, payer: Address, recentSlot: UInt64) throws(PrimitivesError) -> (
        instruction: Instruction, table: Address
    ) {
        let (table, bump) = try tableAddress(authority: authority, recentSlot: recentSlot)
        var w = ByteWriter(capacity: 13)
        w.u32(0)
        w.u64(recentSlot)
        w.u8(bump)
        let ix = Instruction(
            programId: id,
            accounts: [
                .writable(table), .readonly(authority), .writable(payer, signer: true), .readonly(ProgramIDs.system),
            ],
            data: w.bytes)
        return (ix, table)
    }

    public static func freeze(table: Address, authority: Address) -> Instruction {
        simple(1, table: table, authority: authority)
    }

    public static func extend(table: Address, authority: Address, payer: Address?, addresses: [Address]) -> Instruction
    {
        var w = ByteWriter(capacity: 12 + 32 * addresses.count)
        w.u32(2)
        w.u64(UInt64(addresses.count))
        for a in addresses { w.address(a) }
        var accounts: [AccountMeta] = [.writable(table), .readonly(authority, signer: true)]
        if let payer { accounts += [.writable(payer, signer: true), .readonly(ProgramIDs.system)] }
        return Instruction(programId: id, accounts: accounts, data: w.bytes)
    }

    public static func deactivate(table: Address, authority: Address) -> Instruction {
        simple(3, table: table, authority: authority)
    }

    public static func close(table: Address, authority: Address, recipient: Address) -> Instruction {
        var w = ByteWriter(capacity: 4)
        w.u32(4)
        return Instruction(
            programId: id, accounts: [.writable(table), .readonly(authority, signer: true), .writable(recipient)],
            data: w.bytes)
    }

    static func simple(_ tag: UInt32, table: Address, authority: Address) -> Instruction {
        var w = ByteWriter(capacity: 4)
        w.u32(tag)
        return Instruction(
            programId: id, accounts: [.writable(table), .readonly(authority, signer: true)], data: w.bytes)
    }
}

/// A decoded lookup table account (`ProgramState::LookupTable`).
public struct AddressLookupTableState: Hashable, Sendable {
    public var deactivationSlot: UInt64
    public var lastExtendedSlot: UInt64
    public var lastExtendedSlotStartIndex: UInt8
    public var authority: Address?
    public var addresses: [Address]

    /// Active unless deactivated (`deactivation_slot == u64::MAX` means active).
    public var isActive: Bool { deactivationSlot == .max }

    public init(data: [UInt8]) throws(PrimitivesError) {
        var r = ByteReader(data)
        let kind = try r.u32("program state")
        guard kind == 1 else {
            throw PrimitivesError(.invalidAccountData, "account is not a lookup table (state \(kind))")
        }
        deactivationSlot = try r.u64("deactivation slot")
        lastExtendedSlot = try r.u64("last extended slot")
        lastExtendedSlotStartIndex = try r.u8("start index")
        let hasAuthority = try r.u8("authority option")
        let auth = try r.address("authority")
        authority = hasAuthority == 1 ? auth : nil
        guard data.count >= AddressLookupTableProgram.metaSize,
            (data.count - AddressLookupTableProgram.metaSize) % 32 == 0
        else {
            throw PrimitivesError(.invalidAccountData, "lookup table data length \(data.count) is not 56 + 32·n")
        }
        var a = ByteReader(data, offset: AddressLookupTableProgram.metaSize)
        var list: [Address] = []
        while !a.isAtEnd { list.append(try a.address("table entry")) }
        addresses = list
    }

    public func account(key: Address) -> AddressLookupTableAccount {
        AddressLookupTableAccount(key: key, addresses: addresses)
    }
}
