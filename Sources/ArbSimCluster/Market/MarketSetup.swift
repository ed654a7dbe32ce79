import ArbVenues
import SolanaKeys
import SolanaPrimitives

/// A pool the market asks the DEX pool factory for: kind, mints in pool order, fee, reserves at the fair price.
public struct MarketPoolRequest: Sendable, Hashable {
    public var index: Int
    public var kind: VenueKind
    public var mintA: Address
    public var mintB: Address
    public var decimalsA: UInt8
    public var decimalsB: UInt8
    public var feeBps: UInt64
    /// Reserves worth `depthUsd` per side at the fair price.
    public var reserveA: UInt64
    public var reserveB: UInt64
    /// Concentrated liquidity: half-width of the range around the price, bps.
    public var rangeBps: UInt64
    public var seed: UInt64
}

/// A market being installed or running, as `solarb localnet` prints it.
public struct MarketDescription: Sendable {
    public var tokens: [MarketToken]
    public var pools: [(address: Address, kind: VenueKind, pair: [String])]
    public var noiseTraders: [Address]
    public var searchers: [Address]
    public var cycles: Int
}

extension SimCluster {
    /// Lamports every agent starts with (100,000 SOL) and USD value of each token balance it starts with.
    static let agentLamports: UInt64 = 100_000 * 1_000_000_000
    static let agentTokenMicroUsd: UInt64 = 100_000_000 * 1_000_000

    /// Creates the scenario's mints, pools (through the DEX pool factory) and funded agents, and starts the
    /// market: from now on every `advanceSlot()` runs it.
    @discardableResult
    public func installMarket(_ scenario: Scenario) throws -> MarketDescription {
        try scenario.validate()
        let authority = Market.agentKey(seed: scenario.seed, role: "mint-authority", index: 0)
        var tokens: [MarketToken] = []
        for (i, t) in scenario.tokens.enumerated() {
            let mint =
                t.symbol == "SOL"
                ? Mints.wrappedSOL : Market.agentKey(seed: scenario.seed, role: "mint", index: i).address
            tokens.append(
                MarketToken(
                    symbol: t.symbol, mint: mint, decimals: t.decimals, fairPriceMicroUsd: t.initialPriceMicroUsd,
                    volatilityPpm: (t.volatilityBps ?? 0) * 100, jumpProbabilityBps: t.jumpProbabilityBps ?? 0,
                    jumpPpm: (t.jumpBps ?? 0) * 100))
        }
        let noise = (0..<(scenario.noiseTraders?.count ?? 0)).map {
            Market.agentKey(seed: scenario.seed, role: "noise", index: $0)
        }
        let searchers = (0..<(scenario.searchers?.count ?? 0)).map {
            Market.agentKey(seed: scenario.seed, role: "searcher", index: $0)
        }
        let agents = noise + searchers
        for t in tokens where t.mint != Mints.wrappedSOL {
            bank.setAccount(
                t.mint,
                Account(
                    lamports: Rent.minimumBalance(dataLength: MintLayout.size), owner: ProgramIDs.token,
                    data: MintLayout(
                        mintAuthority: authority.address, supply: 0, decimals: t.decimals, freezeAuthority: nil
                    )
                    .encoded()))
        }
        for agent in agents {
            bank.fund(agent.address, lamports: Self.agentLamports)
            for t in tokens where t.mint != Mints.wrappedSOL {
                try bank.fundTokenAccount(
                    owner: agent.address, mint: t.mint, amount: t.units(microUsd: Self.agentTokenMicroUsd))
            }
        }
        var pools: [MarketPool] = []
        for (i, p) in scenario.pools.enumerated() {
            guard let a = tokens.first(where: { $0.symbol == p.pair[0] }),
                let b = tokens.first(where: { $0.symbol == p.pair[1] })
            else { throw ScenarioError(.unknownToken, field: "pools[\(i)].pair", "unknown token") }
            let request = MarketPoolRequest(
                index: i, kind: p.kind, mintA: a.mint, mintB: b.mint, decimalsA: a.decimals, decimalsB: b.decimals,
                feeBps: p.feeBps, reserveA: a.units(microUsd: p.depthUsd.micro),
                reserveB: b.units(microUsd: p.depthUsd.micro), rangeBps: p.rangeBps ?? 2_000, seed: scenario.seed)
            let address = try createMarketPool(request)
            guard let account = bank.account(address) else {
                throw MarketSetupError("pool \(i) (\(p.kind)) was not written by the factory")
            }
            var venue = try VenueRegistry.decode(
                AccountData(address: address, owner: account.owner, lamports: account.lamports, data: account.data))
            try venue.update(from: BankAccountSource(bank))
            let table = try writeLookupTable(
                for: venue, key: Market.agentKey(seed: scenario.seed, role: "lookup-table", index: i).address)
            pools.append(
                MarketPool(
                    kind: p.kind, address: address,
                    symbols: [venue.mintA, venue.mintB].map { m in tokens.first { $0.mint == m }?.symbol ?? m.base58 },
                    venue: venue, table: table))
        }
        var m = Market(scenario: scenario, tokens: tokens, pools: pools, noise: noise, searchers: searchers)
        m.history = [pools.map(\.venue)]
        market = m
        return describeMarket()!
    }

    /// Writes an address lookup table (active from genesis) with every account a swap on `venue` uses besides
    /// the user's: pool, vaults, configs, tick/bin arrays of both directions, mints and programs.
    func writeLookupTable(for venue: any Venue, key: Address) throws -> AddressLookupTableAccount {
        let user = Market.agentKey(seed: 0, role: "lookup-probe", index: 0).address
        let userAccounts: Set<Address> = [
            AssociatedTokenAccount.address(wallet: user, mint: venue.mintA),
            AssociatedTokenAccount.address(wallet: user, mint: venue.mintB), user,
        ]
        var addresses: [Address] = []
        for direction in [SwapDirection.aToB, .bToA] {
            let ixs = try venue.swapInstructions(
                SwapParams(
                    direction: direction, amountIn: 1, amountOut: 1, owner: user,
                    userSource: AssociatedTokenAccount.address(wallet: user, mint: venue.mintA),
                    userDestination: AssociatedTokenAccount.address(wallet: user, mint: venue.mintB)))
            for ix in ixs { addresses += ix.accounts.filter { !$0.isSigner }.map(\.address) }
        }
        addresses += [venue.mintA, venue.mintB, ProgramIDs.token, ProgramIDs.associatedToken, ProgramIDs.system]
        var seen = Set<Address>()
        addresses = Array(addresses.filter { !userAccounts.contains($0) && seen.insert($0).inserted }.prefix(255))
        let meta = AddressLookupTableMeta(
            deactivationSlot: .max, lastExtendedSlot: 0, lastExtendedSlotStartIndex: UInt8(addresses.count),
            authority: nil, addresses: addresses)
        let data = AddressLookupTableHandler.encode(meta)
        bank.setAccount(
            key,
            Account(
                lamports: Rent.minimumBalance(dataLength: data.count), owner: ProgramIDs.addressLookupTable, data: data)
        )
        return AddressLookupTableAccount(key: key, addresses: addresses)
    }

    public func describeMarket() -> MarketDescription? {
        guard let m = market else { return nil }
        return MarketDescription(
            tokens: m.tokens, pools: m.pools.map { ($0.address, $0.kind, $0.symbols) },
            noiseTraders: m.noiseTraders.map(\.address), searchers: m.searchers.map(\.address), cycles: m.cycleCount)
    }

    func marketAfterBlock(_ summary: BlockSummary) {
        market?.afterBlock(bank: bank, summary: summary)
        if groundTruthInline { market?.drainGroundTruth() }
        // Bounded memory for long runs: keep the last 100,000 slots of ground truth.
        if let m = market, m.groundTruth.count > 110_000 {
            let cutoff = summary.slot - 100_000
            market?.groundTruth = m.groundTruth.filter { $0.key >= cutoff }
        }
    }

    /// Ground truth of `slot` (the best arbitrage on the state after its block); computes queued snapshots first.
    public func groundTruth(slot: UInt64) -> GroundTruthRecord? {
        market?.drainGroundTruth()
        return market?.groundTruth[slot]
    }

    /// Ground truth of every recorded slot in `range`, in slot order. With `computePending` (the default) queued
    /// snapshots are computed first, on the actor (tests); without it only what the worker has computed so far is
    /// returned (a running bot must not stall the cluster), so the result may cover fewer slots than the range.
    public func groundTruth(slots range: ClosedRange<UInt64>, computePending: Bool = true) -> [GroundTruthRecord] {
        if computePending { market?.drainGroundTruth() }
        guard let m = market else { return [] }
        return range.compactMap { m.groundTruth[$0] }
    }

    /// Profit captured per signer so far (fee payer of each landed transaction).
    public func capturedProfit() -> [Address: SignerProfit] { market?.captured ?? [:] }

    /// Ground truth after every block (true, the default) or only queued for `runGroundTruthWorker` / queries.
    public func setGroundTruthInline(_ inline: Bool) { groundTruthInline = inline }

    /// Replaces the ground-truth search options (tests use a long walk to make the search exact).
    public func setGroundTruthOptions(_ options: GroundTruth.Options) { market?.groundTruthOptions = options }

    /// Moves ground truth off the slot path: blocks only queue snapshots; this loop computes them OUTSIDE the actor
    /// (nonisolated: the exhaustive search never blocks slots or RPC) until the task is cancelled (run it next to
    /// `run`). Snapshots are taken a few at a time, so results appear in slot order as they are computed.
    public nonisolated func runGroundTruthWorker<C: Clock>(clock: C, idle: C.Duration) async throws {
        await setGroundTruthInline(false)
        while !Task.isCancelled {
            let work = await takeGroundTruthWork()
            if work.snapshots.isEmpty {
                try await clock.sleep(for: idle)
                continue
            }
            for snapshot in work.snapshots {
                if Task.isCancelled { break }
                let record = Market.compute(snapshot, cycles: work.cycles, options: work.options)
                if Task.isCancelled { break }  // the search stopped early: the record is partial, not stored
                await storeGroundTruth([record])
            }
        }
        await setGroundTruthInline(true)
    }

    /// Takes the queued snapshots (they will not be computed by the cluster), with the cycles and options to
    /// compute them with (`Market.compute`): benchmarks and external workers.
    public func takeGroundTruthWork() -> (
        snapshots: [GroundTruthSnapshot], cycles: [ArbCycle], options: GroundTruth.Options
    ) {
        guard let m = market else { return ([], [], .init()) }
        market?.pendingGroundTruth.removeAll()
        return (m.pendingGroundTruth, m.cycles, m.groundTruthOptions)
    }

    func storeGroundTruth(_ records: [GroundTruthRecord]) {
        for r in records { market?.groundTruth[r.slot] = r }
    }
}

public struct MarketSetupError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ d: String) { description = d }
}
