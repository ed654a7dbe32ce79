import ArbRPC
import ArbState
import ArbTestServer
import Foundation
import SolanaPrimitives
import Synchronization
import Testing

/// RPC failover, backoff and fan-out against real HTTP servers on loopback.
@Suite(.serialized) struct FailoverTests {
    @Test func killedPrimaryFailsOverWithinOneSecond() async throws {
        let a = try await TestSupport.server(startSlot: 500)
        let b = try await TestSupport.server(startSlot: 500)
        let client = TestSupport.client([a, b], requestTimeout: .milliseconds(800))
        #expect(try await client.getSlot() == 500)
        #expect(a.counters.httpRequests == 1)  // the primary answered
        await a.stop()
        let clock = ContinuousClock()
        let start = clock.now
        let slot = try await client.getSlot()
        let elapsed = clock.now - start
        #expect(slot == 500)
        #expect(b.counters.httpRequests >= 1)
        print("[measured] killed primary → answer from secondary in \(elapsed)")
        #expect(elapsed < .seconds(1), "failover took \(elapsed)")
        // later calls go straight to the healthy endpoint while the dead one cools down
        let before = b.counters.httpRequests
        for _ in 0..<5 { _ = try await client.getSlot() }
        #expect(b.counters.httpRequests == before + 5)
        await b.stop()
    }

    /// The primary is dead before the client ever connected (no pooled connection to reset): the refused connect
    /// must fail fast, not wait for the request timeout.
    @Test func deadPrimaryWithoutPooledConnectionFailsOverFast() async throws {
        let dead = try await TestSupport.server()
        await dead.stop()
        let b = try await TestSupport.server(startSlot: 31)
        let client = TestSupport.client([dead, b], requestTimeout: .seconds(5))
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await client.getSlot() == 31)
        let elapsed = clock.now - start
        print("[measured] never-reachable primary (refused), request timeout 5 s → answer from secondary in \(elapsed)")
        #expect(elapsed < .seconds(1), "failover took \(elapsed)")
        #expect(client.health[0].failures == 1)
        await b.stop()
    }

    @Test func stalledPrimaryCostsOneRequestTimeout() async throws {
        let a = try await TestSupport.server(startSlot: 700)
        let b = try await TestSupport.server(startSlot: 701)
        a.setScript { $0.http = .stall(.seconds(30)) }
        let client = TestSupport.client([a, b], requestTimeout: .milliseconds(400))
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await client.getSlot() == 701)
        let elapsed = clock.now - start
        print("[measured] stalled primary (timeout 400 ms) → answer from secondary in \(elapsed)")
        #expect(elapsed >= .milliseconds(400))
        #expect(elapsed < .seconds(1), "failover took \(elapsed)")
        await a.stop()
        await b.stop()
    }

    @Test func serverErrorsFailOverButPreflightFailuresDoNot() async throws {
        let a = try await TestSupport.server()
        let b = try await TestSupport.server()
        a.setScript { $0.http = .status(503) }
        let client = TestSupport.client([a, b])
        #expect(try await client.getSlot() == 1000)
        #expect(a.counters.httpRequests == 1)
        #expect(b.counters.httpRequests == 1)

        // -32002 is an answer about the transaction, not about the endpoint: never retried elsewhere
        let (_, body) = try #require(TestSupport.vectors["sendTransaction-32002-BlockhashNotFound"])
        b.setScript { $0.canned["sendTransaction"] = body }
        a.setScript { $0.canned["sendTransaction"] = body }
        a.setScript { $0.http = .normal }
        a.resetCounters()
        b.resetCounters()
        do throws(RPCError) {
            _ = try await client.sendTransaction([UInt8](repeating: 1, count: 120))
            Issue.record("expected a preflight failure")
        } catch {
            #expect(error.code == .preflightFailure)
        }
        #expect(a.counters.httpRequests + b.counters.httpRequests == 1)
        await a.stop()
        await b.stop()
    }

    /// Every endpoint answers 429 for a while; 20 callers keep asking. The client must back off (bounded number
    /// of requests, not a retry loop), then succeed once the storm is over.
    @Test func rateLimitStormBacksOffWithoutFlooding() async throws {
        let a = try await TestSupport.server(startSlot: 9)
        let b = try await TestSupport.server(startSlot: 9)
        for s in [a, b] { s.setScript { $0.http = .rateLimited(retryAfter: nil) } }
        let client = TestSupport.client(
            [a, b], policy: .init(baseRateLimitBackoff: .milliseconds(50), maxRateLimitBackoff: .seconds(2)))
        let callers = 20
        let storm = Duration.milliseconds(800)
        let results = try await withThrowingTaskGroup(of: Slot.self) { group in
            for _ in 0..<callers { group.addTask { try await client.getSlot() } }
            try await ContinuousClock().sleep(for: storm)
            let during = a.counters.httpRequests + b.counters.httpRequests
            for s in [a, b] { s.setScript { $0.http = .normal } }
            var out: [Slot] = []
            for try await r in group { out.append(r) }
            print("[measured] 429 storm: \(callers) callers, \(storm): \(during) requests during the storm")
            // bound: the first wave (each caller tries each endpoint once) plus one probe per backoff step
            // (50 ms doubling: at most ~6 steps in 800 ms) per endpoint. A retry loop would send thousands.
            #expect(during <= 2 * callers + 2 * 8, "\(during) requests in the storm")
            return out
        }
        #expect(results.count == callers)
        #expect(results.allSatisfy { $0 == 9 })
        let health = client.health
        #expect(health.map(\.rateLimited).reduce(0, +) >= 2)
        await a.stop()
        await b.stop()
    }

    @Test func sendFansOutToEveryEndpoint() async throws {
        let servers = [try await TestSupport.server(), try await TestSupport.server(), try await TestSupport.server()]
        servers[1].setScript { $0.http = .status(500) }
        let client = TestSupport.client(servers)
        var tx: [UInt8] = [1] + (0..<64).map { UInt8($0) }
        tx += [UInt8](repeating: 9, count: 50)
        let r = await client.sendTransactionToAll(tx, options: .init(skipPreflight: true, maxRetries: 0))
        let expected = try Signature(bytes: tx[1..<65])
        #expect(r.signature == expected)
        #expect(r.outcomes.count == 3)
        #expect(r.outcomes.filter { (try? $0.result.get()) == expected }.count == 2)
        #expect(servers.allSatisfy { $0.counters.byMethod["sendTransaction"] == 1 })
        for s in servers { await s.stop() }
    }
}
