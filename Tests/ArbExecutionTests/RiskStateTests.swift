import ArbExecution
import SolanaPrimitives
import Testing

/// Issue #7 (review R3, bug 6): every final outcome counts, in-flight costs count against the daily loss, and the
/// state can be rebuilt from journaled outcomes.
@Suite struct RiskStateTests {
    static let base = Mints.wrappedSOL
    static let day: Int64 = 20_000 * 86_400_000

    static func allowed(_ r: inout RiskManager, at now: Int64) -> Result<RiskClearance, RiskBlock> {
        r.check(baseMint: base, notional: 1, nowMilliseconds: now, killSwitchEngaged: false)
    }

    @Test func rejectedAndExpiredTripTheBreakerButUnknownDoesNot() {
        var r = RiskManager(config: RiskConfig())
        for i in 0..<4 {
            r.record(
                outcome: i % 2 == 0 ? .rejected : .expired, lamportDelta: nil, feeLamports: nil,
                nowMilliseconds: Self.day + Int64(i))
        }
        for _ in 0..<10 {
            r.record(outcome: .unknown, lamportDelta: nil, feeLamports: nil, nowMilliseconds: Self.day + 5)
        }
        #expect(r.consecutiveFailures == 4)
        guard case .success = Self.allowed(&r, at: Self.day + 6) else {
            Issue.record("blocked before the fifth failure")
            return
        }
        r.record(outcome: .expired, lamportDelta: nil, feeLamports: nil, nowMilliseconds: Self.day + 7)
        guard case .failure(.circuitOpen) = Self.allowed(&r, at: Self.day + 8) else {
            Issue.record("breaker did not open: \(Self.allowed(&r, at: Self.day + 8))")
            return
        }
        #expect(r.dayPnLLamports == 0)  // nothing executed: no fee
    }

    @Test func inFlightCostsCountAgainstTheDailyLossUntilReleased() {
        var c = RiskConfig()
        c.dailyLossLimitLamports = 1_000_000
        var r = RiskManager(config: c)
        r.record(success: false, pnlLamports: -600_000, nowMilliseconds: Self.day)
        r.reserve(300_000)
        guard case .success = Self.allowed(&r, at: Self.day + 1) else {
            Issue.record("blocked at 900,000 worst-case")
            return
        }
        r.reserve(100_000)
        guard case .failure(.dailyLossLimit(let loss, _)) = Self.allowed(&r, at: Self.day + 2) else {
            Issue.record("in-flight costs not counted")
            return
        }
        #expect(loss == 1_000_000)
        r.release(400_000)
        #expect(r.reservedLamports == 0)
        guard case .success = Self.allowed(&r, at: Self.day + 3) else {
            Issue.record("still blocked after release")
            return
        }
    }

    @Test func replayRebuildsTodaysLossAndIgnoresYesterdays() {
        var r = RiskManager(config: RiskConfig())
        r.replay([
            (.landed, -3_000_000_000, 5_000, Self.day - 10),  // yesterday
            (.landed, 10_000, 5_000, Self.day + 1),
            (.revertedByGuard, nil, 5_000, Self.day + 2),
        ])
        #expect(r.dayPnLLamports == 10_000 - 5_000)
        #expect(r.consecutiveFailures == 0)
        #expect(r.consecutiveReverts == 1)
    }

    /// A revert by the guard or a leg's minimum is the designed outcome of a stale or contested trade: it costs its
    /// fee (daily loss) but does not trip the failure breaker; a long run of reverts with nothing landed does.
    @Test func revertsCountTowardTheDailyLossAndTheirOwnStreakNotTheFailureBreaker() {
        var config = RiskConfig()
        config.maxConsecutiveFailures = 5
        config.maxConsecutiveReverts = 8
        var r = RiskManager(config: config)
        for i in 0..<7 {
            r.record(
                outcome: i % 2 == 0 ? .revertedBySlippage : .revertedByGuard, lamportDelta: -5_000,
                feeLamports: 5_000, nowMilliseconds: Self.day + 1)
        }
        #expect(r.dayPnLLamports == -35_000)
        #expect(r.consecutiveFailures == 0)
        guard case .success = Self.allowed(&r, at: Self.day + 2) else {
            Issue.record("seven reverts opened the breaker")
            return
        }
        // A landed trade resets the revert streak.
        r.record(outcome: .landed, lamportDelta: 20_000, feeLamports: 5_000, nowMilliseconds: Self.day + 3)
        #expect(r.consecutiveReverts == 0)
        for _ in 0..<8 {
            r.record(outcome: .revertedByGuard, lamportDelta: -5_000, feeLamports: 5_000, nowMilliseconds: Self.day + 4)
        }
        guard case .failure(.circuitOpen) = Self.allowed(&r, at: Self.day + 5) else {
            Issue.record("eight reverts in a row did not open the breaker")
            return
        }
        // Failures still open it after five, reverts in between neither count nor reset them.
        var f = RiskManager(config: config)
        for i in 0..<9 {
            f.record(
                outcome: i % 2 == 0 ? .rejected : .revertedBySlippage, lamportDelta: i % 2 == 0 ? nil : -5_000,
                feeLamports: 5_000, nowMilliseconds: Self.day + 1)
        }
        #expect(f.consecutiveFailures == 5)
        guard case .failure(.circuitOpen) = Self.allowed(&f, at: Self.day + 2) else {
            Issue.record("five failures did not open the breaker")
            return
        }
    }
}
