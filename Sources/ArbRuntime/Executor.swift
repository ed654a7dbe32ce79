import ArbEngine
import ArbRPC
import ArbVenues
import SolanaPrimitives
import Synchronization

/// One decision handed to an executor: the opportunity, the venues of its legs (the state it was quoted on),
/// and when the account notification that triggered it was received.
public struct TradeRequest: Sendable {
    public var id: UInt64
    public var opportunity: Opportunity
    /// One venue per leg, in leg order.
    public var venues: [any Venue]
    public var notificationReceived: ContinuousClock.Instant { timeline.received }
    /// The AI gate's score, when a gate is configured.
    public var gateScore: Float?
    /// When each stage of the hot path was reached (the runtime marks its stages, the executor its own).
    public var timeline: TradeTimeline

    public init(
        id: UInt64, opportunity: Opportunity, venues: [any Venue], notificationReceived: ContinuousClock.Instant,
        gateScore: Float? = nil
    ) {
        self.id = id
        self.opportunity = opportunity
        self.venues = venues
        self.timeline = TradeTimeline(received: notificationReceived)
        self.gateScore = gateScore
    }
}

/// Per-decision timestamps of the hot path, from the receipt of the first account notification that led to the
/// decision to the moment the sendTransaction request was answered. Integer nanoseconds after `received` in a
/// fixed inline array (recording never allocates); -1 = the stage was not reached.
public struct TradeTimeline: Sendable {
    /// The stages, in pipeline order.
    public enum Stage: Int, CaseIterable, Sendable, CustomStringConvertible {
        /// The decision loop took the batch holding the notification (after the settle logic, if it waited).
        case decideStart
        /// Every touched venue re-read its accounts from the store and was inserted into the engine.
        case venuesUpdated
        /// The engine re-evaluated the cycles through the touched pools (sizing, quotes) and ranked the candidates.
        case engineDone
        /// The executor started on the decision (after the dispatcher's task hop).
        case executorStart
        /// The transaction is assembled (guarded v0 message compiled).
        case assembled
        /// The risk manager cleared it.
        case riskCleared
        /// Signed bytes ready.
        case signed
        /// The intent is committed to the journal (durable against a process kill).
        case journaled
        /// sendTransaction is being issued (the bytes are about to leave the process).
        case sendIssued
        /// Every endpoint answered the sendTransaction request.
        case sendAnswered

        public var description: String {
            switch self {
            case .decideStart: "decide start"
            case .venuesUpdated: "venues updated"
            case .engineDone: "engine done"
            case .executorStart: "executor start"
            case .assembled: "assembled"
            case .riskCleared: "risk cleared"
            case .signed: "signed"
            case .journaled: "intent journaled"
            case .sendIssued: "send issued"
            case .sendAnswered: "send answered"
            }
        }
    }

    public let received: ContinuousClock.Instant
    var marks = InlineArray<10, Int64>(repeating: -1)

    public init(received: ContinuousClock.Instant) { self.received = received }

    public mutating func mark(_ stage: Stage, at instant: ContinuousClock.Instant = .now) {
        marks[stage.rawValue] = max(0, Self.nanoseconds(instant - received))
    }

    /// Nanoseconds from `received` to `stage`, nil when the stage was not reached.
    public func nanoseconds(_ stage: Stage) -> Int64? {
        let v = marks[stage.rawValue]
        return v < 0 ? nil : v
    }

    /// The instant `stage` was reached.
    public func instant(_ stage: Stage) -> ContinuousClock.Instant? {
        nanoseconds(stage).map { received + .nanoseconds($0) }
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return s &* 1_000_000_000 &+ atto / 1_000_000_000
    }
}

/// What became of a trade. `label` is a bounded vocabulary (metric label, journal column).
public enum TradeOutcome: Sendable, Hashable {
    /// Landed without error; the wallet's measured profit in lamports when it could be measured (wSOL base).
    case landed(actualProfitLamports: Int64?)
    /// Landed but the last leg's minimum output (the profit guard) was not met: reverted, only the fee lost.
    case revertedByGuard(String)
    /// Landed but an earlier leg's minimum output was not met (the pools moved): reverted, only the fee lost.
    case revertedBySlippage(String)
    /// Landed with another error (compute exceeded, insufficient funds…).
    case failed(String)
    /// Not seen before its blockhash expired.
    case expired
    /// Refused before execution (RPC error, preflight failure, bad signature…).
    case rejected(String)
    /// Dry run: the simulation's verdict, nothing sent.
    case simulated(ok: Bool, detail: String)
    /// Could not be built or signed.
    case buildFailed(String)
    /// The identical signed transaction was already journaled and sent (same message and blockhash): not sent
    /// again.
    case duplicate
    /// Sent, but neither execution nor expiry could be proven yet: not final (the executor keeps its pools busy
    /// and reconciles it later).
    case unknown(String)

    public var label: String {
        switch self {
        case .landed: "landed"
        case .revertedByGuard: "reverted_guard"
        case .revertedBySlippage: "reverted_slippage"
        case .failed: "failed"
        case .expired: "expired"
        case .rejected: "rejected"
        case .simulated(let ok, _): ok ? "simulated_ok" : "simulated_fail"
        case .buildFailed: "build_failed"
        case .duplicate: "duplicate"
        case .unknown: "unknown"
        }
    }

    /// Sent and landed in a block (success or revert).
    public var landedOnChain: Bool {
        switch self {
        case .landed, .revertedByGuard, .revertedBySlippage, .failed: true
        default: false
        }
    }
}

public struct TradeResult: Sendable {
    public var id: UInt64
    public var signature: Signature?
    public var outcome: TradeOutcome
    /// When the signed transaction bytes were ready (the end of the decision's hot path).
    public var signedAt: ContinuousClock.Instant?
    /// Fee paid (lamports), when known.
    public var feeLamports: UInt64?
    /// The request's timeline with the executor's stages marked (nil: the executor marks none).
    public var timeline: TradeTimeline?

    public init(
        id: UInt64, signature: Signature? = nil, outcome: TradeOutcome, signedAt: ContinuousClock.Instant? = nil,
        feeLamports: UInt64? = nil, timeline: TradeTimeline? = nil
    ) {
        self.id = id
        self.signature = signature
        self.outcome = outcome
        self.signedAt = signedAt
        self.feeLamports = feeLamports
        self.timeline = timeline
    }
}

/// Turns a decision into a transaction and reports what became of it. The runtime calls `execute` once per
/// decision, possibly concurrently for decisions on disjoint pools; `execute` returns when the outcome is final.
public protocol Executor: Sendable {
    func execute(_ trade: TradeRequest) async -> TradeResult
    /// Called once before trading with every mint of the loaded pools (e.g. to create the wallet's token
    /// accounts up front, so that no trade pays rent).
    func prepare(mints: [Address]) async throws(RuntimeError)
    /// Called once when the runtime drains (after the last `execute` returned): flush journals, etc.
    func finish() async
}

extension Executor {
    public func prepare(mints: [Address]) async throws(RuntimeError) {}
    public func finish() async {}
}

/// The latest blockhash, refreshed off the hot path by the runtime.
public final class BlockhashCache: Sendable {
    let value = Mutex<LatestBlockhash?>(nil)
    public init() {}
    public var latest: LatestBlockhash? { value.withLock { $0 } }
    public func set(_ b: LatestBlockhash) { value.withLock { $0 = b } }
}
