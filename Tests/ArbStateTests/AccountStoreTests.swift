import ArbState
import SolanaPrimitives
import Testing

private func addr(_ n: UInt8) -> Address { Address(raw: try! Bytes32(bytes: [UInt8](repeating: n, count: 32))) }
private let owner = addr(200)

private func update(
    _ a: Address, slot: Slot, data: [UInt8] = [], wv: UInt64? = nil, source: AccountUpdate.Source = .subscription
)
    -> AccountUpdate
{
    AccountUpdate(address: a, owner: owner, lamports: 1, data: data, slot: slot, writeVersion: wv, source: source)
}

/// A store that is connected and has resynced at `slot`.
private func liveStore(at slot: Slot = 100, maxLag: UInt64 = 2) -> AccountStore {
    var s = AccountStore(configuration: .init(maxLagSlots: maxLag))
    s.feedConnected()
    s.feedResynced(contextSlot: slot)
    return s
}

@Suite struct AccountStoreOrderingTests {
    @Test func newerSlotReplacesOlderIsDropped() {
        var s = liveStore()
        #expect(s.apply(update(addr(1), slot: 101, data: [1])) == .applied)
        #expect(s.apply(update(addr(1), slot: 103, data: [3])) == .applied)
        #expect(s.apply(update(addr(1), slot: 102, data: [2])) == .droppedOlder(heldSlot: 103))
        #expect(s.read(addr(1))?.account?.data == [3])
        #expect(s.counters.applied == 2)
        #expect(s.counters.droppedOlder == 1)
    }

    @Test func sameSlotUsesWriteVersionWhenBothKnowIt() {
        var s = liveStore()
        #expect(s.apply(update(addr(1), slot: 101, data: [2], wv: 20)) == .applied)
        #expect(s.apply(update(addr(1), slot: 101, data: [1], wv: 10)) == .droppedOlder(heldSlot: 101))
        #expect(s.apply(update(addr(1), slot: 101, data: [3], wv: 30)) == .applied)
        #expect(s.read(addr(1))?.account?.data == [3])
    }

    @Test func sameSlotWithoutWriteVersionLaterArrivalWins() {
        var s = liveStore()
        s.apply(update(addr(1), slot: 101, data: [1]))
        #expect(s.apply(update(addr(1), slot: 101, data: [2])) == .applied)
        #expect(s.read(addr(1))?.account?.data == [2])
        // the same content again (a notification repeating a backfill) is not a new version
        let order = s.read(addr(1))!.order
        #expect(s.apply(update(addr(1), slot: 101, data: [2], source: .backfill)) == .duplicate)
        #expect(s.read(addr(1))?.order == order)
        #expect(s.counters.duplicates == 1)
        // and at a newer slot it refreshes the slot without a new write order
        #expect(s.apply(update(addr(1), slot: 105, data: [2], source: .backfill)) == .refreshed)
        #expect(s.read(addr(1))?.slot == 105)
        #expect(s.read(addr(1))?.order == order)
        #expect(s.apply(update(addr(1), slot: 104, data: [7])) == .droppedOlder(heldSlot: 105))
    }

    @Test func absenceIsAVersionToo() {
        var s = liveStore()
        s.apply(update(addr(1), slot: 101, data: [1]))
        #expect(s.applyAbsence(AccountAbsence(address: addr(1), slot: 105)) == .applied)
        #expect(s.read(addr(1))?.account == nil)
        // a delayed "exists" from before the close must not resurrect it
        #expect(s.apply(update(addr(1), slot: 104, data: [9])) == .droppedOlder(heldSlot: 105))
        #expect(s.read(addr(1))?.slot == 105)
    }

    @Test func writeOrderIsStrictlyIncreasing() {
        var s = liveStore()
        s.apply(update(addr(1), slot: 101, data: [1]))
        s.apply(update(addr(2), slot: 101, data: [1]))
        s.apply(update(addr(1), slot: 102, data: [2]))
        let o1 = s.read(addr(1))!.order
        let o2 = s.read(addr(2))!.order
        #expect(o2 < o1)
    }

    @Test func ageIsNewestKnownSlotMinusHeldSlot() {
        var s = liveStore(at: 100)
        s.apply(update(addr(1), slot: 101))
        s.observeFeedSlot(110)
        #expect(s.read(addr(1))?.ageSlots == 9)
        #expect(s.read(addr(9)) == nil)
    }

    /// Random interleavings of the same set of versions: the store always ends at the newest version of each
    /// account, and the sequence of applied slots per account is strictly increasing.
    @Test func anyArrivalOrderConvergesToNewestAndAppliesInSlotOrder() {
        var rng = SplitMix(seed: 0x5eed)
        for _ in 0..<300 {
            var versions: [AccountUpdate] = []
            for a in 1...4 {
                let n = Int(rng.next() % 8) + 1
                var slots = Set<Slot>()
                while slots.count < n { slots.insert(100 + rng.next() % 50) }
                for slot in slots { versions.append(update(addr(UInt8(a)), slot: slot, data: [UInt8(slot % 256)])) }
            }
            versions.shuffle(using: &rng)
            var s = liveStore()
            var applied: [Address: [Slot]] = [:]
            for v in versions where s.apply(v) == .applied { applied[v.address, default: []].append(v.slot) }
            for a in 1...4 {
                let newest = versions.filter { $0.address == addr(UInt8(a)) }.map(\.slot).max()!
                #expect(s.read(addr(UInt8(a)))?.slot == newest)
                let seq = applied[addr(UInt8(a))] ?? []
                #expect(zip(seq, seq.dropFirst()).allSatisfy { $0 < $1 })
            }
        }
    }
}

@Suite struct AccountStoreFreshnessTests {
    @Test func newStoreIsStaleUntilFirstResync() {
        var s = AccountStore()
        #expect(s.freshness == .stale([.neverSynced, .disconnected]))
        s.feedConnected()
        #expect(s.freshness == .stale([.neverSynced]))
        s.feedResynced(contextSlot: 50)
        #expect(s.freshness == .fresh)
    }

    @Test func disconnectMarksStaleUntilReconnectedAndResynced() {
        var s = liveStore(at: 100)
        s.apply(update(addr(1), slot: 110))
        #expect(s.read(addr(1))?.isStale == false)
        s.observeFeedSlot(120)
        s.feedDisconnected()
        #expect(s.freshness == .stale([.disconnected, .resyncPending]))
        #expect(s.read(addr(1))?.isStale == true)
        s.feedConnected()
        #expect(s.freshness == .stale([.resyncPending]))
        s.feedResynced(contextSlot: 121)
        #expect(s.freshness == .fresh)
        #expect(s.counters.disconnects == 1)
    }

    @Test func backfillFromAnOlderBankIsNotAResync() {
        var s = liveStore(at: 100)
        s.observeFeedSlot(130)
        s.feedDisconnected()
        s.feedConnected()
        s.feedResynced(contextSlot: 125)  // a node serving an old bank
        #expect(s.freshness == .stale([.resyncPending, .backfillTooOld]))
        s.feedResynced(contextSlot: 131)
        #expect(s.freshness == .fresh)
    }

    @Test func feedTrailingTheReferenceByMoreThanMaxLagIsStale() {
        var s = liveStore(at: 100, maxLag: 2)
        s.observeFeedSlot(100)
        s.observeReferenceSlot(102)
        #expect(s.freshness == .fresh)
        s.observeReferenceSlot(103)
        #expect(s.freshness == .stale([.feedLagging]))
        #expect(s.feedLagSlots == 3)
        s.observeFeedSlot(103)
        #expect(s.freshness == .fresh)
    }

    @Test func nodeBehindIsStaleUntilHealthy() {
        var s = liveStore()
        s.nodeBehind(slots: 42)
        #expect(s.freshness == .stale([.nodeBehind]))
        s.nodeHealthy()
        #expect(s.freshness == .fresh)
    }
}

/// SplitMix64 for reproducible shuffles.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
