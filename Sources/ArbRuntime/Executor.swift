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
    public var notificationReceived: ContinuousClock.Instant
    /// The AI gate's score, when a gate is configured.
    public var gateScore: Float?

    public init(
        id: UInt64, opportunity: Opportunity, venues: [any Venue], notificationReceived: ContinuousClock.Instant,
        gateScore: Float? = nil
    ) {
        self.id = id
        self.opportunity = opportunity
        self.venues = venues
        self.notificationReceived = notificationReceived
        self.gateScore = gateScore
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

    public init(
        id: UInt64, signature: Signature? = nil, outcome: TradeOutcome, signedAt: ContinuousClock.Instant? = nil,
        feeLamports: UInt64? = nil
    ) {
        self.id = id
        self.signature = signature
        self.outcome = outcome
        self.signedAt = signedAt
        self.feeLamports = feeLamports
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
