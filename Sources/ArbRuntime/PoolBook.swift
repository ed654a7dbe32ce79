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
        /// The pool's accounts that every swap on it writes, whatever its direction: its state account and its
        /// token vaults (`computeSwapWritten`). Until computed: the state account alone.
        var swapWritten: [Address] = []
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
        entries[venue.address] = Entry(venue: venue, dependencies: deps, handle: nil, swapWritten: [venue.address])
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

    /// Fills each pool's `swapWritten`: the pool's state account, plus the dependencies that are writable in the
    /// swap instructions of BOTH directions and are token accounts (`owner` gives an account's owner program):
    /// the vaults. A cluster notifies every account a transaction changed, together; a swap always changes the
    /// state and both vaults, so once these have arrived for a slot the pool's update for that slot is complete.
    /// (Tick/bin arrays and oracles are left out: which of them a swap touches depends on the swap.)
    mutating func computeSwapWritten(owner: (Address) -> Address?) {
        let payer = (try? Address(bytes: [UInt8](repeating: 0xA1, count: 32))) ?? ProgramIDs.system
        let tokenPrograms: Set<Address> = [ProgramIDs.token, ProgramIDs.token2022]
        for p in order {
            guard var e = entries[p] else { continue }
            func writable(_ direction: SwapDirection) -> Set<Address>? {
                let params = SwapParams(
                    direction: direction, amountIn: 1, amountOut: 0, exactIn: true, owner: payer,
                    userSource: payer, userDestination: payer)
                guard let ixs = try? e.venue.swapInstructions(params) else { return nil }
                return Set(ixs.flatMap { $0.accounts.filter(\.isWritable).map(\.address) })
            }
            var written = [p]
            if let a = writable(.aToB), let b = writable(.bToA) {
                for d in e.dependencies where d != p && a.contains(d) && b.contains(d) {
                    if let o = owner(d), tokenPrograms.contains(o) { written.append(d) }
                }
            }
            e.swapWritten = written
            entries[p] = e
        }
    }

    func venue(_ pool: Address) -> (any Venue)? { entries[pool]?.venue }
}

extension AnyPoolQuoter {
    /// The engine's view of a venue.
    static func of(_ venue: any Venue) -> AnyPoolQuoter {
        func open<V: Venue>(_ v: V) -> AnyPoolQuoter { AnyPoolQuoter(VenueQuoter(v)) }
        return open(venue)
    }
}
