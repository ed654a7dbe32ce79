import ArbExecution
import ArbJournal
import ArgumentParser
import Foundation

/// `solarb report`: opens a journal (migrating it if older, never changing its rows) and prints expected vs landed
/// profit, the failure taxonomy, PnL over time and, when ground truth was recorded, the share of profit captured.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise a trading journal: expected vs landed profit, failures by cause, PnL over time.",
        discussion: """
            Reads the SQLite journal written by `solarb run` (schema: docs/execution.md). Profits are in base \
            units of each cycle's base token (lamports for wSOL, micro-USDC for USDC), so every figure is per base \
            mint.

            totals: opportunities seen, decisions taken and skipped (with reasons), submissions, still pending.

            outcomes: landed, reverted_guard, reverted_slippage, expired, rejected, insufficient_funds, \
            compute_exceeded, other.

            profit: expected net profit (all submissions, and those that landed); expected gross vs landed gross \
            (the base account's real balance change) and their ratio, realisation; fees of every executed \
            transaction; net PnL = landed gross − fees; captured = landed gross / available profit when ground \
            truth (e.g. from the simulated cluster) is in the journal.

            over time: per bucket (--bucket hour, minute or slots:N): submitted, landed, expected net, landed \
            gross, fees, cumulative landed gross.

            Example: solarb report --journal solarb-journal.sqlite --bucket slots:100
            """
    )

    @Option(help: "Path of the journal (SQLite).") var journal = "solarb-journal.sqlite"
    @Option(help: "PnL bucket: 'hour', 'minute', or 'slots:N'.") var bucket = "hour"
    @Flag(help: "Print key=value lines instead of tables (for scripts).") var plain = false

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
            for c in OutcomeClass.allCases where c.isFinal {
                out.append("outcome.\(c.rawValue)=\(r.outcomes[c.rawValue] ?? 0)")
            }
            for m in r.perMint {
                out.append(
                    "mint=\(m.baseMint) submissions=\(m.submissions) expected_net_all=\(m.expectedNetAll) "
                        + "expected_net_landed=\(m.expectedNetLanded) expected_gross_landed=\(m.expectedGrossLanded) "
                        + "landed_gross=\(m.landedGross) landed_unmeasured=\(m.landedUnmeasured) fees_lamports=\(m.feesLamports) fees_base=\(m.feesInBase) "
                        + "net_pnl=\(m.netPnL) ground_truth=\(m.groundTruth.map(String.init) ?? "none") "
                        + "captured=\(pct(m.capturedShare))")
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
        for c in OutcomeClass.allCases where c.isFinal {
            let n = r.outcomes[c.rawValue] ?? 0
            let share = executed > 0 ? String(format: "%5.1f%%", Double(n) * 100 / Double(executed)) : "    -"
            out.append(
                "  \(c.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(n).leftPad(7))  \(share)")
        }
        out.append("== profit (base units of each base mint)")
        for m in r.perMint {
            out.append("mint \(m.baseMint)")
            out.append("  expected net, all submissions   \(m.expectedNetAll)")
            out.append("  expected net, landed ones       \(m.expectedNetLanded)")
            out.append("  expected gross, landed ones     \(m.expectedGrossLanded)")
            out.append("  landed gross (measured)         \(m.landedGross)   realisation \(pct(m.realisation))")
            if m.landedUnmeasured > 0 {
                out.append(
                    "  landed, gain not measured       \(m.landedUnmeasured) (getTransaction failed; not counted)")
            }
            out.append("  fees+tips+rent (lamports/base)  \(m.feesLamports) / \(m.feesInBase)")
            out.append("  net PnL (landed − fees)         \(m.netPnL)")
            out.append(
                "  available (ground truth)        \(m.groundTruth.map(String.init) ?? "not recorded")   captured \(pct(m.capturedShare))"
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
