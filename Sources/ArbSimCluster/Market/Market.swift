import ArbVenues
import Crypto
import SolanaKeys
import SolanaPrimitives

/// A token of the running market.
public struct MarketToken: Sendable, Hashable {
    public var symbol: String
    public var mint: Address
    public var decimals: UInt8
    /// Current fair price of one whole token, micro-USD.
    public var fairPriceMicroUsd: UInt64
    var volatilityPpm: UInt64
    var jumpProbabilityBps: UInt64
    var jumpPpm: UInt64

    /// Base units worth `microUsd` at the fair price (at least 1).
    public func units(microUsd: UInt64) -> UInt64 {
        let v = UInt128(microUsd) * pow10(decimals) / UInt128(max(fairPriceMicroUsd, 1))
        return UInt64(max(1, min(v, UInt128(UInt64.max))))
    }

    /// Value of `amount` base units at the fair price, micro-USD.
    public func microUsd(units amount: UInt64) -> UInt64 {
        let v = UInt128(amount) * UInt128(fairPriceMicroUsd) / pow10(decimals)
        return UInt64(min(v, UInt128(UInt64.max)))
    }
}

func pow10(_ n: UInt8) -> UInt128 {
    var p: UInt128 = 1
    for _ in 0..<n { p *= 10 }
    return p
}

/// A pool of the running market.
public struct MarketPool: Sendable {
    public var kind: VenueKind
    public var address: Address
    /// Symbols of token A and token B (the pool's own order).
    public var symbols: [String]
    /// The decoded pool, refreshed after every block that touched one of its accounts.
    public var venue: any Venue
    /// A lookup table (written at genesis) holding the pool's swap accounts, so that multi-leg swaps fit in a
    /// v0 transaction as they do on mainnet.
    public var table: AddressLookupTableAccount
}

/// Per-slot ground truth: the arbitrage available on the state after the slot's block (what a bot could take
/// in the next slot).
public struct GroundTruthRecord: Sendable, Hashable {
    public var slot: UInt64
    /// The single most profitable cycle.
    public var best: ArbOpportunity?
    /// Cycles profitable at ≈ 1 USD.
    public var profitableCycles: Int
    /// Pool-disjoint cycles chosen greedily by profit (`best` first): they can all be taken in the same slot.
    public var selected: [ArbOpportunity] = []
    /// The profit available in this slot: the sum of `selected`, micro-USD at the slot's fair prices. A bot's
    /// share of available profit is its captured profit over the sum of this across slots.
    public var availableMicroUsd: UInt64 = 0

    public init(
        slot: UInt64, best: ArbOpportunity?, profitableCycles: Int, selected: [ArbOpportunity] = [],
        availableMicroUsd: UInt64? = nil
    ) {
        self.slot = slot
        self.best = best
        self.profitableCycles = profitableCycles
        self.selected = selected.isEmpty ? (best.map { [$0] } ?? []) : selected
        self.availableMicroUsd = availableMicroUsd ?? self.selected.reduce(0) { $0 &+ $1.profitMicroUsd }
    }
}

/// The state a slot's ground truth is computed on: the decoded pools after its block and the fair prices.
public struct GroundTruthSnapshot: Sendable {
    public var slot: UInt64
    public var pools: [VenueGroundTruthPool]
    public var tokens: [MarketToken]
}

/// What a signer gained or lost, valued at the fair prices of the slot each transaction landed in.
public struct SignerProfit: Sendable, Hashable {
    public var transactions = 0
    public var failed = 0
    /// Net of fees, tips and token balance changes, micro-USD (signed).
    public var microUsd: Int64 = 0
    /// Net lamport change (fees, tips, SOL legs).
    public var lamports: Int64 = 0
    /// Net token balance change per mint.
    public var tokens: [Address: Int64] = [:]
}

/// The agents' state: fair prices, noise traders, competing searchers, ground truth and captured profit.
/// Advanced by `SimCluster.advanceSlot()`; deterministic for a scenario (its seed drives `MarketRandom`,
/// keypairs are derived from it, there is no clock).
public struct Market: Sendable {
    public let scenario: Scenario
    public internal(set) var tokens: [MarketToken]
    public internal(set) var pools: [MarketPool]
    public let noiseTraders: [Keypair]
    public let searchers: [Keypair]
    var rng: MarketRandom
    let cycles: [ArbCycle]
    let baseMints: [Address]
    /// Venue states after each of the last few blocks (index 0 = newest), for searcher latency.
    var history: [[any Venue]] = []
    public internal(set) var groundTruth: [UInt64: GroundTruthRecord] = [:]
    /// Snapshots whose ground truth is not computed yet (slot, pools, token prices).
    var pendingGroundTruth: [GroundTruthSnapshot] = []
    public internal(set) var captured: [Address: SignerProfit] = [:]
    /// Slots whose ground truth was skipped because the queue was full (see `maxPendingGroundTruth`).
    public internal(set) var groundTruthSkipped = 0
    static let maxPendingGroundTruth = 256
    public internal(set) var searcherSubmissions = 0
    public internal(set) var noiseSubmissions = 0
    var tipRotation = 0

    public var groundTruthOptions = GroundTruth.Options()

    init(scenario: Scenario, tokens: [MarketToken], pools: [MarketPool], noise: [Keypair], searchers: [Keypair]) {
        self.scenario = scenario
        self.tokens = tokens
        self.pools = pools
        self.noiseTraders = noise
        self.searchers = searchers
        var seedBytes = ByteWriter(capacity: 8)
        seedBytes.u64(scenario.seed)
        rng = MarketRandom(seed: scenario.seed ^ 0x6D61_726B_6574_2121)
        baseMints = scenario.baseTokens.compactMap { s in tokens.first { $0.symbol == s }?.mint }
        cycles = GroundTruth.cycles(pools: pools.map { VenueGroundTruthPool($0.venue) }, bases: baseMints)
    }

    public var cycleCount: Int { cycles.count }

    public func token(mint: Address) -> MarketToken? { tokens.first { $0.mint == mint } }

    /// Deterministic keypair for agent `role` #`index` of a scenario seed.
    static func agentKey(seed: UInt64, role: String, index: Int) -> Keypair {
        var w = ByteWriter(capacity: 16)
        w.u64(seed)
        w.u64(UInt64(index))
        let digest = SHA256.hash(data: Array("solarb-market-\(role)".utf8) + w.bytes)
        return try! Keypair(seed: Array(digest))  // 32 bytes by construction
    }

    // MARK: per slot

    /// Moves fair prices one slot: normal-ish step with the token's volatility, plus jumps.
    mutating func moveFairPrices() {
        for i in tokens.indices {
            var d = rng.normalish(sd: tokens[i].volatilityPpm)
            if rng.chance(bps: tokens[i].jumpProbabilityBps) {
                d += rng.uniform(0...1) == 0 ? Int64(tokens[i].jumpPpm) : -Int64(tokens[i].jumpPpm)
            }
            let p = Int128(tokens[i].fairPriceMicroUsd) * Int128(1_000_000 + d) / 1_000_000
            tokens[i].fairPriceMicroUsd = UInt64(max(1, min(p, Int128(UInt64.max / 4))))
        }
    }

    /// Before the slot's block: prices move, noise traders and searchers submit their transactions.
    mutating func beforeBlock(bank: inout Bank) {
        moveFairPrices()
        if let n = scenario.noiseTraders, n.count > 0, !pools.isEmpty {
            for t in 0..<n.count {
                for _ in 0..<n.swapsPerSlot { noiseSwap(trader: noiseTraders[t], config: n, bank: &bank) }
            }
        }
        if let s = scenario.searchers, s.count > 0 {
            let lag = Int(scenario.searcherLatencySlots)
            let view = lag < history.count ? history[lag] : history.last ?? pools.map(\.venue)
            for k in 0..<s.count { searcherAct(searcher: searchers[k], config: s, view: view, bank: &bank) }
        }
    }

    /// After the block: pools touched by it are re-decoded from the ledger, captured profit is booked and the
    /// state is queued for ground truth.
    mutating func afterBlock(bank: Bank, summary: BlockSummary) {
        let changed = Set(summary.changedAccounts)
        let source = BankAccountSource(bank)
        for i in pools.indices where pools[i].venue.accountsToUpdate().contains(where: changed.contains) {
            var v = pools[i].venue
            if (try? v.update(from: source)) != nil { pools[i].venue = v }
        }
        history.insert(pools.map(\.venue), at: 0)
        let keep = Int(scenario.searcherLatencySlots) + 1
        if history.count > keep { history.removeLast(history.count - keep) }
        for r in summary.transactions where r.included { book(r) }
        pendingGroundTruth.append(
            GroundTruthSnapshot(slot: summary.slot, pools: pools.map { VenueGroundTruthPool($0.venue) }, tokens: tokens)
        )
        // Bounded queue: when ground truth falls behind the slots, the oldest snapshots are skipped (counted).
        if pendingGroundTruth.count > Self.maxPendingGroundTruth {
            let drop = pendingGroundTruth.count - Self.maxPendingGroundTruth
            pendingGroundTruth.removeFirst(drop)
            groundTruthSkipped += drop
        }
    }

    mutating func book(_ r: ExecutionResult) {
        guard let signer = r.accountKeys.first else { return }
        var p = captured[signer] ?? SignerProfit()
        p.transactions += 1
        if r.error != nil { p.failed += 1 }
        let dl = Int64(r.postBalances[0]) - Int64(r.preBalances[0])
        p.lamports += dl
        var usd = Int128(dl) * Int128(token(mint: Mints.wrappedSOL)?.fairPriceMicroUsd ?? 0) / 1_000_000_000
        var deltas: [Address: Int64] = [:]
        for b in r.postTokenBalances where b.owner == signer { deltas[b.mint, default: 0] += Int64(b.amount) }
        for b in r.preTokenBalances where b.owner == signer { deltas[b.mint, default: 0] -= Int64(b.amount) }
        for (mint, d) in deltas where d != 0 {
            p.tokens[mint, default: 0] += d
            if let t = token(mint: mint) {
                usd += Int128(d) * Int128(t.fairPriceMicroUsd) / Int128(pow10(t.decimals))
            }
        }
        p.microUsd += Int64(clamping: usd)
        captured[signer] = p
    }

    // MARK: noise traders

    /// Pool rate of A in B (B units per A unit, × 1e12) from a small quote, and the fair one.
    func rates(_ pool: MarketPool, probeMicroUsd: UInt64) -> (pool: UInt128, fair: UInt128)? {
        guard let a = token(mint: pool.venue.mintA), let b = token(mint: pool.venue.mintB) else { return nil }
        let x = a.units(microUsd: probeMicroUsd)
        guard let q = try? pool.venue.quote(QuoteRequest(amount: x, direction: .aToB)), q.amountOut > 0 else {
            return nil
        }
        // Undo the fee so the rate is the pool's mid price.
        let gross = UInt128(q.amountOut) * 1_000_000_000_000 / UInt128(max(1, q.amountIn - min(q.fee, q.amountIn - 1)))
        let fair =
            UInt128(a.fairPriceMicroUsd) * pow10(b.decimals) * 1_000_000_000_000
            / (UInt128(max(1, b.fairPriceMicroUsd)) * pow10(a.decimals))
        return (gross, fair)
    }

    mutating func noiseSwap(trader: Keypair, config n: Scenario.NoiseTraders, bank: inout Bank) {
        let i = Int(rng.uniform(0...UInt64(pools.count - 1)))
        let pool = pools[i]
        let towards = rng.uniform(0...99) < (n.towardFairPercent ?? 0)
        var direction: SwapDirection = rng.uniform(0...1) == 0 ? .aToB : .bToA
        if towards, let r = rates(pool, probeMicroUsd: 10_000_000) {
            // A is dear in the pool (more B per A than fair): selling A moves the pool towards fair.
            direction = r.pool > r.fair ? .aToB : .bToA
        }
        let sizeMicro = rng.logUniform(n.minSizeUsd.micro, n.maxSizeUsd.micro)
        let priority = rng.uniform(0...(n.maxPriorityMicroLamports ?? 0))
        let inputMint = direction == .aToB ? pool.venue.mintA : pool.venue.mintB
        guard let input = token(mint: inputMint) else { return }
        let amount = input.units(microUsd: sizeMicro)
        let leg = SwapLeg(venue: pool.venue, direction: direction, amountIn: amount, minimumOut: 1)
        if let bytes = Self.transaction(
            owner: trader, legs: [leg], tables: [pool.table], priority: priority, tip: nil, bank: bank),
            (try? bank.submit(bytes)) != nil
        {
            noiseSubmissions += 1
        }
    }

    /// A signed v0 swap transaction through the pools' lookup tables (nil when it cannot be built or exceeds
    /// the 1,232-byte packet limit).
    static func transaction(
        owner: Keypair, legs: [SwapLeg], tables: [AddressLookupTableAccount], priority: UInt64,
        tip: (Address, UInt64)?, bank: Bank
    ) -> [UInt8]? {
        guard
            var ixs = try? SwapTransaction.instructions(
                owner: owner.address, legs: legs, computeUnitLimit: UInt32(120_000 + 100_000 * legs.count),
                microLamportsPerComputeUnit: priority)
        else { return nil }
        if let (account, lamports) = tip, lamports > 0 {
            ixs.append(SystemProgram.transfer(from: owner.address, to: account, lamports: lamports))
        }
        guard
            let m = try? V0Message(
                instructions: ixs, payer: owner.address, recentBlockhash: bank.latestBlockhash, lookupTables: tables),
            let signed = try? VersionedTransaction.signedWireBytes(message: .v0(m), signers: [owner]),
            signed.bytes.count <= 1232
        else { return nil }
        return signed.bytes
    }

    // MARK: competing searchers

    /// Anchor-like: on its (stale) view, tries every cycle at the three grid sizes, sends the best if it clears
    /// the minimum profit, with fixed priority fee and tip. The last leg's minimum out is the input + 1, so a
    /// stale trade reverts instead of losing tokens.
    mutating func searcherAct(searcher: Keypair, config s: Scenario.Searchers, view: [any Venue], bank: inout Bank) {
        let quoted = view.map { VenueGroundTruthPool($0) }
        var best: (cycle: ArbCycle, amountIn: UInt64, outs: [UInt64], usd: UInt64)? = nil
        for cycle in cycles {
            guard let base = token(mint: cycle.base) else { continue }
            for size in s.gridUsd {
                let x = base.units(microUsd: size.micro)
                var amount = x
                var outs: [UInt64] = []
                for leg in cycle.legs {
                    guard let o = quoted[leg.pool].amountOut(amount, leg.direction), o > 0 else {
                        outs = []
                        break
                    }
                    outs.append(o)
                    amount = o
                }
                guard outs.count == cycle.legs.count, amount > x else { continue }
                let usd = base.microUsd(units: amount - x)
                if best == nil || usd > best!.usd { best = (cycle, x, outs, usd) }
            }
        }
        guard let b = best, b.usd >= (s.minProfitUsd?.micro ?? 0), b.usd > 0 else { return }
        var legs: [SwapLeg] = []
        var input = b.amountIn
        for (k, leg) in b.cycle.legs.enumerated() {
            let last = k == b.cycle.legs.count - 1
            legs.append(
                SwapLeg(
                    venue: pools[leg.pool].venue, direction: leg.direction, amountIn: input,
                    minimumOut: last ? b.amountIn + 1 : b.outs[k]))
            input = b.outs[k]
        }
        let tipLamports = s.tipLamports ?? 0
        let tipAccount = JitoTipAccounts.all[tipRotation % JitoTipAccounts.all.count]
        tipRotation += 1
        guard
            let bytes = Self.transaction(
                owner: searcher, legs: legs, tables: b.cycle.legs.map { pools[$0.pool].table },
                priority: s.priorityMicroLamports,
                tip: tipLamports > 0 ? (tipAccount, tipLamports) : nil, bank: bank)
        else { return }
        if tipLamports > 0 {
            if (try? bank.submitBundle([bytes])) != nil { searcherSubmissions += 1 }
        } else if (try? bank.submit(bytes)) != nil {
            searcherSubmissions += 1
        }
    }

    // MARK: ground truth

    /// Ground truth of one snapshot (pure work on copies).
    public static func compute(_ snapshot: GroundTruthSnapshot, cycles: [ArbCycle], options: GroundTruth.Options)
        -> GroundTruthRecord
    {
        computeWithStats(snapshot, cycles: cycles, options: options).record
    }

    /// `compute`, with the search's counters (benchmarks).
    public static func computeWithStats(
        _ snapshot: GroundTruthSnapshot, cycles: [ArbCycle], options: GroundTruth.Options
    ) -> (record: GroundTruthRecord, result: GroundTruth.Result) {
        let byMint = Dictionary(snapshot.tokens.map { ($0.mint, $0) }, uniquingKeysWith: { a, _ in a })
        let r = GroundTruth.solve(
            pools: snapshot.pools, cycles: cycles, probe: { byMint[$0]?.units(microUsd: 1_000_000) ?? 1 },
            microUsd: { byMint[$0]?.microUsd(units: $1) ?? 0 }, options: options)
        let record = GroundTruthRecord(
            slot: snapshot.slot, best: r.best, profitableCycles: r.profitableCycles, selected: r.selected,
            availableMicroUsd: r.availableMicroUsd)
        return (record, r)
    }

    mutating func drainGroundTruth() {
        for s in pendingGroundTruth {
            groundTruth[s.slot] = Self.compute(s, cycles: cycles, options: groundTruthOptions)
        }
        pendingGroundTruth.removeAll()
    }
}
