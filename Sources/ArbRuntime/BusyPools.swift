import SolanaPrimitives

/// Pools with a trade in flight, and the pools whose opportunity was skipped because of them.
///
/// A pool is busy from the decision until its trade's outcome is final (landed, reverted, expired, rejected):
/// until then the bot does not know the pool's state after its own trade, and a second trade on the same
/// dislocation would only revert by its guard (paying a fee) or compete with the first for the same profit.
/// What the busy period must not do is lose the opportunity the pools show meanwhile: the notification of the
/// block in which the trade landed usually arrives before its confirmation, so the pool is evaluated while still
/// busy and skipped, and nothing would evaluate it again until the next change. Skipped candidates' pools are
/// therefore remembered, and re-evaluated on the current state as soon as the trade that blocked them finishes.
struct BusyPools: Sendable {
    private(set) var busy: Set<Address> = []
    private(set) var deferred: Set<Address> = []

    /// Claims every pool of a candidate, or none when one of them is busy (then the candidate's pools are
    /// deferred: re-evaluated when the blocking trade finishes).
    mutating func acquire(_ pools: [Address]) -> Bool {
        if pools.contains(where: busy.contains) {
            deferred.formUnion(pools)
            return false
        }
        busy.formUnion(pools)
        return true
    }

    /// Gives pools back without a trade having been sent (e.g. the AI gate refused it): nothing to re-evaluate.
    mutating func cancel(_ pools: [Address]) { busy.subtract(pools) }

    /// A trade on `pools` is final: frees them and returns the deferred pools that are now free, in a stable
    /// order, to be evaluated again (each is removed from the deferred set).
    mutating func release(_ pools: [Address]) -> [Address] {
        busy.subtract(pools)
        let free = deferred.subtracting(busy)
        deferred.subtract(free)
        return free.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    }
}
