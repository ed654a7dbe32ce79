import ArbEngine
import ArbFeatures
import ArbFeeds
import ArbRPC
import ArbState
import ArbVenues
import Logging
import SolanaPrimitives
import Synchronization

/// The bot's pipeline: pools → initial snapshot → PubSub feed into `FeedState` → on each batch of account
/// updates: venues updated, `ArbEngine` re-evaluates the cycles through the touched pools → best disjoint
/// opportunities → optional AI gate → `Executor`. Stops on `requestStop()` (signal handlers call it), on the
/// configured duration or slot count; then drains: no new opportunity is taken, in-flight trades are awaited,
/// the executor is told to finish (journal flush).
public final class ArbRuntime: Sendable {
    public let configuration: RuntimeConfiguration
    let rpc: RPCClient
    let wsURL: String
    let executor: any Executor
    public let blockhashes: BlockhashCache
    let logger: Logger
    let statusBox = Mutex(RuntimeStatus())
    let stop = StopSignal()
    let results = Mutex<[CompletedTrade]>([])
    let busyPools = Mutex(BusyPools())
    let landRing = Mutex(LandRate())

    public init(
        configuration: RuntimeConfiguration, rpc: RPCClient, wsURL: String, executor: any Executor,
        blockhashes: BlockhashCache, logger: Logger
    ) {
        self.configuration = configuration
        self.rpc = rpc
        self.wsURL = wsURL
        self.executor = executor
        self.blockhashes = blockhashes
        self.logger = logger
    }

    /// A copy of the counters.
    public var status: RuntimeStatus { statusBox.withLock { $0 } }

    /// Every finished trade so far (the decision and its result), in completion order.
    public var completedTrades: [CompletedTrade] { results.withLock { $0 } }

    /// Begin draining (idempotent; safe from any task or a signal handler task).
    public func requestStop() { stop.fire() }

    public var isStopping: Bool { stop.isFired }

    var commitment: Commitment { Commitment(rawValue: configuration.commitment) ?? .processed }

    // MARK: run

    /// Runs until stopped, then drains. Returns the final status.
    @discardableResult
    public func run() async throws(RuntimeError) -> RuntimeStatus {
        let pools: [Address]
        if configuration.pools.isEmpty {
            pools = try await PoolDiscovery.discover(rpc: rpc, commitment: commitment)
            logger.info("discovered pools", metadata: ["count": "\(pools.count)"])
        } else {
            pools = configuration.pools
        }
        let snap = try await PoolDiscovery.snapshot(pools: pools, rpc: rpc, commitment: commitment, logger: logger)
        guard !snap.venues.isEmpty else {
            throw RuntimeError(.noPools, "none of the \(pools.count) pools could be decoded: nothing to trade")
        }
        var book = PoolBook()
        for v in snap.venues { book.add(v) }
        let state = FeedState(configuration: .init(maxLagSlots: 4))
        for a in snap.accounts { state.apply(a) }
        for a in snap.absences { state.applyAbsence(a) }
        var engine = ArbEngine<AnyPoolQuoter>(config: configuration.engineConfig())
        for p in book.order {
            guard let v = book.venue(p) else { continue }
            engine.insert(.of(v), slot: snap.slot)
            if let h = engine.poolHandle(p) { book.setHandle(p, h) }
        }
        engine.rebuildIndex()
        let subscriptions = book.subscriptionOrder
        statusBox.withLock {
            $0.pools = book.count
            $0.poolsRejected = snap.rejected.count
            $0.cycles = engine.stats.cycles
            $0.accounts = subscriptions.count
            $0.slot = snap.slot
            $0.startSlot = snap.slot
        }
        logger.info(
            "pools loaded",
            metadata: [
                "pools": "\(book.count)", "rejected": "\(snap.rejected.count)", "cycles": "\(engine.stats.cycles)",
                "accounts": "\(subscriptions.count)",
            ])
        await refreshBlockhash()
        var mints: [Address] = []
        for p in book.order {
            guard let v = book.venue(p) else { continue }
            for m in [v.mintA, v.mintB] where !mints.contains(m) { mints.append(m) }
        }
        try await executor.prepare(mints: mints)

        let feed = AccountFeed(
            configuration: FeedConfiguration(
                url: wsURL, accounts: subscriptions, commitment: commitment, referenceSlotInterval: .milliseconds(400)),
            rpc: rpc, state: state, logger: logger)
        let inbox = Inbox()
        let (trades, tradeSink) = AsyncStream.makeStream(of: TradeRequest.self)
        let (fetches, fetchSink) = AsyncStream.makeStream(of: [Address].self, bufferingPolicy: .bufferingNewest(64))
        let startSlot = snap.slot
        let modelPath = configuration.modelPath
        let threshold = configuration.gateThreshold
        let engineCopy = engine
        let bookCopy = book

        await withTaskGroup(of: Void.self) { services in
            services.addTask { await feed.run() }
            services.addTask { await self.pump(state: state, into: inbox) }
            services.addTask { await self.blockhashLoop() }
            services.addTask {
                await self.watchLimits(state: state, startSlot: startSlot, pools: bookCopy.order, inbox: inbox)
            }
            services.addTask { await self.fetchLoop(fetches, state: state) }
            services.addTask {
                await self.stop.wait()
                inbox.close()
            }
            services.addTask {
                var book = bookCopy
                var engine = engineCopy
                var gate: AIGate?
                if let modelPath {
                    do { gate = try AIGate(modelPath: modelPath, threshold: threshold) } catch {
                        self.logger.error("AI gate disabled", metadata: ["error": "\(error)"])
                    }
                }
                await self.decide(
                    inbox: inbox, state: state, book: &book, engine: &engine, gate: gate, trades: tradeSink,
                    fetch: fetchSink)
                tradeSink.finish()
            }
            // Dispatcher: every decision runs concurrently; the group waits for in-flight trades when draining.
            await withDiscardingTaskGroup { inFlight in
                for await trade in trades {
                    inFlight.addTask { await self.execute(trade, inbox: inbox) }
                }
            }
            await executor.finish()
            services.cancelAll()
        }
        statusBox.withLock { $0.slot = max($0.slot, state.withStore { $0.newestKnownSlot }) }
        return status
    }

    // MARK: tasks

    /// Moves applied updates from the feed into the decision inbox, stamped with their receipt time.
    func pump(state: FeedState, into inbox: Inbox) async {
        for await u in state.updates {
            inbox.push(u.address, slot: u.slot, at: .now)
        }
    }

    func blockhashLoop() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .milliseconds(200)) } catch { return }
            await refreshBlockhash()
        }
    }

    func refreshBlockhash() async {
        do {
            let r = try await rpc.getLatestBlockhash(commitment: commitment)
            blockhashes.set(r.value)
        } catch {
            logger.debug("getLatestBlockhash failed", metadata: ["error": "\(error.code)"])
        }
    }

    /// Publishes slot and freshness, stops at the configured limits, and when the feed becomes fresh (at start
    /// and after every resync) hands every pool to the decision loop: the whole market is re-evaluated once,
    /// so a dislocation that was already there (or arose while disconnected) is seen without waiting for a change.
    func watchLimits(state: FeedState, startSlot: UInt64, pools: [Address], inbox: Inbox) async {
        let clock = ContinuousClock()
        let start = clock.now
        var wasFresh = false
        while !Task.isCancelled && !stop.isFired {
            let (slot, fresh) = state.withStore { ($0.newestKnownSlot, $0.freshness.isFresh) }
            statusBox.withLock {
                $0.slot = max($0.slot, slot)
                $0.fresh = fresh
            }
            if fresh && !wasFresh {
                let now = ContinuousClock.now
                for p in pools { inbox.push(p, slot: slot, at: now) }
            }
            wasFresh = fresh
            if let n = configuration.maxSlots, slot >= startSlot + n {
                logger.info("slot limit reached", metadata: ["slots": "\(n)"])
                stop.fire()
            }
            if let d = configuration.durationSeconds, clock.now - start >= .milliseconds(Int64(d * 1000)) {
                logger.info("duration reached", metadata: ["seconds": "\(d)"])
                stop.fire()
            }
            do { try await Task.sleep(for: .milliseconds(20)) } catch { return }
        }
    }

    /// Fetches accounts a venue came to need (new tick/bin arrays) into the state (they are not subscribed:
    /// re-read whenever the venue asks again).
    func fetchLoop(_ requests: AsyncStream<[Address]>, state: FeedState) async {
        for await addresses in requests {
            do {
                let r = try await rpc.getMultipleAccounts(addresses, commitment: commitment, source: .snapshot)
                for (_, a) in r.accounts { state.apply(a) }
                for a in r.absent { state.applyAbsence(a) }
            } catch {
                logger.debug("dependency fetch failed", metadata: ["error": "\(error.code)"])
            }
        }
    }

    // MARK: decisions

    /// A pool whose dependency (vault, array) changed is evaluated when its own state account's notification of
    /// the same slot arrives (the feed subscribes each pool's state account after its other accounts, so on a
    /// cluster that notifies in subscription order, as the simulated cluster does, it arrives last), or once the
    /// feed has moved past that slot (every notification of the slot has then been delivered: a swap that left
    /// the state account's bytes unchanged sends none), or at the latest `settleLimit` after the first one.
    static let settleLimit: Duration = .milliseconds(1)

    func decide(
        inbox: Inbox, state: FeedState, book: inout PoolBook, engine: inout ArbEngine<AnyPoolQuoter>,
        gate: AIGate?, trades: AsyncStream<TradeRequest>.Continuation, fetch: AsyncStream<[Address]>.Continuation
    ) async {
        var nextID: UInt64 = 1
        var candidates: [RankedCandidate] = []
        var seenCycles = Set<Int32>()
        var touched: [Address] = []
        // Pools to evaluate now (their state account arrived), and pools waiting for it (deadline, first receipt).
        var ready: [Address: ContinuousClock.Instant] = [:]
        var waiting: [Address: (slot: UInt64, deadline: ContinuousClock.Instant, received: ContinuousClock.Instant)] =
            [:]
        var maxSlot: UInt64 = 0
        while true {
            let batch: Inbox.Batch?
            if waiting.isEmpty {
                guard let b = await inbox.next() else { break }
                batch = b
            } else {
                batch = inbox.tryTake()
                if batch == nil {
                    if inbox.isClosed { break }
                    let oldest = waiting.values.map(\.received).min() ?? .now
                    let waited = ContinuousClock.now - oldest
                    try? await Task.sleep(for: waited < .milliseconds(2) ? .microseconds(100) : .milliseconds(1))
                }
            }
            if stop.isFired { break }
            if let batch {
                for (address, slot) in batch.updates {
                    maxSlot = max(maxSlot, slot)
                    if address == SysvarIDs.clock { continue }  // read by CPMM, changes every slot: not a trigger
                    for p in book.dependents[address] ?? [] {
                        if p == address {
                            let received = waiting.removeValue(forKey: p)?.received ?? batch.firstReceived
                            ready[p] = min(ready[p] ?? received, received)
                        } else if ready[p] == nil, waiting[p] == nil {
                            waiting[p] = (slot, batch.firstReceived + Self.settleLimit, batch.firstReceived)
                        }
                    }
                }
                statusBox.withLock {
                    $0.updates += UInt64(batch.updates.count)
                    $0.batches += 1
                }
            }
            let now = ContinuousClock.now
            let feedSlot = waiting.isEmpty ? 0 : state.withStore { $0.feedSlot }
            for (p, w) in waiting where w.deadline <= now || feedSlot > w.slot {
                ready[p] = w.received
                waiting[p] = nil
            }
            guard !ready.isEmpty else { continue }
            touched.removeAll(keepingCapacity: true)
            var received = now
            for p in book.order where ready[p] != nil {
                touched.append(p)
                received = min(received, ready[p]!)
            }
            let store = state.snapshot()
            if logger.logLevel <= .trace {
                for p in touched {
                    let deps = (book.entries[p]?.dependencies ?? []).map {
                        "\($0.base58.prefix(4))@\(store.read($0)?.slot ?? 0)"
                    }
                    logger.trace("evaluate", metadata: ["pool": "\(p.base58.prefix(6))", "deps": "\(deps)"])
                }
            }
            ready.removeAll(keepingCapacity: true)
            let source = StoreSource(store: store)
            // Phase 1: every touched venue brought up to date, then inserted without evaluation, so that the
            // evaluation in phase 2 sees all of this batch's pool states.
            var updated: [(Int, AnyPoolQuoter, UInt64)] = []
            var venueErrors: UInt64 = 0
            for p in touched {
                do {
                    let missing = try book.refresh(p, from: source)
                    if !missing.isEmpty { fetch.yield(missing) }
                } catch {
                    venueErrors += 1
                    if error.code == .missingAccount { fetch.yield(book.entries[p]?.dependencies ?? []) }
                    continue
                }
                guard let h = book.entries[p]?.handle, let v = book.venue(p) else { continue }
                let q = AnyPoolQuoter.of(v)
                let slot = store.read(p)?.slot ?? maxSlot
                engine.insert(q, slot: slot)
                updated.append((h, q, slot))
            }
            // Phase 2: evaluate the cycles through each touched pool; keep each cycle once.
            candidates.removeAll(keepingCapacity: true)
            seenCycles.removeAll(keepingCapacity: true)
            for (h, q, slot) in updated {
                engine.update(poolAt: h, q, slot: slot)
                for r in engine.ranked where seenCycles.insert(r.cycle).inserted { candidates.append(r) }
            }
            candidates.sort {
                $0.netProfitLamports != $1.netProfitLamports
                    ? $0.netProfitLamports > $1.netProfitLamports : $0.cycle < $1.cycle
            }
            statusBox.withLock {
                $0.venueErrors += venueErrors
                $0.opportunities += UInt64(candidates.count)
            }
            guard !candidates.isEmpty else { continue }
            guard state.freshness.isFresh else {
                statusBox.withLock { $0.skippedStale += UInt64(candidates.count) }
                continue
            }
            // Best first; pools disjoint from each other and from trades in flight.
            for r in candidates {
                let legs = engine.legs(of: r)
                let pools = legs.map(\.pool)
                // A pool claimed by a better candidate of this batch is busy: `acquire` refuses and defers it.
                let acquired = busyPools.withLock { $0.acquire(pools) }
                guard acquired else {
                    statusBox.withLock { $0.skippedBusy += 1 }
                    continue
                }
                let opportunity = engine.opportunity(r)
                var score: Float?
                if let gate {
                    let features = OpportunityFeatures.of(
                        opportunity, computeUnitPrice: configuration.computeUnitPriceMicroLamports,
                        recentLandRate: landRing.withLock { $0.rate })
                    let s = gate.score(features)
                    score = s
                    if !gate.allows(s) {
                        busyPools.withLock { $0.cancel(pools) }
                        statusBox.withLock { $0.gatedOut += 1 }
                        continue
                    }
                }
                let venues = pools.compactMap { book.venue($0) }
                let request = TradeRequest(
                    id: nextID, opportunity: opportunity, venues: venues, notificationReceived: received,
                    gateScore: score)
                nextID += 1
                statusBox.withLock {
                    $0.submitted += 1
                    $0.inFlight += 1
                    $0.expectedSubmittedLamports &+= opportunity.netProfitLamports
                }
                trades.yield(request)
            }
        }
    }

    func execute(_ trade: TradeRequest, inbox: Inbox? = nil) async {
        let result = await executor.execute(trade)
        let pools = trade.opportunity.legs.map(\.pool)
        // Pools skipped while this trade was in flight are evaluated again now, on the current state.
        let retry = busyPools.withLock { $0.release(pools) }
        if let inbox, !retry.isEmpty {
            let now = ContinuousClock.now
            for p in retry { inbox.push(p, slot: 0, at: now) }
            statusBox.withLock { $0.reevaluatedAfterBusy += UInt64(retry.count) }
        }
        landRing.withLock { $0.record(result.outcome.landedOnChain ? (result.outcome.label == "landed") : nil) }
        statusBox.withLock { s in
            s.inFlight -= 1
            s.outcomes[result.outcome.label, default: 0] += 1
            if let at = result.signedAt {
                let d = at - trade.notificationReceived
                let (sec, atto) = d.components
                s.latency.record(UInt64(clamping: max(0, sec * 1_000_000_000 + atto / 1_000_000_000)))
            }
            switch result.outcome {
            case .landed(let actual):
                s.expectedLandedLamports &+= trade.opportunity.netProfitLamports
                if let actual { s.pnlLamports &+= actual }
            case .revertedByGuard, .revertedBySlippage, .failed:
                if let fee = result.feeLamports { s.pnlLamports &-= Int64(clamping: fee) }
            default: break
            }
        }
        results.withLock { $0.append(CompletedTrade(request: trade, result: result)) }
        logger.debug(
            "trade",
            metadata: [
                "id": "\(trade.id)", "outcome": "\(result.outcome.label)",
                "expected": "\(trade.opportunity.netProfitLamports)",
                "signature": "\(result.signature.map { "\($0)" } ?? "-")",
            ])
    }
}

/// A decision and what became of it.
public struct CompletedTrade: Sendable {
    public var request: TradeRequest
    public var result: TradeResult
}

/// Outcomes of the last 100 sent trades (for the gate's `recent_land_rate`).
struct LandRate: Sendable {
    var ring: [Bool] = []
    var next = 0
    mutating func record(_ landed: Bool?) {
        guard let landed else { return }
        if ring.count < 100 {
            ring.append(landed)
        } else {
            ring[next] = landed
            next = (next + 1) % 100
        }
    }
    var rate: Double { ring.isEmpty ? 1 : Double(ring.filter { $0 }.count) / Double(ring.count) }
}

/// A one-shot stop signal that tasks can wait on.
final class StopSignal: Sendable {
    let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    var isFired: Bool { state.withLock { $0.fired } }

    func fire() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard !s.fired else { return [] }
            s.fired = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.fired { return true }
                s.waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }
}

/// Account updates waiting for the decision loop. The loop takes everything that has arrived at once (after
/// yielding once, so the rest of a burst being decoded can land), so a burst of notifications for one block
/// (a pool and its vaults, several pools) is evaluated together.
final class Inbox: Sendable {
    struct Batch {
        var updates: [(Address, UInt64)]
        var firstReceived: ContinuousClock.Instant
    }

    struct State {
        var updates: [(Address, UInt64)] = []
        var firstReceived: ContinuousClock.Instant?
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    let state = Mutex(State())

    func push(_ address: Address, slot: UInt64, at time: ContinuousClock.Instant) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.closed else { return nil }
            s.updates.append((address, slot))
            if s.firstReceived == nil { s.firstReceived = time }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    func close() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.closed = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Everything pushed since the last batch, without waiting (nil when nothing is there or closed).
    func tryTake() -> Batch? {
        state.withLock { s -> Batch? in
            guard !s.closed, let first = s.firstReceived else { return nil }
            defer {
                s.updates.removeAll(keepingCapacity: true)
                s.firstReceived = nil
            }
            return Batch(updates: s.updates, firstReceived: first)
        }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// The next batch (everything pushed since the last one), or nil once closed.
    func next() async -> Batch? {
        while true {
            let status = state.withLock { s -> Int in s.closed ? 0 : (s.firstReceived != nil ? 1 : 2) }
            if status == 0 { return nil }
            if status == 2 {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s -> Bool in
                        if s.closed || s.firstReceived != nil { return true }
                        s.waiter = c
                        return false
                    }
                    if resumeNow { c.resume() }
                }
                continue
            }
            await Task.yield()
            let batch = state.withLock { s -> Batch? in
                if s.closed { return nil }
                guard let first = s.firstReceived else { return nil }
                defer {
                    s.updates.removeAll(keepingCapacity: true)
                    s.firstReceived = nil
                }
                return Batch(updates: s.updates, firstReceived: first)
            }
            if let batch { return batch }
            if state.withLock({ $0.closed }) { return nil }
        }
    }
}
