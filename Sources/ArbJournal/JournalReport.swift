import ArbExecution
import GRDB

/// What `solarb report` prints: expected vs landed profit, failure taxonomy, PnL over time, share captured.
/// Profits are in each base token's base units, so every figure is per base mint.
public struct JournalReport: Sendable, Hashable {
    public enum Bucketing: Sendable, Hashable {
        case milliseconds(Int64)
        case slots(UInt64)
        public static let hour = Bucketing.milliseconds(3_600_000)
    }

    public struct PerMint: Sendable, Hashable {
        public var baseMint: String
        public var submissions: Int
        /// Σ expected net profit (after costs) of all submissions, and of those that landed.
        public var expectedNetAll: Int64
        public var expectedNetLanded: Int64
        /// Σ expected gross profit (expected out − input) of those that landed.
        public var expectedGrossLanded: Int64
        /// Σ measured gross gain of landed transactions, base units, from the chain (wSOL base: payer lamport
        /// change + fee + tip + the wallet's token-account lamport change; other bases: the base-token balance
        /// change) — see `ExecutionOutcome.baseDelta`.
        public var landedGross: Int64
        /// Landed transactions whose gain could not be measured (getTransaction failed): not in `landedGross`.
        public var landedUnmeasured: Int = 0
        /// Σ what every executed transaction paid (fee, plus tip and net rent of created accounts when landed),
        /// lamports, and converted to base units with each submission's own cost ratio.
        public var feesLamports: Int64
        public var feesInBase: Int64
        /// landedGross − feesInBase: realised PnL in base units (reverted trades cost their fee).
        public var netPnL: Int64 { landedGross - feesInBase }
        /// Ground truth available profit (nil when none was recorded).
        public var groundTruth: Int64?
        /// landedGross / groundTruth: the share of the available profit captured.
        public var capturedShare: Double? {
            guard let g = groundTruth, g > 0 else { return nil }
            return Double(landedGross) / Double(g)
        }
        /// landedGross / expectedGrossLanded: how well expectations held when a trade landed.
        public var realisation: Double? {
            expectedGrossLanded > 0 ? Double(landedGross) / Double(expectedGrossLanded) : nil
        }
    }

    public struct Bucket: Sendable, Hashable {
        /// Bucket start (ms since epoch, or slot), inclusive.
        public var start: Int64
        public var baseMint: String
        public var submitted: Int
        public var landed: Int
        public var expected: Int64
        public var landedProfit: Int64
        public var fees: Int64
        /// Running total of landedProfit for this mint up to and including this bucket.
        public var cumulativeProfit: Int64
    }

    public var opportunities: Int
    public var decisionsTaken: Int
    public var decisionsSkipped: Int
    public var skipReasons: [String: Int]
    public var submissions: Int
    public var pending: Int
    /// Outcome class → count (every class present, zeros included).
    public var outcomes: [String: Int]
    public var perMint: [PerMint]
    public var buckets: [Bucket]
    public var bucketing: Bucketing
}

extension Journal {
    /// Lamports one outcome row paid: fee + tip + net rent (NULLs count 0).
    static let paidSQL =
        "COALESCE(o.fee_lamports, 0) + COALESCE(o.tip_lamports, 0) + COALESCE(o.rent_lamports, 0)"

    public func report(bucketing: JournalReport.Bucketing = .hour) throws(JournalError) -> JournalReport {
        try read("report") { db in
            func int(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            var skip: [String: Int] = [:]
            for r in try Row.fetchAll(
                db, sql: "SELECT reason, COUNT(*) AS n FROM decisions WHERE taken = 0 GROUP BY reason")
            {
                let reason: String = try r.decode(forColumn: "reason")
                skip[reason] = try r.decode(Int.self, forColumn: "n")
            }
            var outcomes: [String: Int] = Dictionary(
                uniqueKeysWithValues: OutcomeClass.allCases.filter(\.isFinal).map { ($0.rawValue, 0) })
            for r in try Row.fetchAll(db, sql: "SELECT class, COUNT(*) AS n FROM outcomes GROUP BY class") {
                let cls: String = try r.decode(forColumn: "class")
                outcomes[cls] = try r.decode(Int.self, forColumn: "n")
            }
            var perMint: [JournalReport.PerMint] = []
            for r in try Row.fetchAll(
                db,
                sql: """
                    SELECT s.base_mint AS mint, COUNT(*) AS n,
                        COALESCE(SUM(s.expected_profit), 0) AS expected_all,
                        COALESCE(SUM(CASE WHEN o.class = 'landed' THEN s.expected_profit ELSE 0 END), 0) AS expected_landed,
                        COALESCE(SUM(CASE WHEN o.class = 'landed' THEN s.expected_gross ELSE 0 END), 0) AS gross_landed,
                        COALESCE(SUM(CASE WHEN o.class = 'landed' THEN o.actual_profit ELSE 0 END), 0) AS landed,
                        SUM(CASE WHEN o.class = 'landed' AND o.actual_profit IS NULL THEN 1 ELSE 0 END) AS unmeasured,
                        COALESCE(SUM(\(Self.paidSQL)), 0) AS fees,
                        COALESCE(SUM(CASE WHEN s.cost_lamports > 0
                            THEN ((\(Self.paidSQL)) * s.cost_in_base + s.cost_lamports - 1) / s.cost_lamports
                            ELSE 0 END), 0) AS fees_base
                    FROM submissions s LEFT JOIN outcomes o ON o.submission_id = s.id
                    GROUP BY s.base_mint ORDER BY s.base_mint
                    """)
            {
                let mint: String = try r.decode(forColumn: "mint")
                let truth = try Int64.fetchOne(
                    db, sql: "SELECT SUM(available_profit) FROM ground_truth WHERE base_mint = ?", arguments: [mint])
                perMint.append(
                    JournalReport.PerMint(
                        baseMint: mint, submissions: try r.decode(forColumn: "n"),
                        expectedNetAll: try r.decode(forColumn: "expected_all"),
                        expectedNetLanded: try r.decode(forColumn: "expected_landed"),
                        expectedGrossLanded: try r.decode(forColumn: "gross_landed"),
                        landedGross: try r.decode(forColumn: "landed"),
                        landedUnmeasured: try r.decode(Int?.self, forColumn: "unmeasured") ?? 0,
                        feesLamports: try r.decode(forColumn: "fees"), feesInBase: try r.decode(forColumn: "fees_base"),
                        groundTruth: truth))
            }
            let keySQL: String
            switch bucketing {
            case .milliseconds(let ms): keySQL = "(s.at_ms / \(max(ms, 1))) * \(max(ms, 1))"
            case .slots(let n): keySQL = "(s.slot / \(max(n, 1))) * \(max(n, 1))"
            }
            var buckets: [JournalReport.Bucket] = []
            var running: [String: Int64] = [:]
            for r in try Row.fetchAll(
                db,
                sql: """
                    SELECT \(keySQL) AS k, s.base_mint AS mint, COUNT(*) AS n,
                        SUM(CASE WHEN o.class = 'landed' THEN 1 ELSE 0 END) AS landed_n,
                        COALESCE(SUM(s.expected_profit), 0) AS expected,
                        COALESCE(SUM(CASE WHEN o.class = 'landed' THEN o.actual_profit ELSE 0 END), 0) AS landed,
                        COALESCE(SUM(\(Self.paidSQL)), 0) AS fees
                    FROM submissions s LEFT JOIN outcomes o ON o.submission_id = s.id
                    GROUP BY k, s.base_mint ORDER BY k, s.base_mint
                    """)
            {
                let mint: String = try r.decode(forColumn: "mint")
                let landed: Int64 = try r.decode(forColumn: "landed")
                let (sum, overflow) = running[mint, default: 0].addingReportingOverflow(landed)
                guard !overflow else { throw JournalError(.valueOutOfRange, "cumulative profit of \(mint) overflows") }
                running[mint] = sum
                buckets.append(
                    JournalReport.Bucket(
                        start: try r.decode(forColumn: "k"), baseMint: mint, submitted: try r.decode(forColumn: "n"),
                        landed: try r.decode(forColumn: "landed_n"),
                        expected: try r.decode(forColumn: "expected"),
                        landedProfit: landed, fees: try r.decode(forColumn: "fees"),
                        cumulativeProfit: running[mint] ?? 0))
            }
            return JournalReport(
                opportunities: try int("SELECT COUNT(*) FROM opportunities"),
                decisionsTaken: try int("SELECT COUNT(*) FROM decisions WHERE taken = 1"),
                decisionsSkipped: try int("SELECT COUNT(*) FROM decisions WHERE taken = 0"),
                skipReasons: skip,
                submissions: try int("SELECT COUNT(*) FROM submissions"),
                pending: try int(
                    "SELECT COUNT(*) FROM submissions s LEFT JOIN outcomes o ON o.submission_id = s.id WHERE o.id IS NULL"
                ),
                outcomes: outcomes, perMint: perMint, buckets: buckets, bucketing: bucketing)
        }
    }
}
