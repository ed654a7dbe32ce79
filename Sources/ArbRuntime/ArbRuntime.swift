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
        // Nobody reads `state.updates`: the inbox is fed by the observer below, so the stream keeps nothing.
        let state = FeedState(configuration: .init(maxLagSlots: 4), buffering: .bufferingNewest(0))
        for a in snap.accounts { state.apply(a) }
        for a in snap.absences { state.applyAbsence(a) }
        var engine = ArbEngine<AnyPoolQuoter>(config: configuration.engineConfig())
        for p in book.order {
            guard let v = book.venue(p) else { continue }
            engine.insert(.of(v), slot: snap.slot)
            if let h = engine.poolHandle(p) { book.setHandle(p, h) }
        }
        engine.rebuildIndex()
        // Which of each pool's accounts every swap writes (its state and vaults): when all of them have arrived
        // for a slot, the pool's update for that slot is complete and it is evaluated without waiting.
        state.withStore { store in book.computeSwapWritten { store.read($0)?.account?.owner } }
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
        // Applied updates go straight from the feed's task into the decision inbox, stamped with the receipt time
        // of the message that carried them (no hop through a stream and a pump task).
        state.observeApplied { update, receivedAt in inbox.push(update.address, slot: update.slot, at: receivedAt) }
        let (fetches, fetchSink) = AsyncStream.makeStream(of: [Address].self, bufferingPolicy: .bufferingNewest(64))
        let startSlot = snap.slot
        let modelPath = configuration.modelPath
        let threshold = configuration.gateThreshold

        await withTaskGroup(of: Void.self) { services in
            services.addTask { await feed.run() }
            services.addTask { await self.blockhashLoop() }
            services.addTask {
                await self.watchLimits(state: state, startSlot: startSlot, inbox: inbox)
            }
            services.addTask { await self.fetchLoop(fetches, state: state) }
            services.addTask {
                await self.stop.wait()
                inbox.close()
            }
            var gate: AIGate?
            if let modelPath {
                do { gate = try AIGate(modelPath: modelPath, threshold: threshold) } catch {
                    self.logger.error("AI gate disabled", metadata: ["error": "\(error)"])
                }
            }
            // The decision loop runs here; every decision it takes becomes a child task of `inFlight` directly
            // (one task hop, no dispatcher stream); the group waits for in-flight trades when draining.
            await withDiscardingTaskGroup { inFlight in
                await self.decide(
                    inbox: inbox, state: state, book: &book, engine: &engine, gate: gate,
                    submit: { trade in inFlight.addTask { await self.execute(trade, inbox: inbox) } }, fetch: fetchSink)
            }
            await executor.finish()
            services.cancelAll()
        }
        state.observeApplied(nil)
        statusBox.withLock { $0.slot = max($0.slot, state.withStore { $0.newestKnownSlot }) }
        return status
    }

    // MARK: tasks

    func blockhashLoop() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .milliseconds(200)) } catch { return }
            await refreshBlockhash()
        }
    }

    /// The commitment of the blockhash a transaction is signed with: at least `confirmed`, whatever the feed's.
    /// A `processed` blockhash can come from a fork that is then dropped; a transaction carrying it can never
    /// land, and it only expires after ~150 blocks, holding its pools (and the journal pending) meanwhile.
    static func blockhashCommitment(_ feed: Commitment) -> Commitment { feed == .finalized ? .finalized : .confirmed }

    func refreshBlockhash() async {
        do {
            let r = try await rpc.getLatestBlockhash(commitment: Self.blockhashCommitment(commitment))
            blockhashes.set(r.value)
        } catch {
            logger.debug("getLatestBlockhash failed", metadata: ["error": "\(error.code)"])
        }
    }

    /// Publishes slot and freshness, stops at the configured limits, and when the feed becomes fresh (at start
    /// and after every resync) hands every pool to the decision loop: the whole market is re-evaluated once,
    /// so a dislocation that was already there (or arose while disconnected) is seen without waiting for a change.
    func watchLimits(state: FeedState, startSlot: UInt64, inbox: Inbox) async {
        let clock = ContinuousClock()
        let start = clock.now
        var wasFresh = false
        while !Task.isCancelled && !stop.isFired {
            let (slot, fresh) = state.withStore { ($0.newestKnownSlot, $0.freshness.isFresh) }
            statusBox.withLock {
                $0.slot = max($0.slot, slot)
                $0.fresh = fresh
            }
            if fresh && !wasFresh { inbox.requestFullEvaluation(at: .now) }
            wasFresh = fresh
            if let n = configuration.maxSlots, slot >= startSlot, slot - startSlot >= n {
                logger.info("slot limit reached", metadata: ["slots": "\(n)"])
                stop.fire()
            }
            if let d = configuration.durationSeconds, clock.now - start >= RuntimeConfiguration.duration(seconds: d) {
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

    func decide(
        inbox: Inbox, state: FeedState, book: inout PoolBook, engine: inout ArbEngine<AnyPoolQuoter>,
        gate: AIGate?, submit: (TradeRequest) -> Void, fetch: AsyncStream<[Address]>.Continuation
    ) async {
        var nextID: UInt64 = 1
        var candidates: [RankedCandidate] = []
        var seenCycles = Set<Int32>()
        var touched: [Address] = []
        // Pools to evaluate now (their update is complete), and pools waiting for the rest of it.
        var settle = SettleTracker()
        var maxSlot: UInt64 = 0
        while true {
            let batch: Inbox.Batch?
            if let earliest = settle.earliestDeadline {
                // Sleep until the next notification or the earliest deadline, whichever comes first.
                batch = await inbox.next(until: earliest)
                if batch == nil, inbox.isClosed { break }
            } else {
                guard let b = await inbox.next() else { break }
                batch = b
            }
            if stop.isFired { break }
            let woke = ContinuousClock.now
            if let batch {
                if batch.evaluateAll {
                    for p in book.order { settle.release(p, received: batch.firstReceived) }
                }
                for (address, slot, at) in batch.updates {
                    maxSlot = max(maxSlot, slot)
                    if address == SysvarIDs.clock { continue }  // read by CPMM, changes every slot: not a trigger
                    for p in book.dependents[address] ?? [] {
                        settle.note(address, slot: slot, at: at, pool: p, needs: book.entries[p]?.swapWritten ?? [p])
                    }
                }
                statusBox.withLock {
                    $0.updates += UInt64(batch.updates.count)
                    $0.batches += 1
                }
            }
            if settle.hasWaiting { settle.expire(now: woke, feedSlot: state.withStore { $0.feedSlot }) }
            if settle.released != (0, 0, 0) {
                let r = settle.released
                statusBox.withLock {
                    $0.settledComplete += r.complete
                    $0.settledFeedPassed += r.feedPassed
                    $0.settledDeadline += r.deadline
                }
                settle.released = (0, 0, 0)
            }
            var ready = settle.takeReady()
            guard !ready.isEmpty else { continue }
            touched.removeAll(keepingCapacity: true)
            var received = woke
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
            settle.giveBack(ready)
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
            let venuesUpdated = ContinuousClock.now
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
            let engineDone = ContinuousClock.now
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
                var request = TradeRequest(
                    id: nextID, opportunity: opportunity, venues: venues, notificationReceived: received,
                    gateScore: score)
                request.timeline.mark(.decideStart, at: woke)
                request.timeline.mark(.venuesUpdated, at: venuesUpdated)
                request.timeline.mark(.engineDone, at: engineDone)
                nextID += 1
                statusBox.withLock {
                    $0.submitted += 1
                    $0.inFlight += 1
                    $0.expectedSubmittedLamports &+= opportunity.netProfitLamports
                }
                submit(request)
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
            s.record(result.timeline ?? trade.timeline)
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

/// When a pool whose accounts changed in a slot is evaluated: as soon as its update for that slot is complete —
/// every account that any swap on it writes (its state account and its token vaults, `PoolBook.swapWritten`)
/// has been notified for the slot (a cluster writes a transaction's accounts together, so nothing of that swap
/// is still missing). Otherwise (a change that is not a swap: a transfer into a vault, an array alone, a state
/// change without vault movement) it is evaluated once the feed has moved past that slot (every notification of
/// the slot has then been delivered) or at the latest `settleLimit` after its first notification. The decision
/// loop never polls: it sleeps in the inbox until the next notification or `earliestDeadline`.
struct SettleTracker {
    static let settleLimit: Duration = .milliseconds(1)

    /// A pool waiting for the rest of its slot's update.
    struct Waiting {
        var slot: UInt64
        var deadline: ContinuousClock.Instant
        /// Receipt of the pool's first notification of the slot.
        var received: ContinuousClock.Instant
        /// Which of its accounts arrived for the slot.
        var arrived: [Address]
    }

    private(set) var waiting: [Address: Waiting] = [:]
    /// Pools to evaluate, with the receipt of their first notification.
    private(set) var ready: [Address: ContinuousClock.Instant] = [:]
    /// Pools released since the counters were last reset, by reason.
    var released = (complete: UInt64(0), feedPassed: UInt64(0), deadline: UInt64(0))

    var hasWaiting: Bool { !waiting.isEmpty }
    var earliestDeadline: ContinuousClock.Instant? { waiting.values.lazy.map(\.deadline).min() }

    /// `address` (a dependency of `pool`, or the pool itself) was notified for `slot`, received `at`; `needs` is
    /// the pool's `swapWritten`.
    mutating func note(
        _ address: Address, slot: UInt64, at: ContinuousClock.Instant, pool p: Address, needs: [Address]
    ) {
        var w = waiting[p] ?? Waiting(slot: slot, deadline: at + Self.settleLimit, received: at, arrived: [])
        // An update older than the slot the pool waits for (or a re-evaluation request, slot 0) neither completes
        // nor restarts it: the pool is evaluated on the current state when that slot completes or expires.
        if slot < w.slot { return }
        if slot > w.slot {
            // A newer slot: the older update is superseded; the deadline is not extended.
            w.slot = slot
            w.arrived.removeAll(keepingCapacity: true)
        }
        if !w.arrived.contains(address) { w.arrived.append(address) }
        if needs.allSatisfy(w.arrived.contains) {
            release(p, received: w.received)
            waiting[p] = nil
            released.complete += 1
        } else {
            waiting[p] = w
        }
    }

    /// Releases the pools whose deadline passed or whose slot the feed has moved past.
    mutating func expire(now: ContinuousClock.Instant, feedSlot: UInt64) {
        for (p, w) in waiting where w.deadline <= now || feedSlot > w.slot {
            release(p, received: w.received)
            waiting[p] = nil
            if feedSlot > w.slot { released.feedPassed += 1 } else { released.deadline += 1 }
        }
    }

    /// Marks `pool` ready now (keeping the earliest receipt).
    mutating func release(_ pool: Address, received: ContinuousClock.Instant) {
        ready[pool] = min(ready[pool] ?? received, received)
    }

    /// The ready pools; the tracker keeps none. `giveBack` returns the (emptied) dictionary's storage.
    mutating func takeReady() -> [Address: ContinuousClock.Instant] {
        defer { ready = [:] }
        return ready
    }

    mutating func giveBack(_ storage: [Address: ContinuousClock.Instant]) {
        if ready.isEmpty { ready = storage }
    }
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

/// Account updates waiting for the decision loop, each with the receipt time of its message. The loop takes
/// everything that has arrived at once; the feed pushes from its own task (no hop), and a waiting loop is
/// resumed by the push. `next(until:)` also wakes at a deadline (a pool waiting for the rest of its update).
final class Inbox: Sendable {
    struct Batch {
        var updates: [(Address, UInt64, ContinuousClock.Instant)]
        var firstReceived: ContinuousClock.Instant
        /// Every pool is to be evaluated (the feed became fresh: start, resync).
        var evaluateAll = false
    }

    struct State {
        var updates: [(Address, UInt64, ContinuousClock.Instant)] = []
        var firstReceived: ContinuousClock.Instant?
        var evaluateAll = false
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
        /// Bumped by every wait, so that a deadline timer of an earlier wait does not wake a later one.
        var waitGeneration: UInt64 = 0

        mutating func take() -> Batch? {
            guard !closed, let first = firstReceived else { return nil }
            defer {
                updates = []
                firstReceived = nil
                evaluateAll = false
            }
            return Batch(updates: updates, firstReceived: first, evaluateAll: evaluateAll)
        }
    }

    let state = Mutex(State())

    func push(_ address: Address, slot: UInt64, at time: ContinuousClock.Instant) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.closed else { return nil }
            s.updates.append((address, slot, time))
            if s.firstReceived == nil { s.firstReceived = time }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Asks the loop to evaluate every pool (the feed became fresh), as if each had a complete update at `time`.
    func requestFullEvaluation(at time: ContinuousClock.Instant) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.closed else { return nil }
            s.evaluateAll = true
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
    func tryTake() -> Batch? { state.withLock { $0.take() } }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// The next batch (everything pushed since the last one), or nil once closed.
    func next() async -> Batch? {
        while true {
            if let b = await wait(generation: nil, deadline: nil) { return b }
            if isClosed { return nil }
        }
    }

    /// The next batch, or nil at `deadline` (or once closed) if nothing arrived by then.
    func next(until deadline: ContinuousClock.Instant) async -> Batch? {
        if let b = tryTake() { return b }
        if isClosed || deadline <= .now { return nil }
        let generation = state.withLock { s -> UInt64 in
            s.waitGeneration &+= 1
            return s.waitGeneration
        }
        let timer = Task { [weak self] in
            do { try await Task.sleep(until: deadline, tolerance: .zero, clock: .continuous) } catch { return }
            self?.wake(generation: generation)
        }
        defer { timer.cancel() }
        return await wait(generation: generation, deadline: deadline)
    }

    /// Resumes the waiter of wait `generation` (if it is still waiting) without a batch.
    func wake(generation: UInt64) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard s.waitGeneration == generation else { return nil }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Waits until something is pushed, the inbox closes, or (for a timed wait) its deadline passes; then takes.
    /// The deadline is checked under the lock, so a timer that fired before the waiter registered is not lost.
    private func wait(generation: UInt64?, deadline: ContinuousClock.Instant?) async -> Batch? {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.closed || s.firstReceived != nil { return true }
                if let generation, s.waitGeneration != generation { return true }
                if let deadline, deadline <= .now { return true }
                s.waiter = c
                return false
            }
            if resumeNow { c.resume() }
        }
        return tryTake()
    }
}
