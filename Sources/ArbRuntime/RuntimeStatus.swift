/// What the runtime has done so far: the status line and the summary at exit.
public struct RuntimeStatus: Sendable {
    /// Newest slot known (feed or RPC).
    public var slot: UInt64 = 0
    public var startSlot: UInt64 = 0
    public var pools = 0
    public var poolsRejected = 0
    public var cycles = 0
    public var accounts = 0
    /// Whether the feed is fresh (connected, resynced, not lagging).
    public var fresh = false
    /// Account updates applied, and decision batches evaluated.
    public var updates: UInt64 = 0
    public var batches: UInt64 = 0
    /// Profitable opportunities the engine ranked (after dedup per batch), and those handed to the executor.
    public var opportunities: UInt64 = 0
    public var gatedOut: UInt64 = 0
    public var skippedStale: UInt64 = 0
    public var skippedBusy: UInt64 = 0
    /// Pools evaluated again when the trade that kept them busy finished (see `BusyPools`).
    public var reevaluatedAfterBusy: UInt64 = 0
    public var submitted: UInt64 = 0
    public var inFlight = 0
    /// Outcomes by `TradeOutcome.label`.
    public var outcomes: [String: UInt64] = [:]
    /// Sum of expected net profit (lamports) of trades that landed successfully.
    public var expectedLandedLamports: UInt64 = 0
    /// Sum of measured wallet deltas (lamports) of landed and reverted trades: profits minus fees.
    public var pnlLamports: Int64 = 0
    /// Sum of expected net profit (lamports) of everything submitted.
    public var expectedSubmittedLamports: UInt64 = 0
    public var venueErrors: UInt64 = 0
    /// Notification receipt → signed bytes ready, per decision.
    public var latency = LatencyHistogram()
    /// Notification receipt → each stage of the hot path (cumulative), indexed by `TradeTimeline.Stage.rawValue`.
    public var stageLatency = TradeTimeline.Stage.allCases.map { _ in LatencyHistogram() }
    /// The previous stage reached → this stage, indexed like `stageLatency`.
    public var stageDelta = TradeTimeline.Stage.allCases.map { _ in LatencyHistogram() }
    /// How pools waiting for the rest of their slot's update were released: every account a swap writes had
    /// arrived (complete), the feed moved past the slot, or the settle deadline passed.
    public var settledComplete: UInt64 = 0
    public var settledFeedPassed: UInt64 = 0
    public var settledDeadline: UInt64 = 0

    public init() {}

    public func count(_ label: String) -> UInt64 { outcomes[label] ?? 0 }
    public var landed: UInt64 { count("landed") }
    public var reverted: UInt64 { count("reverted_guard") + count("reverted_slippage") }
    /// Sent to a cluster (landed, reverted, failed, expired, rejected).
    public var sent: UInt64 {
        landed + reverted + count("failed") + count("expired") + count("rejected")
    }
    public var failed: UInt64 { count("failed") + count("expired") + count("rejected") + count("build_failed") }
    public var simulated: UInt64 { count("simulated_ok") + count("simulated_fail") }

    /// One line: slot, pools, opportunities, sent/landed/failed, PnL, latency p50/p99.
    public var line: String {
        let p50 = Self.micros(latency.percentile(50))
        let p99 = Self.micros(latency.percentile(99))
        var s = "slot \(slot) | pools \(pools) | opps \(opportunities) | sent \(sent) landed \(landed) "
        s += "reverted \(reverted) failed \(failed)"
        if simulated > 0 { s += " simulated \(simulated)" }
        s += " | pnl \(Self.sol(pnlLamports)) SOL | latency p50 \(p50) p99 \(p99)"
        let send = stageLatency[TradeTimeline.Stage.sendIssued.rawValue]
        if send.count > 0 {
            s += " (to send p50 \(Self.micros(send.percentile(50))) p99 \(Self.micros(send.percentile(99))))"
        }
        if !fresh { s += " | feed stale" }
        return s
    }

    /// Records a finished decision's timeline into the per-stage histograms.
    public mutating func record(_ timeline: TradeTimeline) {
        var previous: Int64 = 0
        for stage in TradeTimeline.Stage.allCases {
            guard let t = timeline.nanoseconds(stage) else { continue }
            stageLatency[stage.rawValue].record(UInt64(t))
            stageDelta[stage.rawValue].record(UInt64(max(0, t - previous)))
            previous = t
        }
    }

    /// One line per stage reached: p50/p99 of the step from the previous stage and of receipt → stage.
    public var stageTable: [String] {
        var lines = ["    stage              step p50 / p99            from receipt p50 / p99    n"]
        for stage in TradeTimeline.Stage.allCases {
            let c = stageLatency[stage.rawValue]
            let d = stageDelta[stage.rawValue]
            guard c.count > 0 else { continue }
            func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(1, n - s.count)) }
            lines.append(
                "    " + pad(stage.description, 19)
                    + pad("\(Self.micros(d.percentile(50))) / \(Self.micros(d.percentile(99)))", 26)
                    + pad("\(Self.micros(c.percentile(50))) / \(Self.micros(c.percentile(99)))", 26) + "\(c.count)")
        }
        return lines
    }

    public static func micros(_ ns: UInt64) -> String {
        let tenths = (ns + 50) / 100
        return "\(tenths / 10).\(tenths % 10) µs"
    }

    /// Lamports as SOL with 9 decimals, exact (integer formatting).
    public static func sol(_ lamports: Int64) -> String {
        let sign = lamports < 0 ? "-" : ""
        let m = lamports.magnitude
        let frac = String(m % 1_000_000_000)
        return "\(sign)\(m / 1_000_000_000).\(String(repeating: "0", count: 9 - frac.count))\(frac)"
    }
}
