import Foundation
import SolanaPrimitives
import Synchronization

/// Limits enforced before anything is signed.
public struct RiskConfig: Sendable, Hashable {
    /// Per-trade notional cap per base mint, in its base units (a base without an entry is not capped here; the
    /// engine's sizing caps it too).
    public var maxNotional: [Address: UInt64] = [:]
    /// Realised loss (lamport value, fees included) over one UTC day after which trading halts until the next day.
    public var dailyLossLimitLamports: UInt64 = 1_000_000_000
    /// After this many failed trades in a row the breaker opens for `coolDownMilliseconds`.
    public var maxConsecutiveFailures: Int = 5
    /// After this many trades in a row reverted by their own guard or a leg's minimum (and none landed) the breaker
    /// opens too. A revert is the designed outcome of a stale or contested trade and costs only its fees (counted
    /// toward the daily loss), so it does not count as a failure; but a long run of reverts without a single landed
    /// trade means the bot's view of the pools is systematically wrong.
    public var maxConsecutiveReverts: Int = 50
    public var coolDownMilliseconds: Int64 = 60_000
    /// Largest tolerated difference between expected and actual balances before halting (base units).
    public var reconciliationTolerance: UInt64 = 0

    public init() {}
}

/// Proof that the risk checks passed for one trade: `TransactionAssembler.sign` requires it. Only
/// `RiskManager.clear` makes one.
public struct RiskClearance: Sendable, Hashable {
    public let baseMint: Address
    public let notional: UInt64
    public let atMilliseconds: Int64
}

/// Why a trade was blocked.
public enum RiskBlock: Error, Sendable, Hashable, CustomStringConvertible {
    case killSwitch
    case notionalCap(limit: UInt64, requested: UInt64)
    case dailyLossLimit(lossLamports: UInt64, limit: UInt64)
    case circuitOpen(untilMilliseconds: Int64)
    case halted(reason: String)

    /// A short stable label (journal `skip` reason, metric label).
    public var label: String {
        switch self {
        case .killSwitch: "kill_switch"
        case .notionalCap: "notional_cap"
        case .dailyLossLimit: "daily_loss_limit"
        case .circuitOpen: "circuit_open"
        case .halted: "halted"
        }
    }

    public var description: String {
        switch self {
        case .killSwitch: "kill switch engaged"
        case .notionalCap(let l, let r): "notional \(r) above the per-trade cap \(l)"
        case .dailyLossLimit(let loss, let l): "daily loss \(loss) lamports reached the limit \(l)"
        case .circuitOpen(let u): "circuit breaker open until \(u) ms"
        case .halted(let r): "halted: \(r)"
        }
    }
}

/// The risk manager: a pure value (the clock is passed in as Unix milliseconds; the kill switch's state is passed
/// in). Every trade goes through `clear` before signing and reports its result through `record`.
public struct RiskManager: Sendable, Hashable {
    public var config: RiskConfig
    /// UTC day (Unix ms / 86,400,000) the loss counter is for, and the realised PnL of that day (lamports).
    public private(set) var day: Int64 = .min
    public private(set) var dayPnLLamports: Int64 = 0
    public private(set) var consecutiveFailures: Int = 0
    /// Trades reverted by their guard or a leg's minimum since the last landed trade.
    public private(set) var consecutiveReverts: Int = 0
    public private(set) var circuitOpenUntil: Int64? = nil
    /// Set by a failed balance reconciliation; cleared only by `resume()` (an operator decision).
    public private(set) var haltReason: String? = nil
    /// Worst-case loss of the trades in flight (their costs: fee, priority, tip, rent — the guard rules out a
    /// trading loss), counted against the daily loss limit until their outcome is recorded.
    public private(set) var reservedLamports: UInt64 = 0

    public init(config: RiskConfig) { self.config = config }

    static let msPerDay: Int64 = 86_400_000

    mutating func roll(_ now: Int64) {
        let d = now >= 0 ? now / Self.msPerDay : (now - Self.msPerDay + 1) / Self.msPerDay
        if d != day {
            day = d
            dayPnLLamports = 0
        }
    }

    /// Checks every limit for a trade of `notional` base units of `baseMint`; returns the clearance or the block.
    public mutating func check(
        baseMint: Address, notional: UInt64, nowMilliseconds now: Int64, killSwitchEngaged: Bool
    ) -> Result<RiskClearance, RiskBlock> {
        roll(now)
        if killSwitchEngaged { return .failure(.killSwitch) }
        if let r = haltReason { return .failure(.halted(reason: r)) }
        if let until = circuitOpenUntil {
            if now < until { return .failure(.circuitOpen(untilMilliseconds: until)) }
            circuitOpenUntil = nil
            consecutiveFailures = 0
            consecutiveReverts = 0
        }
        let worst = Int128(dayPnLLamports) - Int128(reservedLamports)
        if worst < 0 {
            let loss = UInt64(clamping: worst.magnitude)
            if loss >= config.dailyLossLimitLamports {
                return .failure(.dailyLossLimit(lossLamports: loss, limit: config.dailyLossLimitLamports))
            }
        }
        if let cap = config.maxNotional[baseMint], notional > cap {
            return .failure(.notionalCap(limit: cap, requested: notional))
        }
        return .success(RiskClearance(baseMint: baseMint, notional: notional, atMilliseconds: now))
    }

    /// `check` as a throwing call (`riskBlocked`, detail = the block's label and description).
    public mutating func clear(
        baseMint: Address, notional: UInt64, nowMilliseconds now: Int64, killSwitchEngaged: Bool
    ) throws(ExecutionError) -> RiskClearance {
        switch check(baseMint: baseMint, notional: notional, nowMilliseconds: now, killSwitchEngaged: killSwitchEngaged)
        {
        case .success(let c): return c
        case .failure(let b): throw ExecutionError(.riskBlocked, "\(b.label): \(b)")
        }
    }

    /// Records a finished trade: `success` false counts toward the breaker; `pnlLamports` (fees included, may be
    /// negative) toward the daily loss.
    public mutating func record(success: Bool, pnlLamports: Int64, nowMilliseconds now: Int64) {
        roll(now)
        let (s, o) = dayPnLLamports.addingReportingOverflow(pnlLamports)
        dayPnLLamports = o ? (pnlLamports < 0 ? .min : .max) : s
        if success {
            consecutiveFailures = 0
        } else {
            consecutiveFailures += 1
            if consecutiveFailures >= config.maxConsecutiveFailures {
                circuitOpenUntil = now + config.coolDownMilliseconds
            }
        }
    }

    /// Reserves a sent trade's worst-case cost until `release` (when its final outcome is recorded).
    public mutating func reserve(_ lamports: UInt64) {
        reservedLamports =
            reservedLamports.addingReportingOverflow(lamports).overflow ? .max : reservedLamports + lamports
    }

    public mutating func release(_ lamports: UInt64) { reservedLamports -= min(lamports, reservedLamports) }

    /// Records a final outcome. Executed transactions count their payer's lamport change (or at least the fee)
    /// toward the daily loss. `landed` resets both streaks. A trade reverted by its guard or a leg's minimum
    /// (`reverted_guard`, `reverted_slippage`: the profit guard doing its job on a stale or contested trade) counts
    /// toward `maxConsecutiveReverts` only; every other final outcome (`rejected`, `expired`, insufficient funds,
    /// compute exceeded, other program errors) toward `maxConsecutiveFailures`, so a bot whose sends keep failing
    /// stops quickly. `unknown` is not final: ignored.
    public mutating func record(
        outcome: OutcomeClass, lamportDelta: Int64?, feeLamports: UInt64?, nowMilliseconds now: Int64
    ) {
        guard outcome.isFinal else { return }
        let pnl = outcome.executed ? (lamportDelta ?? -Int64(clamping: feeLamports ?? 0)) : 0
        switch outcome {
        case .revertedByGuard, .revertedBySlippage:
            roll(now)
            let (s, o) = dayPnLLamports.addingReportingOverflow(pnl)
            dayPnLLamports = o ? (pnl < 0 ? .min : .max) : s
            consecutiveReverts += 1
            if consecutiveReverts >= config.maxConsecutiveReverts {
                circuitOpenUntil = now + config.coolDownMilliseconds
            }
        case .landed:
            consecutiveReverts = 0
            record(success: true, pnlLamports: pnl, nowMilliseconds: now)
        default:
            record(success: false, pnlLamports: pnl, nowMilliseconds: now)
        }
    }

    /// Rebuilds the day's PnL, the failure streak and an open breaker from journaled outcomes (oldest first), so
    /// a restart does not reset the limits. Events older than the current UTC day only affect the streak.
    public mutating func replay(
        _ events: [(outcome: OutcomeClass, lamportDelta: Int64?, feeLamports: UInt64?, atMilliseconds: Int64)]
    ) {
        for e in events {
            record(
                outcome: e.outcome, lamportDelta: e.lamportDelta, feeLamports: e.feeLamports,
                nowMilliseconds: e.atMilliseconds)
        }
    }

    /// One balance difference found by reconciliation.
    public struct Mismatch: Sendable, Hashable {
        public var account: Address
        public var expected: UInt64
        public var actual: UInt64
        public init(account: Address, expected: UInt64, actual: UInt64) {
            self.account = account
            self.expected = expected
            self.actual = actual
        }
    }

    /// Compares the balances the bot expects (from its own accounting) with those read from the chain; any
    /// difference above the tolerance halts trading until `resume()`.
    public mutating func reconcile(expected: [Address: UInt64], actual: [Address: UInt64]) -> [Mismatch] {
        var out: [Mismatch] = []
        for (account, e) in expected.sorted(by: { $0.key < $1.key }) {
            let a = actual[account] ?? 0
            let diff = a > e ? a - e : e - a
            if diff > config.reconciliationTolerance { out.append(Mismatch(account: account, expected: e, actual: a)) }
        }
        if let m = out.first {
            haltReason = "balance mismatch on \(m.account): expected \(m.expected), chain has \(m.actual)"
        }
        return out
    }

    /// Clears a reconciliation halt (operator decision).
    public mutating func resume() { haltReason = nil }
}

/// The kill switch: engaged when a flag is set (by the runtime's signal handler or an authenticated local
/// command) or when a file exists at `path`. Checked before every signing.
public final class KillSwitch: Sendable {
    public let path: String?
    let flag = Atomic<Bool>(false)

    public init(path: String? = nil) { self.path = path }

    public func engage() { flag.store(true, ordering: .sequentiallyConsistent) }
    public func release() { flag.store(false, ordering: .sequentiallyConsistent) }

    public var isEngaged: Bool {
        if flag.load(ordering: .sequentiallyConsistent) { return true }
        if let path { return FileManager.default.fileExists(atPath: path) }
        return false
    }
}
