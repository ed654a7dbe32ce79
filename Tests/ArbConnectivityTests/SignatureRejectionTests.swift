import ArbFeeds
import ArbRPC
import ArbTestServer
import SolanaPrimitives
import Testing

/// Refused subscriptions, on the scripted server (which can refuse one parameter and accept the rest).
@Suite struct SubscriptionRejectionTests {
    static func signature(_ n: UInt8) -> Signature { try! Signature(bytes: [UInt8](repeating: n, count: 64)) }

    /// A signatureSubscribe refused with -32602 fails only its own waiters, with the typed error; the other
    /// signature on the same connection is still delivered, and the connection is not torn down.
    @Test func refusedSignatureFailsOnlyItsWaiters() async throws {
        let server = try await TestSupport.server(startSlot: 50)
        let refused = Self.signature(3)
        let accepted = Self.signature(4)
        server.setScript { $0.wsRejectParams = [refused.description] }
        let subs = SignatureSubscriptions(
            configuration: .init(url: server.wsURL, reconnectBase: .milliseconds(10)), logger: TestSupport.logger)
        let run = Task { await subs.run() }
        do {
            async let ok = subs.wait(accepted, timeout: .seconds(20))
            var failure: RPCError?
            do throws(RPCError) {
                _ = try await subs.wait(refused, timeout: .seconds(20))
            } catch { failure = error }
            #expect(failure?.rpcCode == -32602)
            #expect(await eventually { subs.confirmedCount == 1 })
            server.land(signature: accepted.description)
            #expect(try await ok == .processed(slot: 50, err: nil))
        }
        run.cancel()
        await run.value
        let stats = subs.stats
        #expect(stats.connects == 1 && stats.rejected == 1, "\(stats)")
        await server.stop()
    }

    /// An accountSubscribe refused for good: the feed reports it, stops tracking that account, and does not
    /// reconnect; the other account stays fresh.
    @Test func refusedAccountIsDroppedNotRetried() async throws {
        let server = try await TestSupport.server(startSlot: 70)
        let good = TestSupport.address(1)
        let bad = TestSupport.address(2)
        let owner = TestSupport.address(9)
        server.setAccount(good, .init(owner: owner, lamports: 1, data: [1]))
        server.setAccount(bad, .init(owner: owner, lamports: 1, data: [2]))
        server.setScript { $0.wsRejectParams = [bad.base58] }
        let state = FeedState()
        let feed = AccountFeed(
            configuration: .init(
                url: server.wsURL, accounts: [good, bad], reconnectBase: .milliseconds(10),
                referenceSlotInterval: .milliseconds(20), backfillRetry: .milliseconds(20)),
            rpc: TestSupport.client([server]), state: state, logger: TestSupport.logger)
        let run = Task { await feed.run() }
        #expect(await eventually { server.advance() > 0 && state.freshness.isFresh }, "\(state.freshness)")
        _ = server.advance([good: [7, 7]])
        #expect(await eventually { state.read(good)?.account?.data == [7, 7] })
        run.cancel()
        await run.value
        #expect(feed.rejections.map(\.target) == [.account(bad)])
        #expect(feed.rejections.first?.error.code == .server && feed.rejections.first?.error.rpcCode == -32602)
        #expect(state.read(bad) == nil, "a refused account is not held (nobody would keep it fresh)")
        #expect(feed.stats.connects == 1, "\(feed.stats)")
        await server.stop()
    }
}
