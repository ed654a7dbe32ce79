import ArbEngine
import ArbState
import ArbVenues
import SolanaPrimitives

/// Reads venue dependencies out of the feed's account store.
struct StoreSource: AccountSource, Sendable {
    let store: AccountStore
    func account(_ address: Address) -> AccountData? {
        guard let v = store.read(address) else { return nil }
        // Known not to exist (snapshot or feed): an empty System account, which venues treat as absent
        // (an optional extension, an uninitialized array); nil would make the runtime fetch it again forever.
        guard let a = v.account else { return AccountData.nonexistent(address, slot: v.slot) }
        return AccountData(address: address, owner: a.owner, lamports: a.lamports, data: a.data, slot: a.slot)
    }
}

/// The venues being traded, and which pools depend on which accounts.
///
/// Not thread-safe by itself: the runtime's decision loop owns it.
struct PoolBook: Sendable {
    struct Entry {
        var venue: any Venue
        var dependencies: [Address]
        /// The engine's handle for the pool (nil until inserted).
        var handle: Int?
    }

    private(set) var entries: [Address: Entry] = [:]
    /// Pools in a stable order (discovery order).
    private(set) var order: [Address] = []
    /// account → pools that read it.
    private(set) var dependents: [Address: [Address]] = [:]

    var count: Int { order.count }

    mutating func add(_ venue: any Venue) {
        let deps = venue.accountsToUpdate()
        if entries[venue.address] == nil { order.append(venue.address) }
        entries[venue.address] = Entry(venue: venue, dependencies: deps, handle: nil)
        index(venue.address, deps)
    }

    private mutating func index(_ pool: Address, _ deps: [Address]) {
        for d in Set(deps + [pool]) where !(dependents[d]?.contains(pool) ?? false) {
            dependents[d, default: []].append(pool)
        }
    }

    /// Every account to subscribe to, each pool's own state account after its other dependencies (the simulated
    /// cluster notifies in subscription order, so a pool's vaults and arrays arrive before the pool itself).
    var subscriptionOrder: [Address] {
        var seen = Set<Address>()
        var out: [Address] = []
        for p in order {
            guard let e = entries[p] else { continue }
            for d in e.dependencies where d != p && seen.insert(d).inserted { out.append(d) }
            if seen.insert(p).inserted { out.append(p) }
        }
        return out
    }

    func isPoolAccount(_ address: Address) -> Bool { entries[address] != nil }

    /// Re-reads a pool's dependencies from the store. Returns the accounts it now needs but the store lacks
    /// (tick/bin arrays that came into range), which the caller should fetch.
    mutating func refresh(_ pool: Address, from source: StoreSource) throws(VenueError) -> [Address] {
        guard var e = entries[pool] else { return [] }
        try e.venue.update(from: source)
        let deps = e.venue.accountsToUpdate()
        if deps != e.dependencies {
            e.dependencies = deps
            index(pool, deps)
        }
        entries[pool] = e
        return deps.filter { source.account($0) == nil }
    }

    mutating func setHandle(_ pool: Address, _ handle: Int) { entries[pool]?.handle = handle }

    func venue(_ pool: Address) -> (any Venue)? { entries[pool]?.venue }
}

extension AnyPoolQuoter {
    /// The engine's view of a venue.
    static func of(_ venue: any Venue) -> AnyPoolQuoter {
        func open<V: Venue>(_ v: V) -> AnyPoolQuoter { AnyPoolQuoter(VenueQuoter(v)) }
        return open(venue)
    }
}
