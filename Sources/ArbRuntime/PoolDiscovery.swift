import ArbRPC
import ArbState
import ArbVenues
import Logging
import SolanaPrimitives

/// Finds pools and takes the initial snapshot of every account they depend on.
enum PoolDiscovery {
    /// Pool state account sizes per program (getProgramAccounts dataSize filters).
    static let poolFilters: [(program: Address, size: Int)] = [
        (RaydiumAMMv4Pool.programId, RaydiumAMMv4Layout.size),
        (RaydiumCPMMPool.programId, RaydiumCPMMLayout.poolSize),
        (RaydiumCLMMVenue.programId, RaydiumCLMMLayout.poolStateSize),
        (WhirlpoolVenue.programId, WhirlpoolLayout.whirlpoolSize),
        (MeteoraDLMMPair.programId, MeteoraDLMMLayout.lbPairSize),
    ]

    /// Every pool account of the five DEX programs (getProgramAccounts with a dataSize filter per program).
    static func discover(rpc: RPCClient, commitment: Commitment) async throws(RuntimeError) -> [Address] {
        var out: [Address] = []
        for (program, size) in poolFilters {
            do {
                let r = try await rpc.getProgramAccounts(
                    program, filters: [.dataSize(UInt64(size))], commitment: commitment)
                out += r.value.map(\.address).sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
            } catch {
                throw RuntimeError(.discoveryFailed, "getProgramAccounts \(program): \(error)")
            }
        }
        return out
    }

    struct Snapshot {
        var venues: [any Venue]
        var accounts: [AccountUpdate]
        /// Pools that could not be decoded or updated, with the reason.
        var rejected: [(Address, String)]
        var slot: Slot
    }

    /// Reads the pools and, in rounds, every account they depend on (a venue may need more accounts once it
    /// has seen the first ones, e.g. the tick arrays around the current price), then brings each venue up to
    /// date. Pools that fail are reported in `rejected`, not fatal.
    static func snapshot(
        pools: [Address], rpc: RPCClient, commitment: Commitment, logger: Logger
    ) async throws(RuntimeError) -> Snapshot {
        var known: [Address: AccountUpdate] = [:]
        var slot: Slot = 0
        func fetch(_ addresses: [Address]) async throws(RuntimeError) {
            let missing = Array(Set(addresses).subtracting(known.keys))
            guard !missing.isEmpty else { return }
            do {
                let r = try await rpc.getMultipleAccounts(missing, commitment: commitment, source: .snapshot)
                for (a, u) in r.accounts { known[a] = u }
                slot = max(slot, r.maxContextSlot)
            } catch {
                throw RuntimeError(.discoveryFailed, "getMultipleAccounts: \(error)")
            }
        }
        try await fetch(pools)
        var venues: [Address: any Venue] = [:]
        var rejected: [(Address, String)] = []
        for p in pools {
            guard let u = known[p] else {
                rejected.append((p, "account not found"))
                continue
            }
            do {
                venues[p] = try VenueRegistry.decode(
                    AccountData(address: p, owner: u.owner, lamports: u.lamports, data: u.data, slot: u.slot))
            } catch {
                rejected.append((p, "\(error)"))
            }
        }
        // Rounds: fetch what each venue asks for, update, ask again (bounded).
        var pending = Set(venues.keys)
        for _ in 0..<4 where !pending.isEmpty {
            try await fetch(pending.flatMap { venues[$0]!.accountsToUpdate() })
            let source = SnapshotSource(known)
            var next = Set<Address>()
            for p in pending {
                var v = venues[p]!
                do {
                    try v.update(from: source)
                    venues[p] = v
                    if v.accountsToUpdate().contains(where: { known[$0] == nil }) { next.insert(p) }
                } catch {
                    if error.code == .missingAccount {
                        next.insert(p)
                    } else {
                        venues[p] = nil
                        rejected.append((p, "\(error)"))
                    }
                }
            }
            pending = next
        }
        for p in pending {
            // Still missing accounts after the rounds: a pool with a dependency that does not exist.
            venues[p] = nil
            rejected.append((p, "dependencies missing after the snapshot rounds"))
        }
        for (p, why) in rejected { logger.info("pool not traded", metadata: ["pool": "\(p)", "reason": "\(why)"]) }
        return Snapshot(
            venues: pools.compactMap { venues[$0] }, accounts: Array(known.values), rejected: rejected, slot: slot)
    }
}

struct SnapshotSource: AccountSource {
    let accounts: [Address: AccountUpdate]
    init(_ accounts: [Address: AccountUpdate]) { self.accounts = accounts }
    func account(_ address: Address) -> AccountData? {
        accounts[address].map {
            AccountData(address: address, owner: $0.owner, lamports: $0.lamports, data: $0.data, slot: $0.slot)
        }
    }
}
