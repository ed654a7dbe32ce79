/// Health bookkeeping for a set of RPC endpoints: which one to use next, which are cooling down after errors,
/// which are backing off after 429. Pure: time and randomness come in as arguments, so it is tested event by
/// event.
///
/// Policy:
/// - Prefer the endpoint with the fewest consecutive failures, then the lowest latency (EWMA), then list order.
/// - A transport error, timeout, 5xx or "node behind" puts an endpoint in cooldown:
///   `min(maxCooldown, baseCooldown · 2^(failures-1))` with equal jitter (half fixed, half random).
/// - A 429 puts it in backoff the same way on its own streak (or for `Retry-After` when the server says so).
/// - When a cooldown/backoff ends the endpoint is half-open: exactly one caller gets it (a probe) and the others
///   wait until the probe answers; success closes it, another failure doubles the wait. This is what keeps a
///   429 storm from turning into a request flood when many callers are waiting.
public struct EndpointPool: Sendable {
    public struct Policy: Sendable, Hashable {
        public var baseCooldown: Duration
        public var maxCooldown: Duration
        public var baseRateLimitBackoff: Duration
        public var maxRateLimitBackoff: Duration
        public init(
            baseCooldown: Duration = .milliseconds(250), maxCooldown: Duration = .seconds(10),
            baseRateLimitBackoff: Duration = .milliseconds(100), maxRateLimitBackoff: Duration = .seconds(10)
        ) {
            self.baseCooldown = baseCooldown
            self.maxCooldown = maxCooldown
            self.baseRateLimitBackoff = baseRateLimitBackoff
            self.maxRateLimitBackoff = maxRateLimitBackoff
        }
    }

    public enum FailureKind: String, Sendable, Hashable {
        case transport, timeout, server, nodeBehind
    }

    public struct Health: Sendable, Hashable {
        public var consecutiveFailures: Int = 0
        public var rateLimitStreak: Int = 0
        /// Offset (from the pool's epoch) before which the endpoint must not be used.
        public var blockedUntil: Duration? = nil
        /// A probe is in flight after a cooldown/backoff: nobody else uses the endpoint meanwhile.
        public var probing: Bool = false
        public var latencyEWMA: Duration? = nil
        public var requests: UInt64 = 0
        public var failures: UInt64 = 0
        public var rateLimited: UInt64 = 0
    }

    public enum Choice: Sendable, Hashable {
        case use(Int)
        /// Nothing usable now; try again at this time (offset from epoch).
        case waitUntil(Duration)
        /// Every candidate was excluded.
        case exhausted
    }

    public let policy: Policy
    public private(set) var health: [Health]
    /// How long a caller waits before re-asking while another caller probes an endpoint.
    public var probePollInterval: Duration = .milliseconds(5)

    public init(count: Int, policy: Policy = .init()) {
        precondition(count > 0, "an endpoint pool needs at least one endpoint")
        self.policy = policy
        self.health = Array(repeating: Health(), count: count)
    }

    public var count: Int { health.count }

    /// Picks an endpoint at time `now` (offset from the caller's epoch), skipping `excluded`.
    public mutating func choose(now: Duration, excluding excluded: Set<Int> = []) -> Choice {
        var best: Int?
        var earliest: Duration?
        for i in health.indices where !excluded.contains(i) {
            let h = health[i]
            if h.probing {
                earliest = min(earliest ?? now + probePollInterval, now + probePollInterval)
                continue
            }
            if let until = h.blockedUntil, until > now {
                earliest = min(earliest ?? until, until)
                continue
            }
            if let b = best {
                if Self.better(h, than: health[b]) { best = i }
            } else {
                best = i
            }
        }
        if let b = best {
            if health[b].blockedUntil != nil {
                // cooldown over: this caller is the probe
                health[b].blockedUntil = nil
                health[b].probing = true
            }
            health[b].requests += 1
            return .use(b)
        }
        if let e = earliest { return .waitUntil(e) }
        return .exhausted
    }

    private static func better(_ a: Health, than b: Health) -> Bool {
        if a.consecutiveFailures != b.consecutiveFailures { return a.consecutiveFailures < b.consecutiveFailures }
        if a.rateLimitStreak != b.rateLimitStreak { return a.rateLimitStreak < b.rateLimitStreak }
        switch (a.latencyEWMA, b.latencyEWMA) {
        case (let x?, let y?): return x < y
        case (nil, _?): return true  // untried first, so every endpoint gets measured
        default: return false
        }
    }

    public mutating func recordSuccess(_ i: Int, latency: Duration) {
        health[i].consecutiveFailures = 0
        health[i].rateLimitStreak = 0
        health[i].blockedUntil = nil
        health[i].probing = false
        if let old = health[i].latencyEWMA {
            health[i].latencyEWMA = old * 0.8 + latency * 0.2
        } else {
            health[i].latencyEWMA = latency
        }
    }

    /// `unit` is a uniform random number in [0, 1) supplied by the caller (jitter).
    public mutating func recordFailure(_ i: Int, kind: FailureKind, now: Duration, unit: Double) {
        health[i].failures += 1
        health[i].consecutiveFailures += 1
        health[i].probing = false
        let d = Self.backoff(
            base: policy.baseCooldown, max: policy.maxCooldown, streak: health[i].consecutiveFailures, unit: unit)
        health[i].blockedUntil = now + d
    }

    public mutating func recordRateLimited(_ i: Int, retryAfter: Duration?, now: Duration, unit: Double) {
        health[i].rateLimited += 1
        health[i].rateLimitStreak += 1
        health[i].probing = false
        var d = Self.backoff(
            base: policy.baseRateLimitBackoff, max: policy.maxRateLimitBackoff, streak: health[i].rateLimitStreak,
            unit: unit)
        if let r = retryAfter { d = Swift.max(d, Swift.min(r, policy.maxRateLimitBackoff)) }
        health[i].blockedUntil = now + d
    }

    /// A non-retriable answer (the request was bad, not the endpoint): the endpoint is fine.
    public mutating func recordNeutral(_ i: Int) {
        health[i].probing = false
    }

    /// Equal jitter: half of the exponential step is fixed, the other half uniform.
    static func backoff(base: Duration, max: Duration, streak: Int, unit: Double) -> Duration {
        let exp = Swift.min(streak - 1, 20)
        var step = base * (1 << Swift.max(exp, 0))
        if step > max { step = max }
        let u = Swift.min(Swift.max(unit, 0), 0.999_999)
        return step / 2 + (step / 2) * u
    }
}

extension EndpointPool {
    /// The backoff formula, exposed for tests.
    public static func backoffForTesting(base: Duration, max: Duration, streak: Int, unit: Double) -> Duration {
        backoff(base: base, max: max, streak: streak, unit: unit)
    }
}
