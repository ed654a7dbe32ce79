import SolanaPrimitives

/// An Address Lookup Table account (program AddressLookupTab1e1111111111111111111111111).
/// Layout (solana-program `address_lookup_table::state`): a 56-byte meta — u32 type tag (1 = LookupTable),
/// u64 deactivation_slot, u64 last_extended_slot, u8 last_extended_slot_start_index, Option<Pubkey> authority
/// (1 + 32 bytes), u16 padding — then the addresses, 32 bytes each.
public struct AddressLookupTable: Sendable, Hashable {
    public static let programID: Address = Address("AddressLookupTab1e1111111111111111111111111")
    public static let metaSize = 56

    public var address: Address
    public var deactivationSlot: UInt64
    public var lastExtendedSlot: UInt64
    public var lastExtendedSlotStartIndex: UInt8
    public var authority: Address?
    public var addresses: [Address]

    /// Active unless deactivated (deactivation_slot != u64::MAX).
    public var isActive: Bool { deactivationSlot == .max }

    public init(address: Address, data: [UInt8]) throws(PrimitivesError) {
        guard data.count >= Self.metaSize else {
            throw PrimitivesError(.truncated, "lookup table: \(data.count) bytes, need at least \(Self.metaSize)")
        }
        func u64(_ at: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(data[at + k]) << (8 * k) }
            return v
        }
        let tag = UInt32(data[0]) | UInt32(data[1]) << 8 | UInt32(data[2]) << 16 | UInt32(data[3]) << 24
        guard tag == 1 else { throw PrimitivesError(.invalidAccountData, "lookup table: type tag \(tag), expected 1") }
        self.address = address
        self.deactivationSlot = u64(4)
        self.lastExtendedSlot = u64(12)
        self.lastExtendedSlotStartIndex = data[20]
        switch data[21] {
        case 0: self.authority = nil
        case 1: self.authority = try Address(bytes: data[22..<54])
        default: throw PrimitivesError(.invalidAccountData, "lookup table: bad authority option tag \(data[21])")
        }
        let body = data.count - Self.metaSize
        guard body % 32 == 0 else {
            throw PrimitivesError(.invalidAccountData, "lookup table: \(body) address bytes is not a multiple of 32")
        }
        var list: [Address] = []
        list.reserveCapacity(body / 32)
        var at = Self.metaSize
        while at < data.count {
            list.append(try Address(bytes: data[at..<at + 32]))
            at += 32
        }
        self.addresses = list
    }
}
