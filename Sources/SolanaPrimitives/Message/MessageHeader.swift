/// The three counts at the start of every message that split `accountKeys` into
/// [writable signers | readonly signers | writable non-signers | readonly non-signers].
public struct MessageHeader: Hashable, Sendable {
    public var numRequiredSignatures: UInt8
    public var numReadonlySignedAccounts: UInt8
    public var numReadonlyUnsignedAccounts: UInt8

    public init(numRequiredSignatures: UInt8, numReadonlySignedAccounts: UInt8, numReadonlyUnsignedAccounts: UInt8) {
        self.numRequiredSignatures = numRequiredSignatures
        self.numReadonlySignedAccounts = numReadonlySignedAccounts
        self.numReadonlyUnsignedAccounts = numReadonlyUnsignedAccounts
    }
}

/// An instruction with its program and accounts replaced by indexes into the message's account list.
public struct CompiledInstruction: Hashable, Sendable {
    public var programIdIndex: UInt8
    public var accounts: [UInt8]
    public var data: [UInt8]

    public init(programIdIndex: UInt8, accounts: [UInt8], data: [UInt8]) {
        self.programIdIndex = programIdIndex
        self.accounts = accounts
        self.data = data
    }
}

/// A v0 message's reference to accounts loaded from an on-chain address lookup table.
public struct MessageAddressTableLookup: Hashable, Sendable {
    public var accountKey: Address
    public var writableIndexes: [UInt8]
    public var readonlyIndexes: [UInt8]

    public init(accountKey: Address, writableIndexes: [UInt8], readonlyIndexes: [UInt8]) {
        self.accountKey = accountKey
        self.writableIndexes = writableIndexes
        self.readonlyIndexes = readonlyIndexes
    }
}

/// An address lookup table as the compiler sees it: its address and the addresses it holds (in order).
/// Each distinct address's first position is indexed once, at construction, in key order, so compiling against a
/// table the bot keeps is a merge of two sorted lists: no hashing per transaction.
public struct AddressLookupTableAccount: Hashable, Sendable {
    public let key: Address
    public let addresses: [Address]
    /// (address, first index) for each distinct address, sorted by address.
    let sortedFirstIndexes: [(address: Address, index: Int)]

    public init(key: Address, addresses: [Address]) {
        self.key = key
        self.addresses = addresses
        var entries = addresses.enumerated().map { (address: $0.element, index: $0.offset) }
        entries.sort { $0.address == $1.address ? $0.index < $1.index : $0.address < $1.address }
        var unique: [(address: Address, index: Int)] = []
        unique.reserveCapacity(entries.count)
        for e in entries where unique.last?.address != e.address { unique.append(e) }
        self.sortedFirstIndexes = unique
    }

    /// The first position of `address` in the table.
    public func firstIndex(of address: Address) -> Int? {
        var lo = 0
        var hi = sortedFirstIndexes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sortedFirstIndexes[mid].address < address { lo = mid + 1 } else { hi = mid }
        }
        return lo < sortedFirstIndexes.count && sortedFirstIndexes[lo].address == address
            ? sortedFirstIndexes[lo].index : nil
    }

    public static func == (a: Self, b: Self) -> Bool { a.key == b.key && a.addresses == b.addresses }
    public func hash(into h: inout Hasher) {
        h.combine(key)
        h.combine(addresses)
    }
}

/// Solana's limits on the wire (from the SDK: `PACKET_DATA_SIZE`, u8 account indexes).
public enum TransactionLimits {
    /// Maximum serialized transaction size: IPv6 MTU 1280 − 40 (IPv6 header) − 8 (fragment header).
    public static let packetDataSize = 1232
    /// Account indexes are u8: at most 256 accounts (static + looked up) per transaction.
    public static let maxAccounts = 256
}
