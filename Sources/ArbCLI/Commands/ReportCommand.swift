import ArbExecution
import ArbJournal
import ArgumentParser
import Foundation

/// `solarb report`: reads a journal (read-only use) and prints expected vs landed profit, the failure taxonomy,
/// PnL over time and, when ground truth was recorded, the share of available profit captured.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise a trading journal: expected vs landed profit, failures by cause, PnL over time.",
        discussion: """
            Reads the SQLite journal written by `solarb run` (see docs/execution.md for its schema). Profits are in \
            the base token's base units (e.g. lamports for wSOL, micro-USDC for USDC), so every figure is per base \
            mint. Sections:
              totals     opportunities seen, decisions taken/skipped (with reasons), submissions, still pending
              outcomes   landed, reverted_guard, reverted_slippage, expired, rejected, insufficient_funds,
                         compute_exceeded, other
              profit     expected (all submissions, and those that landed) vs landed (the base account's real
                         token balance change), fees paid, realisation = landed / expected-of-landed, and
                         captured = landed / available when ground truth is in the journal
              over time  per bucket (--bucket hour, or slots:N): submitted, landed, expected, landed profit, fees,
                         cumulative profit
            Example: solarb report --journal solarb-journal.sqlite --bucket slots:100
            """
    )

    @Option(help: "Path of the journal (SQLite).") var journal = "solarb-journal.sqlite"
    @Option(help: "PnL bucket: 'hour', 'minute', or 'slots:N'.") var bucket = "hour"
    @Flag(help: "Print JSON-like key=value lines instead of tables (for scripts).") var plain = false

    func parseBucket() throws -> JournalReport.Bucketing {
        switch bucket {
        case "hour": return .hour
        case "minute": return .milliseconds(60_000)
        default:
            if bucket.hasPrefix("slots:"), let n = UInt64(bucket.dropFirst(6)), n > 0 { return .slots(n) }
            throw ValidationError("--bucket must be 'hour', 'minute' or 'slots:N' (N ≥ 1)")
        }
    }

    func validate() throws { _ = try parseBucket() }

    func run() throws {
        guard FileManager.default.fileExists(atPath: journal) else {
            throw ValidationError("no journal at \(journal)")
        }
        let j = try Journal(path: journal)
        let r = try j.report(bucketing: try parseBucket())
        print(Self.render(r, plain: plain))
    }

    static func render(_ r: JournalReport, plain: Bool) -> String {
        var out: [String] = []
        func pct(_ d: Double?) -> String { d.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }
        if plain {
            out.append("opportunities=\(r.opportunities) taken=\(r.decisionsTaken) skipped=\(r.decisionsSkipped)")
            out.append("submissions=\(r.submissions) pending=\(r.pending)")
            for c in OutcomeClass.allCases { out.append("outcome.\(c.rawValue)=\(r.outcomes[c.rawValue] ?? 0)") }
            for m in r.perMint {
                out.append(
                    "mint=\(m.baseMint) submissions=\(m.submissions) expected_all=\(m.expectedAll) "
                        + "expected_landed=\(m.expectedOfLanded) landed=\(m.landedProfit) fees=\(m.fees) "
                        + "ground_truth=\(m.groundTruth.map(String.init) ?? "none") captured=\(pct(m.capturedShare))")
            }
            for b in r.buckets {
                out.append(
                    "bucket=\(b.start) mint=\(b.baseMint) submitted=\(b.submitted) landed=\(b.landed) "
                        + "expected=\(b.expected) profit=\(b.landedProfit) fees=\(b.fees) cumulative=\(b.cumulativeProfit)"
                )
            }
            return out.joined(separator: "\n")
        }
        out.append("== totals")
        out.append("opportunities \(r.opportunities)   taken \(r.decisionsTaken)   skipped \(r.decisionsSkipped)")
        for (reason, n) in r.skipReasons.sorted(by: { $0.value > $1.value }) {
            out.append("  skipped: \(reason) × \(n)")
        }
        out.append("submissions \(r.submissions)   pending \(r.pending)")
        out.append("== outcomes")
        let executed = r.outcomes.values.reduce(0, +)
        for c in OutcomeClass.allCases {
            let n = r.outcomes[c.rawValue] ?? 0
            let share = executed > 0 ? String(format: "%5.1f%%", Double(n) * 100 / Double(executed)) : "    -"
            out.append(
                "  \(c.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(n).leftPad(7))  \(share)")
        }
        out.append("== profit (base units of each base mint)")
        for m in r.perMint {
            out.append("mint \(m.baseMint)")
            out.append("  expected, all submissions   \(m.expectedAll)")
            out.append("  expected, landed ones       \(m.expectedOfLanded)")
            out.append("  landed (token delta)        \(m.landedProfit)   realisation \(pct(m.realisation))")
            out.append("  fees paid (lamports)        \(m.fees)")
            out.append(
                "  available (ground truth)    \(m.groundTruth.map(String.init) ?? "not recorded")   captured \(pct(m.capturedShare))"
            )
        }
        out.append("== over time (\(Self.describe(r.bucketing)))")
        out.append("  bucket               mint        submitted  landed      expected        profit    cumulative")
        for b in r.buckets {
            let start: String
            switch r.bucketing {
            case .milliseconds:
                let f = ISO8601DateFormatter()
                start = f.string(from: Date(timeIntervalSince1970: Double(b.start) / 1000))
            case .slots: start = "slot \(b.start)"
            }
            out.append(
                "  \(start.padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(b.baseMint.prefix(8)).padding(toLength: 10, withPad: " ", startingAt: 0)) "
                    + "\(String(b.submitted).leftPad(9)) \(String(b.landed).leftPad(7)) \(String(b.expected).leftPad(13)) "
                    + "\(String(b.landedProfit).leftPad(13)) \(String(b.cumulativeProfit).leftPad(13))")
        }
        return out.joined(separator: "\n")
    }

    static func describe(_ b: JournalReport.Bucketing) -> String {
        switch b {
        case .milliseconds(let ms): ms == 3_600_000 ? "per hour" : "per \(ms / 1000) s"
        case .slots(let n): "per \(n) slots"
        }
    }
}

extension String {
    fileprivate func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
