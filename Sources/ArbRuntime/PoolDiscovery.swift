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
        /// Dependencies the cluster reported as not existing (e.g. a DLMM pair's optional bin-array bitmap
        /// extension, which most mainnet pairs never create). Venues read them as empty System accounts.
        var absences: [AccountAbsence] = []
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
        // Accounts the cluster says do not exist: resolved (a venue reads them as empty System accounts, as the
        // feed reports them), not fetched again. Without this a pool with an optional dependency that does not
        // exist was refused after the rounds.
        var absent: [Address: Slot] = [:]
        var slot: Slot = 0
        func fetch(_ addresses: [Address]) async throws(RuntimeError) {
            let missing = Array(Set(addresses).subtracting(known.keys).subtracting(absent.keys))
            guard !missing.isEmpty else { return }
            do {
                let r = try await rpc.getMultipleAccounts(missing, commitment: commitment, source: .snapshot)
                for (a, u) in r.accounts { known[a] = u }
                for a in r.absent { absent[a.address] = a.slot }
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
            let source = SnapshotSource(known, absent: absent)
            var next = Set<Address>()
            for p in pending {
                var v = venues[p]!
                do {
                    try v.update(from: source)
                    venues[p] = v
                    if v.accountsToUpdate().contains(where: { known[$0] == nil && absent[$0] == nil }) {
                        next.insert(p)
                    }
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
            // Still unresolved after the rounds: name the accounts (and the venue's own complaint, if any).
            let unresolved = (venues[p]?.accountsToUpdate() ?? []).filter { known[$0] == nil && absent[$0] == nil }
            var why = "dependencies unresolved after the snapshot rounds: \(unresolved.map(\.base58))"
            if var v = venues[p] {
                do { try v.update(from: SnapshotSource(known, absent: absent)) } catch { why += " (\(error))" }
            }
            venues[p] = nil
            rejected.append((p, why))
        }
        for (p, why) in rejected { logger.info("pool not traded", metadata: ["pool": "\(p)", "reason": "\(why)"]) }
        return Snapshot(
            venues: pools.compactMap { venues[$0] }, accounts: Array(known.values),
            absences: absent.map { AccountAbsence(address: $0.key, slot: $0.value) }, rejected: rejected, slot: slot)
    }
}

struct SnapshotSource: AccountSource {
    let accounts: [Address: AccountUpdate]
    let absent: [Address: Slot]
    init(_ accounts: [Address: AccountUpdate], absent: [Address: Slot] = [:]) {
        self.accounts = accounts
        self.absent = absent
    }
    func account(_ address: Address) -> AccountData? {
        if let a = accounts[address] {
            return AccountData(address: address, owner: a.owner, lamports: a.lamports, data: a.data, slot: a.slot)
        }
        return absent[address].map { AccountData.nonexistent(address, slot: $0) }
    }
}

extension AccountData {
    /// How venues see an account the cluster reports as not existing: System-owned, no lamports, no data
    /// (`isEmptySystemAccount`), as a PubSub feed reports a closed account.
    static func nonexistent(_ address: Address, slot: Slot) -> AccountData {
        AccountData(address: address, owner: ProgramIDs.system, lamports: 0, data: [], slot: slot)
    }
}
