import ArbFeeds
import ArbRPC
import ArbSimCluster
import ArbState
import SolanaKeys
import SolanaPrimitives
import Synchronization
import Testing

/// Polls an async condition every 5 ms until it holds or `timeout` (a liveness bound, not a speed claim) passes.
func eventuallyAsync(timeout: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while clock.now < end {
        if await condition() { return true }
        try? await clock.sleep(for: .milliseconds(5))
    }
    return await condition()
}

/// A mutable slot for a value found inside a polling closure.
final class Box<T> {
    var value: T?
}

/// A seeded generator and a tick counter shared by the helpers of one test.
final class Dice {
    private var rng: SplitMix64Test
    private var ticks = 0
    init(seed: UInt64) { rng = SplitMix64Test(seed: seed) }
    func next() -> UInt64 { rng.next() }
    func tick() -> Int {
        ticks += 1
        return ticks
    }
}

/// `ArbFeeds` against the simulated cluster over real loopback sockets: token balances moved by real signed
/// transfers, every change checked against the cluster's own history.
@Suite(.serialized) struct SimClusterFeedTests {
    /// Sends 1–3 random token transfers between `accounts` over RPC, produces the block, records the versions.
    static func transferSlot(
        _ h: SimHarness, _ rpc: RPCClient, _ accounts: [Address], _ rng: Dice, history: ChainHistory
    ) async throws -> Slot {
        let tick = rng.tick()
        let n = 1 + Int(rng.next() % 3)
        for k in 0..<n {
            let i = Int(rng.next() % UInt64(accounts.count))
            var j = Int(rng.next() % UInt64(accounts.count - 1))
            if j >= i { j += 1 }
            let tx = try await h.transaction([h.transfer(accounts[i], accounts[j], UInt64(1_000 + tick * 10 + k))])
            _ = try await rpc.sendTransaction(tx.bytes)
        }
        let block = await h.cluster.advanceSlot()
        var now: [Address: [UInt8]] = [:]
        for a in accounts { now[a] = await h.data(a) }
        await history.record(slot: block.slot, now)
        return block.slot
    }

    static func snapshot(_ h: SimHarness, _ accounts: [Address]) async -> [Address: [UInt8]] {
        var out: [Address: [UInt8]] = [:]
        for a in accounts { out[a] = await h.data(a) }
        return out
    }

    static func storeEqualsCluster(_ state: FeedState, _ h: SimHarness, _ accounts: [Address]) async -> Bool {
        for a in accounts where state.read(a)?.account?.data != (await h.data(a)) { return false }
        return true
    }

    /// accountSubscribe per token account and, on a second feed, programSubscribe(Token, dataSize + memcmp on the
    /// token owner): 80 slots of transfers; each feed must announce exactly the cluster's sequence of versions of
    /// every account (no change lost, none invented, per account in strictly increasing slot) and end equal to it.
    @Test func everyTransferReachesTheStoreInSlotOrder() async throws {
        let h = SimHarness(tokenAccounts: 12, otherAccounts: 2)
        try await h.start()
        let accounts = h.tokenAccounts
        let rpc = try h.rpc()
        let byAccount = FeedState(configuration: .init(maxLagSlots: 2), buffering: .unbounded)
        let byProgram = FeedState(configuration: .init(maxLagSlots: 2), buffering: .unbounded)
        let accountFeed = try h.feed(accounts: accounts, state: byAccount)
        let programFeed = try h.feed(
            accounts: [],
            programs: [
                ProgramSubscription(
                    program: ProgramIDs.token,
                    filters: [.dataSize(165), .memcmp(offset: 32, bytes: h.payer.address.bytes)])
            ], state: byProgram)
        let logA = AppliedLog()
        let logP = AppliedLog()
        let history = ChainHistory(initial: await Self.snapshot(h, accounts))
        let background = [
            Task { await accountFeed.run() }, Task { await programFeed.run() },
            Task { for await u in byAccount.updates { logA.append(u) } },
            Task { for await u in byProgram.updates { logP.append(u) } },
        ]

        let fresh = await eventuallyAsync {
            await h.cluster.advanceSlot()
            return byAccount.freshness.isFresh && byProgram.freshness.isFresh
        }
        #expect(fresh, "feeds never became fresh: \(byAccount.freshness) \(byProgram.freshness)")
        let dice = Dice(seed: 21)
        let firstSlot = await h.cluster.slot
        var lastSlot: Slot = 0
        for _ in 0..<80 { lastSlot = try await Self.transferSlot(h, rpc, accounts, dice, history: history) }
        let converged = await eventuallyAsync {
            await h.cluster.advanceSlot()
            let a = await Self.storeEqualsCluster(byAccount, h, accounts)
            let p = await Self.storeEqualsCluster(byProgram, h, accounts)
            return a && p && byAccount.freshness.isFresh && byProgram.freshness.isFresh
        }
        #expect(converged, "stores did not converge to the cluster")
        // let the consumers drain the update streams
        _ = await eventually {
            accounts.allSatisfy { a in
                logA.entries(a).last?.data == byAccount.read(a)?.account?.data
                    && logP.entries(a).last?.data == byProgram.read(a)?.account?.data
            }
        }
        for t in background { t.cancel() }
        for t in background { await t.value }
        await h.stop()

        var changes = 0
        for a in accounts {
            let expected = await history.history(a).filter { $0.slot >= firstSlot && $0.slot <= lastSlot }
            changes += expected.count
            for (name, log) in [("accountSubscribe", logA), ("programSubscribe", logP)] {
                let all = log.entries(a)
                #expect(zip(all, all.dropFirst()).allSatisfy { $0.slot < $1.slot }, "\(name) \(a): not in slot order")
                let seen = all.filter { $0.slot >= firstSlot && $0.slot <= lastSlot }
                #expect(
                    seen.map(\.slot) == expected.map(\.slot),
                    "\(name) \(a): slots \(seen.map(\.slot)) vs chain \(expected.map(\.slot))")
                #expect(seen.map(\.data) == expected.map(\.data), "\(name) \(a): bytes differ from the chain")
                #expect(seen.allSatisfy { $0.source == .subscription })
            }
        }
        #expect(changes > 80, "the run must move balances (\(changes) changes)")
        #expect(
            byProgram.snapshot().count == accounts.count, "the memcmp filter must exclude the other owner's accounts")
        #expect(accountFeed.stats.connects == 1 && programFeed.stats.connects == 1)
        #expect(accountFeed.stats.decodeErrors == 0 && programFeed.stats.decodeErrors == 0)
    }

    /// The cluster's servers are stopped mid-feed (listeners closed, WebSockets dropped) while transfers keep
    /// landing, then restarted on the same ports: the feed reconnects, resubscribes and backfills; the state is
    /// stale while down; no version is lost (the downtime's versions coalesce into the backfilled latest one);
    /// every version after the resync arrives by notification in slot order; the store ends equal to the cluster.
    @Test func serverRestartMidFeedReconnectsAndBackfills() async throws {
        let h = SimHarness(tokenAccounts: 10)
        try await h.start()
        let accounts = h.tokenAccounts
        let rpc = try h.rpc()
        let state = FeedState(configuration: .init(maxLagSlots: 2), buffering: .unbounded)
        let feed = try h.feed(accounts: accounts, state: state)
        let log = AppliedLog()
        let history = ChainHistory(initial: await Self.snapshot(h, accounts))
        let background = [Task { await feed.run() }, Task { for await u in state.updates { log.append(u) } }]

        #expect(
            await eventuallyAsync {
                await h.cluster.advanceSlot()
                return state.freshness.isFresh
            })
        let dice = Dice(seed: 99)
        // A: connected
        let aStart = await h.cluster.slot
        var last: Slot = 0
        for _ in 0..<20 { last = try await Self.transferSlot(h, rpc, accounts, dice, history: history) }
        let phaseA = aStart...last
        #expect(await eventuallyAsync { await Self.storeEqualsCluster(state, h, accounts) })
        // B: servers down; the cluster keeps producing blocks (transfers submitted in-process)
        await h.stop()
        let staleWhileDown = await eventuallyAsync { !state.freshness.isFresh }
        for tick in 20..<35 {
            let i = tick % accounts.count
            let tx = try await h.transaction([
                h.transfer(accounts[i], accounts[(i + 3) % accounts.count], UInt64(500 + tick))
            ])
            _ = try await h.cluster.submit(tx.bytes)
            let block = await h.cluster.advanceSlot()
            await history.record(slot: block.slot, await Self.snapshot(h, accounts))
            #expect(!state.freshness.isFresh, "fresh while the servers are down")
        }
        // C: restarted on the same ports; transfers continue while the feed resyncs
        try await h.start()
        let atResync = Box<AccountStore>()
        let resynced = await eventuallyAsync {
            do { _ = try await Self.transferSlot(h, rpc, accounts, dice, history: history) } catch { return false }
            let snap = state.snapshot()
            guard snap.freshness.isFresh else { return false }
            atResync.value = snap
            return true
        }
        #expect(resynced, "feed did not resync after the restart: \(state.freshness)")
        // At the first fresh moment every account must hold a version no older than the chain's at the feed's slot
        // minus the allowed lag (2): whatever was written while disconnected is there.
        var missingAtResync: [String] = []
        if let snap = atResync.value {
            for a in accounts {
                let due = await history.history(a).last { $0.slot + 2 <= snap.feedSlot }?.slot ?? 0
                let held = snap.read(a)?.slot ?? 0
                if held < due { missingAtResync.append("\(a) held \(held) < due \(due) at feed slot \(snap.feedSlot)") }
            }
        }
        // and, with no new block, it converges to the cluster exactly
        let equalAfterResync = await eventuallyAsync(timeout: .seconds(10)) {
            await Self.storeEqualsCluster(state, h, accounts)
        }
        // D: after the resync, every version arrives by notification
        let dStart = await h.cluster.slot
        for _ in 0..<20 { last = try await Self.transferSlot(h, rpc, accounts, dice, history: history) }
        let phaseD = dStart...last
        #expect(
            await eventuallyAsync {
                await h.cluster.advanceSlot()
                let equal = await Self.storeEqualsCluster(state, h, accounts)
                return equal && state.freshness.isFresh
            })
        _ = await eventually { accounts.allSatisfy { a in log.entries(a).last?.data == state.read(a)?.account?.data } }
        for t in background { t.cancel() }
        for t in background { await t.value }
        await h.stop()

        #expect(staleWhileDown, "the state must go stale when the servers stop")
        #expect(missingAtResync.isEmpty, "\(missingAtResync)")
        #expect(equalAfterResync, "after the restart the store must converge to the cluster")
        let stats = feed.stats
        #expect(stats.connects >= 2 && stats.backfills >= 2, "\(stats)")
        var downtimeVersionsRecovered = 0
        for a in accounts {
            let all = log.entries(a)
            #expect(zip(all, all.dropFirst()).allSatisfy { $0.slot < $1.slot }, "\(a): not in slot order")
            let chain = await history.history(a)
            for range in [phaseA, phaseD] {
                let expected = chain.filter { range.contains($0.slot) }
                let seen = all.filter { range.contains($0.slot) }
                #expect(
                    seen.map(\.slot) == expected.map(\.slot),
                    "\(a) in \(range): \(seen.map(\.slot)) vs \(expected.map(\.slot))")
                #expect(seen.map(\.data) == expected.map(\.data))
            }
            if all.contains(where: { $0.source == .backfill && $0.slot > phaseA.upperBound }) {
                downtimeVersionsRecovered += 1
            }
        }
        #expect(downtimeVersionsRecovered > 0, "the backfill must have brought the downtime's transfers")
    }

    /// A subscription the server refuses for good (programSubscribe with a 129-byte memcmp; the RPC's limit is
    /// 128) must not make the feed reconnect forever: the rejection is surfaced as a typed error, the rest of the
    /// feed (accountSubscribe + a valid programSubscribe) stays fresh and keeps delivering.
    @Test func permanentlyRejectedSubscriptionDoesNotLoop() async throws {
        let h = SimHarness(tokenAccounts: 4)
        try await h.start()
        let accounts = h.tokenAccounts
        let rpc = try h.rpc()
        let state = FeedState(configuration: .init(maxLagSlots: 2), buffering: .unbounded)
        let badFilter = ProgramSubscription(
            program: ProgramIDs.token, filters: [.memcmp(offset: 0, bytes: [UInt8](repeating: 1, count: 129))])
        let goodFilter = ProgramSubscription(program: ProgramIDs.token, filters: [.dataSize(82)])
        let feed = try h.feed(accounts: Array(accounts.prefix(2)), programs: [badFilter, goodFilter], state: state)
        let history = ChainHistory(initial: await Self.snapshot(h, accounts))
        let run = Task { await feed.run() }

        let fresh = await eventuallyAsync {
            await h.cluster.advanceSlot()
            return state.freshness.isFresh
        }
        #expect(fresh, "the valid subscriptions must still make the state fresh: \(state.freshness)")
        let dice = Dice(seed: 5)
        for _ in 0..<15 { _ = try await Self.transferSlot(h, rpc, accounts, dice, history: history) }
        #expect(
            await eventuallyAsync {
                await h.cluster.advanceSlot()
                return await Self.storeEqualsCluster(state, h, Array(accounts.prefix(2)))
            })
        run.cancel()
        await run.value
        await h.stop()

        let rejections = feed.rejections
        #expect(rejections.count == 1, "\(rejections)")
        #expect(rejections.first?.target == .program(badFilter))
        #expect(rejections.first?.error.rpcCode == -32602)
        let stats = feed.stats
        #expect(stats.connects == 1, "a rejected subscription must not reconnect: \(stats)")
        #expect(stats.rejectedSubscriptions == 1)
        #expect(stats.notifications > 0)
        // the valid programSubscribe (dataSize 82) brought the mint; the rejected one tracked nothing
        #expect(state.read(h.mint)?.account != nil)
        #expect(state.read(accounts[3]) == nil, "accounts only the rejected filter would match are not tracked")
    }

    /// signatureSubscribe against the cluster: one transaction that lands and succeeds, one that lands and fails
    /// on chain (sent with skipPreflight; the token program's Custom(1)), one that never lands (timeout).
    @Test func signatureWatcherSeesLandedAndFailedTransactions() async throws {
        let h = SimHarness(tokenAccounts: 2)
        try await h.start()
        let rpc = try h.rpc()
        let url = try h.endpoints.webSocketURL
        let a = h.tokenAccounts[0]
        let b = h.tokenAccounts[1]
        let good = try await h.transaction([h.transfer(a, b, 10)])
        let bad = try await h.transaction([h.transfer(a, b, 10 * h.initialAmount)])
        let never = try await h.transaction([h.transfer(a, b, 11)])

        async let goodOutcome = SignatureWatcher.wait(
            url: url, signature: good.signature, timeout: .seconds(20), logger: TestSupport.logger)
        async let badOutcome = SignatureWatcher.wait(
            url: url, signature: bad.signature, timeout: .seconds(20), logger: TestSupport.logger)
        async let neverOutcome = SignatureWatcher.wait(
            url: url, signature: never.signature, timeout: .milliseconds(300), logger: TestSupport.logger)
        #expect(await eventuallyAsync { await h.cluster.pubSubSubscriptionCount >= 3 })
        #expect(try await rpc.sendTransaction(good.bytes) == good.signature)
        #expect(try await rpc.sendTransaction(bad.bytes, options: .init(skipPreflight: true)) == bad.signature)
        let block = await h.cluster.advanceSlot()

        #expect(try await goodOutcome == .processed(slot: block.slot, err: nil))
        #expect(try await badOutcome == .processed(slot: block.slot, err: .instructionError(index: 0, .custom(1))))
        #expect(try await neverOutcome == .timedOut)
        let statuses = try await rpc.getSignatureStatuses([good.signature, bad.signature])
        #expect(statuses.value[1]?.err == .instructionError(index: 0, .custom(1)))
        await h.stop()
    }
}
