import ArbFeeds
import ArbRPC
import ArbState
import ArbTestServer
import Foundation
import SolanaPrimitives
import Synchronization
import Testing

private let owner: Address = Address("whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc")

private func payload(_ slot: UInt64, _ k: Int) -> [UInt8] {
    var d = [UInt8](repeating: UInt8(k), count: 64)
    withUnsafeBytes(of: slot.littleEndian) { for (i, b) in $0.enumerated() { d[i] = b } }
    return d
}

private func feed(
    _ server: ScriptedServer, accounts: [Address], reference: Duration? = .milliseconds(20)
) -> (AccountFeed, FeedState) {
    let state = FeedState(configuration: .init(maxLagSlots: 2), buffering: .unbounded)
    let rpc = TestSupport.client(
        [server], requestTimeout: .milliseconds(500),
        policy: .init(
            baseCooldown: .milliseconds(20), maxCooldown: .milliseconds(200), baseRateLimitBackoff: .milliseconds(20),
            maxRateLimitBackoff: .milliseconds(200)))
    let f = AccountFeed(
        configuration: .init(
            url: server.wsURL, accounts: accounts, reconnectBase: .milliseconds(10), reconnectMax: .milliseconds(200),
            idleTimeout: .seconds(2), subscribeTimeout: .seconds(2), referenceSlotInterval: reference,
            backfillRetry: .milliseconds(20)),
        rpc: rpc, state: state, logger: TestSupport.logger)
    return (f, state)
}

/// PubSub feed against the scripted server: reconnect, resubscribe, backfill, slot order, staleness.
@Suite(.serialized) struct FeedTests {
    /// The server changes accounts every few ms and drops every WebSocket on a schedule. Every applied update
    /// must arrive in slot order per account; whenever the store says "fresh", every account must hold a version
    /// no more than 2 slots behind the chain's history at the feed's slot; at the end the store equals the chain.
    /// Default: ~3 s with a close every 250 ms. SOLARB_STRESS=1: 30 s, a close every 2 s (the issue's "every few
    /// seconds"), faster slots.
    @Test func reconnectingFeedKeepsEveryAccountInSlotOrder() async throws {
        let stress = ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1"
        let duration: Duration = stress ? .seconds(30) : .seconds(3)
        let closeEvery: Duration = stress ? .seconds(2) : .milliseconds(250)
        let slotTime: Duration = .milliseconds(stress ? 4 : 8)
        let server = try await TestSupport.server(startSlot: 10_000)
        let accounts = (1...24).map { TestSupport.address(UInt8($0)) }
        for (k, a) in accounts.enumerated() {
            server.setAccount(a, .init(owner: owner, lamports: 1_000_000, data: payload(10_000, k)))
        }
        let (f, state) = feed(server, accounts: accounts)

        struct Observed: Sendable {
            var applied: [Address: [Slot]] = [:]
            var freshSamples = 0
            var staleSamples = 0
            var violations: [String] = []
            var maxFreshLagToServer: UInt64 = 0
        }
        let observed = Mutex(Observed())
        let clock = ContinuousClock()

        await withBackground({ await f.run() }) {
            // consumer of applied updates
            await withBackground({
                for await u in state.updates { observed.withLock { $0.applied[u.address, default: []].append(u.slot) } }
            }) {
                #expect(await eventually { server.advance() > 0 && state.freshness.isFresh }, "feed never became fresh")
                let end = clock.now + duration
                var nextClose = clock.now + closeEvery
                var rng = SplitMix64Test(seed: 7)
                var tick = 0
                while clock.now < end {
                    tick += 1
                    var changes: [Address: [UInt8]] = [:]
                    for _ in 0..<3 {
                        let k = Int(rng.next() % UInt64(accounts.count))
                        changes[accounts[k]] = payload(server.slot + 1, k)
                    }
                    let serverSlot = server.advance(changes)
                    if clock.now >= nextClose {
                        server.closeWebSockets()
                        nextClose = clock.now + closeEvery
                    }
                    // sample the invariant
                    let snap = state.snapshot()
                    if snap.freshness.isFresh {
                        let feedSlot = snap.feedSlot
                        var v: [String] = []
                        for a in accounts {
                            let due = server.history(a).last { $0.slot + 2 <= feedSlot }?.slot ?? 0
                            let held = snap.read(a)?.slot ?? 0
                            if held < due { v.append("\(a) held \(held) < due \(due) at feed slot \(feedSlot)") }
                        }
                        observed.withLock {
                            $0.freshSamples += 1
                            $0.violations += v
                            $0.maxFreshLagToServer = max($0.maxFreshLagToServer, serverSlot - min(serverSlot, feedSlot))
                        }
                    } else {
                        observed.withLock { $0.staleSamples += 1 }
                    }
                    try? await clock.sleep(for: slotTime)
                }
                // quiesce: the store must converge to the chain exactly
                #expect(await eventually { server.advance() > 0 && state.freshness.isFresh })
                let converged = await eventually {
                    accounts.allSatisfy { a in state.read(a)?.account?.data == server.account(a)?.data }
                }
                #expect(converged, "store did not converge to the chain")
                _ = tick
            }
        }
        let o = observed.withLock { $0 }
        let stats = f.stats
        #expect(o.violations.isEmpty, "\(o.violations.prefix(5))")
        for (a, seq) in o.applied {
            #expect(zip(seq, seq.dropFirst()).allSatisfy { $0 < $1 }, "\(a) applied out of order: \(seq.prefix(20))")
        }
        #expect(stats.connects >= 3, "the server's closes should have forced reconnects")
        #expect(stats.backfills >= 3)
        #expect(o.freshSamples > 0)
        let versions = accounts.map { server.history($0).count }.reduce(0, +)
        let seen = o.applied.values.map(\.count).reduce(0, +)
        #expect(seen <= versions, "an unchanged account was announced as a change")
        print(
            "[measured] feed under WebSocket closes every \(closeEvery) for \(duration): connects \(stats.connects) "
                + "(server: \(server.counters.wsConnections) connections, \(server.counters.wsClosedByScript) closed by script), backfills \(stats.backfills), "
                + "fresh samples \(o.freshSamples), stale samples \(o.staleSamples), "
                + "max (server slot − feed slot) while fresh: \(o.maxFreshLagToServer), "
                + "applied updates \(seen) for \(versions) chain versions (versions written during a gap are coalesced by the backfill)"
        )
        await server.stop()
    }

    @Test func frozenWebSocketMakesStateStaleUntilItDeliversAgain() async throws {
        let server = try await TestSupport.server(startSlot: 50)
        let a = TestSupport.address(1)
        server.setAccount(a, .init(owner: owner, lamports: 1, data: [1]))
        let (f, state) = feed(server, accounts: [a], reference: .milliseconds(10))
        await withBackground({ await f.run() }) {
            #expect(await eventually { server.advance() > 0 && state.freshness.isFresh })
            server.setScript { $0.wsFrozen = true }
            // the chain moves on; the reference slot (RPC) shows the feed is behind
            let stale = await eventually {
                server.advance([a: [UInt8(server.slot % 250)]])
                if case .stale(let r) = state.freshness { return r.contains(.feedLagging) }
                return false
            }
            #expect(stale, "a silent feed was not marked stale")
            #expect(state.read(a)?.isStale == true)
            server.setScript { $0.wsFrozen = false }
            #expect(await eventually { server.advance() > 0 && state.freshness.isFresh })
        }
        await server.stop()
    }

    @Test func nodeBehindDuringBackfillKeepsStateStale() async throws {
        let server = try await TestSupport.server(startSlot: 300)
        let a = TestSupport.address(1)
        server.setAccount(a, .init(owner: owner, lamports: 1, data: [1]))
        let (f, state) = feed(server, accounts: [a], reference: nil)
        await withBackground({ await f.run() }) {
            #expect(await eventually { server.advance() > 0 && state.freshness.isFresh })
            server.setScript { $0.http = .nodeBehind(slots: 42) }
            server.closeWebSockets()
            let stale = await eventually {
                server.advance([a: [UInt8(server.slot % 250)]])
                if case .stale(let r) = state.freshness { return r.contains(.nodeBehind) }
                return false
            }
            #expect(stale, "-32005 during the backfill did not mark the state stale")
            // stays stale while the node is behind
            for _ in 0..<20 {
                server.advance()
                try? await ContinuousClock().sleep(for: .milliseconds(5))
            }
            #expect(!state.freshness.isFresh)
            server.setScript { $0.http = .normal }
            #expect(await eventually { server.advance() > 0 && state.freshness.isFresh })
            #expect(state.read(a)?.account?.data == server.account(a)?.data)
        }
        await server.stop()
    }

    @Test func backfillFromAnOldBankIsNotAResync() async throws {
        let server = try await TestSupport.server(startSlot: 800)
        let a = TestSupport.address(1)
        server.setAccount(a, .init(owner: owner, lamports: 1, data: [1]))
        let (f, state) = feed(server, accounts: [a], reference: nil)
        await withBackground({ await f.run() }) {
            #expect(await eventually { server.advance() > 0 && state.freshness.isFresh })
            server.setScript { $0.http = .staleBank(lag: 10) }
            server.closeWebSockets()
            let stale = await eventually {
                server.advance()
                return f.stats.backfillFailures > 0 && !state.freshness.isFresh
            }
            #expect(stale, "a backfill answered from an old slot was accepted")
            server.setScript { $0.http = .normal }
            #expect(await eventually { server.advance() > 0 && state.freshness.isFresh })
        }
        await server.stop()
    }
}

struct SplitMix64Test {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite(.serialized) struct SignatureWatcherTests {
    @Test func reportsProcessedWithErrorOrTimesOut() async throws {
        let server = try await TestSupport.server(startSlot: 77)
        let sig = try Signature(bytes: [UInt8](repeating: 3, count: 64))
        // landed before the subscription: the server answers at once
        server.land(signature: sig.description, errJSON: #"{"InstructionError":[1,{"Custom":6001}]}"#)
        let r = try await SignatureWatcher.wait(
            url: server.wsURL, signature: sig, timeout: .seconds(10), logger: TestSupport.logger)
        #expect(r == .processed(slot: 77, err: .instructionError(index: 1, .custom(6001))))
        // never lands: times out
        let other = try Signature(bytes: [UInt8](repeating: 4, count: 64))
        let t = try await SignatureWatcher.wait(
            url: server.wsURL, signature: other, timeout: .milliseconds(200), logger: TestSupport.logger)
        #expect(t == .timedOut)
        await server.stop()
    }
}
