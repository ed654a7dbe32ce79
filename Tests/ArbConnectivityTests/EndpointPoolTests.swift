import ArbRPC
import Testing

/// The failover / backoff policy, event by event with explicit times (no clock, no sockets).
@Suite struct EndpointPoolTests {
    @Test func prefersHealthyThenFaster() {
        var p = EndpointPool(count: 3)
        #expect(p.choose(now: .zero) == .use(0))
        p.recordSuccess(0, latency: .milliseconds(50))
        // untried endpoints are tried before a measured one
        #expect(p.choose(now: .zero) == .use(1))
        p.recordSuccess(1, latency: .milliseconds(10))
        #expect(p.choose(now: .zero) == .use(2))
        p.recordSuccess(2, latency: .milliseconds(30))
        #expect(p.choose(now: .zero) == .use(1))
    }

    @Test func failureCoolsDownThenOneProbe() {
        var p = EndpointPool(count: 2, policy: .init(baseCooldown: .milliseconds(100)))
        _ = p.choose(now: .zero)
        p.recordFailure(0, kind: .transport, now: .zero, unit: 0.5)  // blocked until 75 ms
        #expect(p.choose(now: .milliseconds(1), excluding: [1]) == .waitUntil(.milliseconds(75)))
        #expect(p.choose(now: .milliseconds(1)) == .use(1))
        p.recordFailure(1, kind: .timeout, now: .milliseconds(1), unit: 0)
        // after the cooldown exactly one caller gets endpoint 0 (the probe); the next one waits
        #expect(p.choose(now: .milliseconds(80)) == .use(0))
        #expect(p.choose(now: .milliseconds(80), excluding: [1]) == .waitUntil(.milliseconds(85)))
        p.recordSuccess(0, latency: .milliseconds(5))
        #expect(p.choose(now: .milliseconds(81), excluding: [1]) == .use(0))
    }

    @Test func rateLimitBackoffDoublesWithJitterAndHonoursRetryAfter() {
        var p = EndpointPool(
            count: 1, policy: .init(baseRateLimitBackoff: .milliseconds(100), maxRateLimitBackoff: .seconds(1)))
        var t = Duration.zero
        var waits: [Duration] = []
        for _ in 0..<6 {
            guard case .use = p.choose(now: t) else {
                Issue.record("expected the endpoint")
                return
            }
            p.recordRateLimited(0, retryAfter: nil, now: t, unit: 1)
            guard case .waitUntil(let until) = p.choose(now: t) else {
                Issue.record("expected a wait")
                return
            }
            waits.append(until - t)
            t = until
        }
        // 100, 200, 400, 800, 1000 (cap), 1000 — equal jitter with unit≈1 gives almost the full step
        let ms = waits.map { Int(($0 / .milliseconds(1)).rounded()) }
        #expect(ms == [100, 200, 400, 800, 1000, 1000])
        p.recordRateLimited(0, retryAfter: .seconds(3), now: t, unit: 0)
        #expect(p.choose(now: t) == .waitUntil(t + .seconds(1)))  // Retry-After is capped by maxRateLimitBackoff
    }

    @Test func jitterStaysWithinHalfToFullStep() {
        for k in 0...100 {
            let u = Double(k) / 100
            let d = EndpointPool.backoffForTesting(base: .milliseconds(100), max: .seconds(10), streak: 3, unit: u)
            #expect(d >= .milliseconds(200) && d <= .milliseconds(400))
        }
    }
}
