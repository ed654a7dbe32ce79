import ArbFeeds
import ArbRPC
import ArbSimCluster
import ArbState
import SolanaKeys
import SolanaPrimitives
import Testing

/// `SignatureSubscriptions` (one multiplexed PubSub connection for every awaited signature) against the
/// simulated cluster over loopback.
@Suite(.serialized) struct SignatureSubscriptionsTests {
    func subscriptions(_ h: SimHarness) throws -> SignatureSubscriptions {
        SignatureSubscriptions(
            configuration: .init(
                url: try h.endpoints.webSocketURL, reconnectBase: .milliseconds(10), reconnectMax: .milliseconds(200)),
            rpc: try h.rpc(), logger: TestSupport.logger)
    }

    /// Five waits at once share one connection: a success, an on-chain failure (Custom(1)), two waiters on the
    /// same signature, and one that never lands (timeout).
    @Test func manyWaitsShareOneConnection() async throws {
        let h = SimHarness(tokenAccounts: 2)
        try await h.start()
        let rpc = try h.rpc()
        let subs = try subscriptions(h)
        let a = h.tokenAccounts[0]
        let b = h.tokenAccounts[1]
        let good = try await h.transaction([h.transfer(a, b, 10)])
        let bad = try await h.transaction([h.transfer(a, b, 10 * h.initialAmount)])
        let never = try await h.transaction([h.transfer(a, b, 11)])

        let run = Task { await subs.run() }
        do {
            async let g1 = subs.wait(good.signature, timeout: .seconds(20))
            async let g2 = subs.wait(good.signature, timeout: .seconds(20))
            async let f = subs.wait(bad.signature, timeout: .seconds(20))
            async let n = subs.wait(never.signature, timeout: .milliseconds(400))
            #expect(await eventuallyAsync { subs.confirmedCount == 3 })
            #expect(await h.cluster.pubSubSubscriptionCount == 3, "one subscription per distinct signature")
            #expect(await h.cluster.pubSubConnectionCount == 1, "one connection for every wait")
            _ = try await rpc.sendTransaction(good.bytes)
            _ = try await rpc.sendTransaction(bad.bytes, options: .init(skipPreflight: true))
            let block = await h.cluster.advanceSlot()
            #expect(try await g1 == .processed(slot: block.slot, err: nil))
            #expect(try await g2 == .processed(slot: block.slot, err: nil))
            #expect(try await f == .processed(slot: block.slot, err: .instructionError(index: 0, .custom(1))))
            #expect(try await n == .timedOut)
            #expect(subs.pendingCount == 0)
        }
        run.cancel()
        await run.value
        let stats = subs.stats
        #expect(stats.connects == 1 && stats.subscribeRequests == 3 && stats.notifications == 2, "\(stats)")
        await h.stop()
    }

    /// The servers stop while two signatures are awaited; one lands while the socket is down (its notification is
    /// lost with the socket), the other after the restart. After reconnecting, both subscriptions are renewed: the
    /// first is resolved from getSignatureStatuses, the second by its notification.
    @Test func reconnectResubscribesAndCatchesWhatLandedMeanwhile() async throws {
        let h = SimHarness(tokenAccounts: 2)
        try await h.start()
        let subs = try subscriptions(h)
        let a = h.tokenAccounts[0]
        let b = h.tokenAccounts[1]
        let early = try await h.transaction([h.transfer(a, b, 21)])
        let late = try await h.transaction([h.transfer(a, b, 22)])

        let run = Task { await subs.run() }
        do {
            async let e = subs.wait(early.signature, timeout: .seconds(30))
            async let l = subs.wait(late.signature, timeout: .seconds(30))
            #expect(await eventuallyAsync { subs.confirmedCount == 2 })
            await h.stop()
            #expect(await eventuallyAsync { !subs.isConnected })
            _ = try await h.cluster.submit(early.bytes)
            let landedWhileDown = await h.cluster.advanceSlot()
            try await h.start()
            #expect(await eventuallyAsync { subs.confirmedCount == 2 }, "both signatures resubscribed")
            // the one that landed while the socket was down: from the status read after resubscribing
            #expect(try await e == .processed(slot: landedWhileDown.slot, err: nil))
            #expect(subs.stats.resolvedByStatus == 1 && subs.stats.notifications == 0, "\(subs.stats)")
            _ = try await h.cluster.submit(late.bytes)
            let landedAfter = await h.cluster.advanceSlot()
            #expect(try await l == .processed(slot: landedAfter.slot, err: nil))
        }
        run.cancel()
        await run.value
        let stats = subs.stats
        #expect(stats.connects == 2, "\(stats)")
        #expect(stats.resolvedByStatus == 1 && stats.notifications == 1, "\(stats)")
        await h.stop()
    }

    /// A cancelled wait returns `.cancelled` at once and leaves the others running.
    @Test func cancelledWaitDoesNotDisturbOthers() async throws {
        let h = SimHarness(tokenAccounts: 2)
        try await h.start()
        let subs = try subscriptions(h)
        let tx = try await h.transaction([h.transfer(h.tokenAccounts[0], h.tokenAccounts[1], 5)])
        let other = try await h.transaction([h.transfer(h.tokenAccounts[0], h.tokenAccounts[1], 6)])
        let run = Task { await subs.run() }
        do {
            let cancelled = Task { try await subs.wait(other.signature, timeout: .seconds(30)) }
            async let kept = subs.wait(tx.signature, timeout: .seconds(30))
            #expect(await eventuallyAsync { subs.confirmedCount == 2 })
            cancelled.cancel()
            await #expect(throws: RPCError.self) { _ = try await cancelled.value }
            _ = try await h.cluster.submit(tx.bytes)
            let block = await h.cluster.advanceSlot()
            #expect(try await kept == .processed(slot: block.slot, err: nil))
        }
        run.cancel()
        await run.value
        await h.stop()
    }
}
