import SolanaPrimitives

/// The latest known version of every tracked account, plus whether the feed behind it can be trusted right now.
///
/// Pure and synchronous: the feed shells call the mutating methods as events happen, the engine reads.
///
/// Ordering rule: an update is applied only if it is newer than what is held: a higher slot, or the same slot
/// and a higher write version (when both know one), or the same slot and no write versions (then the later
/// arrival wins, which is what PubSub's in-order delivery on one connection means). Everything older is dropped
/// and counted, so a backfill that answers from an older bank can never roll an account back. A same-slot update
/// with identical content is a `duplicate`; identical content at a newer slot only `refreshed`s the held slot
/// (neither is announced as a change).
///
/// Freshness rule: the state is `fresh` only while the feed is connected, has re-synchronised (backfilled)
/// since its last (re)connect, the node behind it is not reported behind, and the feed's newest slot is within
/// `maxLagSlots` of the newest slot known from any source. Anything else marks the whole state stale, and the
/// engine must not trade on it. Per-account age (`AccountView.ageSlots`) is information for the engine, not a
/// freshness gate: an account that has not changed for 1000 slots is still exact while the feed is fresh.
public struct AccountStore: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// How far (in slots) the feed may trail the newest known slot before the state is stale.
        public var maxLagSlots: UInt64
        public init(maxLagSlots: UInt64 = 2) { self.maxLagSlots = maxLagSlots }
    }

    /// What the store holds for one account.
    public struct Entry: Sendable, Hashable {
        /// nil when the chain reported the account absent (closed) at `slot`.
        public var account: AccountUpdate?
        public var slot: Slot
        public var writeVersion: UInt64?
        /// Store-wide write order: strictly increasing across all applied updates.
        public var order: UInt64
    }

    /// What `read` gives the engine.
    public struct AccountView: Sendable, Hashable {
        public var account: AccountUpdate?
        public var slot: Slot
        public var order: UInt64
        /// `newestKnownSlot - slot`: how many slots ago this version was written (or last confirmed by a backfill).
        public var ageSlots: UInt64
        /// The store-wide freshness at the time of the read.
        public var isStale: Bool
    }

    public enum ApplyResult: Sendable, Hashable {
        case applied
        /// The held version is newer (higher slot, or same slot and higher write version).
        case droppedOlder(heldSlot: Slot)
        /// Same slot and the same content as held (e.g. a notification repeating what a backfill just read).
        case duplicate
        /// Same content at a newer slot: the held slot moves forward, the data did not change (not announced).
        case refreshed
    }

    /// Why the state is not fresh. A small fixed vocabulary, usable as a metric label.
    public enum StaleReason: String, Sendable, Hashable, CaseIterable, Comparable {
        case neverSynced
        case disconnected
        case resyncPending
        case feedLagging
        case nodeBehind
        case backfillTooOld

        public static func < (a: StaleReason, b: StaleReason) -> Bool { a.rawValue < b.rawValue }
    }

    public enum Freshness: Sendable, Hashable {
        case fresh
        case stale(Set<StaleReason>)

        public var isFresh: Bool { if case .fresh = self { true } else { false } }
    }

    public struct Counters: Sendable, Hashable {
        public var applied: UInt64 = 0
        public var droppedOlder: UInt64 = 0
        public var duplicates: UInt64 = 0
        public var refreshed: UInt64 = 0
        public var disconnects: UInt64 = 0
        public var resyncs: UInt64 = 0
    }

    public let configuration: Configuration
    public private(set) var entries: [Address: Entry] = [:]
    public private(set) var counters = Counters()
    /// Newest slot delivered by the feed (slot notifications and account updates).
    public private(set) var feedSlot: Slot = 0
    /// Newest slot known from any source (feed, RPC context slots, independent slot polls).
    public private(set) var newestKnownSlot: Slot = 0

    private var nextOrder: UInt64 = 1
    private var connected = false
    private var everSynced = false
    private var resyncPending = true
    /// The feed slot when the connection was lost: a resync must reach at least this slot.
    private var resyncFloor: Slot = 0
    private var backfillTooOld = false
    private var nodeBehindSlots: UInt64?

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    // MARK: reads

    public var count: Int { entries.count }

    public func read(_ address: Address) -> AccountView? {
        guard let e = entries[address] else { return nil }
        return AccountView(
            account: e.account, slot: e.slot, order: e.order,
            ageSlots: newestKnownSlot &- min(e.slot, newestKnownSlot),
            isStale: !freshness.isFresh)
    }

    public var freshness: Freshness {
        var reasons: Set<StaleReason> = []
        if !everSynced { reasons.insert(.neverSynced) }
        if !connected { reasons.insert(.disconnected) }
        if resyncPending && everSynced { reasons.insert(.resyncPending) }
        if backfillTooOld { reasons.insert(.backfillTooOld) }
        if nodeBehindSlots != nil { reasons.insert(.nodeBehind) }
        if newestKnownSlot > feedSlot &+ configuration.maxLagSlots { reasons.insert(.feedLagging) }
        return reasons.isEmpty ? .fresh : .stale(reasons)
    }

    /// How many slots the feed trails the newest known slot.
    public var feedLagSlots: UInt64 { newestKnownSlot > feedSlot ? newestKnownSlot - feedSlot : 0 }

    // MARK: account events

    @discardableResult
    public mutating func apply(_ update: AccountUpdate) -> ApplyResult {
        if let held = entries[update.address] {
            if !Self.isNewer(update.slot, update.writeVersion, than: held) {
                counters.droppedOlder += 1
                return .droppedOlder(heldSlot: held.slot)
            }
            if let a = held.account, a.lamports == update.lamports, a.owner == update.owner,
                a.executable == update.executable, a.data == update.data
            {
                if held.slot == update.slot {
                    counters.duplicates += 1
                    return .duplicate
                }
                // unchanged content seen at a newer slot (a backfill re-reading it): the version is confirmed
                // newer, but nothing changed for the engine
                entries[update.address]!.slot = update.slot
                entries[update.address]!.writeVersion = update.writeVersion
                entries[update.address]!.account!.slot = update.slot
                counters.refreshed += 1
                noteSlot(update.slot)
                if update.source == .subscription { feedSlot = max(feedSlot, update.slot) }
                return .refreshed
            }
        }
        entries[update.address] = Entry(
            account: update, slot: update.slot, writeVersion: update.writeVersion, order: takeOrder())
        counters.applied += 1
        noteSlot(update.slot)
        if update.source == .subscription { feedSlot = max(feedSlot, update.slot) }
        return .applied
    }

    @discardableResult
    public mutating func applyAbsence(_ absence: AccountAbsence) -> ApplyResult {
        if let held = entries[absence.address], !Self.isNewer(absence.slot, nil, than: held) {
            counters.droppedOlder += 1
            return .droppedOlder(heldSlot: held.slot)
        }
        entries[absence.address] = Entry(account: nil, slot: absence.slot, writeVersion: nil, order: takeOrder())
        counters.applied += 1
        noteSlot(absence.slot)
        return .applied
    }

    /// Stop tracking an account (unsubscribed).
    public mutating func remove(_ address: Address) { entries[address] = nil }

    // MARK: feed and cluster events

    /// A slot the feed itself delivered (slotNotification, or the context slot of a notification).
    public mutating func observeFeedSlot(_ slot: Slot) {
        feedSlot = max(feedSlot, slot)
        noteSlot(slot)
    }

    /// A slot learned independently of the feed (RPC context slot, getSlot on another endpoint).
    public mutating func observeReferenceSlot(_ slot: Slot) { noteSlot(slot) }

    public mutating func feedConnected() {
        connected = true
    }

    /// The connection dropped: stale until reconnected and resynced to at least the slot seen so far.
    public mutating func feedDisconnected() {
        if connected || !resyncPending { counters.disconnects += 1 }
        connected = false
        resyncPending = true
        resyncFloor = max(resyncFloor, feedSlot)
    }

    /// The backfill after a (re)connect finished at `contextSlot` (every tracked account was re-read at a bank
    /// no older than that). A backfill from a bank older than what the feed had already shown is not a resync.
    public mutating func feedResynced(contextSlot: Slot) {
        noteSlot(contextSlot)
        guard contextSlot >= resyncFloor else {
            backfillTooOld = true
            return
        }
        backfillTooOld = false
        resyncPending = false
        everSynced = true
        feedSlot = max(feedSlot, contextSlot)
        counters.resyncs += 1
    }

    /// The RPC node answered -32005 (behind by `slots`, when it says).
    public mutating func nodeBehind(slots: UInt64?) { nodeBehindSlots = slots ?? UInt64.max }

    public mutating func nodeHealthy() { nodeBehindSlots = nil }

    // MARK: internals

    private static func isNewer(_ slot: Slot, _ writeVersion: UInt64?, than held: Entry) -> Bool {
        if slot != held.slot { return slot > held.slot }
        if let w = writeVersion, let h = held.writeVersion { return w > h }
        return true  // same slot, no total order known: later arrival wins
    }

    private mutating func takeOrder() -> UInt64 {
        defer { nextOrder += 1 }
        return nextOrder
    }

    private mutating func noteSlot(_ slot: Slot) { newestKnownSlot = max(newestKnownSlot, slot) }
}
