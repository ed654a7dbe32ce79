import SolanaPrimitives

/// A Solana slot number.
public typealias Slot = UInt64

/// One observed version of an account: who owns it, its lamports and data, and where in the chain's history it
/// was seen (`slot`, and `writeVersion` when the source knows the order of writes inside a slot, as Geyser does;
/// PubSub and RPC do not, so they leave it nil and arrival order decides inside a slot).
public struct AccountUpdate: Sendable, Hashable {
    public var address: Address
    public var owner: Address
    public var lamports: UInt64
    public var data: [UInt8]
    public var executable: Bool
    public var rentEpoch: UInt64
    public var slot: Slot
    public var writeVersion: UInt64?
    public var source: Source

    /// Where an update came from; kept for diagnostics and metrics labels.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        case subscription  // accountNotification / programNotification
        case backfill  // getMultipleAccounts after a (re)connect
        case snapshot  // an explicit fetch (startup, CLI)
    }

    public init(
        address: Address, owner: Address, lamports: UInt64, data: [UInt8], executable: Bool = false,
        rentEpoch: UInt64 = 0, slot: Slot, writeVersion: UInt64? = nil, source: Source = .subscription
    ) {
        self.address = address
        self.owner = owner
        self.lamports = lamports
        self.data = data
        self.executable = executable
        self.rentEpoch = rentEpoch
        self.slot = slot
        self.writeVersion = writeVersion
        self.source = source
    }
}

/// An account that the chain reports as absent (closed or never created) at `slot`. The store keeps the
/// absence as a version too, so that a stale "exists" cannot overwrite a newer "closed".
public struct AccountAbsence: Sendable, Hashable {
    public var address: Address
    public var slot: Slot
    public init(address: Address, slot: Slot) {
        self.address = address
        self.slot = slot
    }
}
