import SolanaPrimitives
import Synchronization

/// Measures a bot's reaction time as the cluster sees it: from the moment the cluster writes an account (or
/// program) notification for an account to the moment it receives a `sendTransaction` that references that
/// account. Installed with `SimCluster.installLatencyProbe(_:)`; the cluster calls it on its own path, so the
/// measure includes the bot's whole pipeline (WebSocket read, decode, quote, sign, HTTP send) and the cluster's
/// own serving overhead on both sides.
///
/// Attribution: a transaction is matched to the newest slot for which any of its accounts (static keys and keys
/// loaded from lookup tables) was notified; `fromFirst` measures from the first notification of that slot among
/// those accounts (the conservative reading: the earliest the bot could have started), `fromLast` from the last
/// one. A transaction referencing no notified account is counted as unattributed. Times are integer nanoseconds
/// on a monotonic clock.
public final class LatencyProbe: Sendable {
    public struct Sample: Sendable, Hashable {
        public var signature: Signature
        /// Slot whose notifications the transaction answered.
        public var slot: UInt64
        /// The notified account that was written first / last in that slot (among the transaction's accounts).
        public var firstAccount: Address
        public var fromFirstNanoseconds: Int64
        public var fromLastNanoseconds: Int64
        /// When the cluster received the transaction (the handler ran), on the probe's clock.
        public var received: ContinuousClock.Instant
        /// When the first notification of `slot` among the transaction's accounts was written.
        public var firstWritten: ContinuousClock.Instant { received - .nanoseconds(fromFirstNanoseconds) }
    }

    public struct Summary: Sendable, Hashable {
        public var transactions: Int
        public var unattributed: Int
        public var p50FromFirst: Int64
        public var p99FromFirst: Int64
        public var maxFromFirst: Int64
        public var p50FromLast: Int64
        public var p99FromLast: Int64
    }

    struct Written {
        var slot: UInt64
        var nanoseconds: Int64
    }

    struct State {
        var written: [Address: Written] = [:]
        var samples: [Sample] = []
        var unattributed = 0
    }

    let clock = ContinuousClock()
    let epoch: ContinuousClock.Instant
    let state = Mutex(State())
    /// Samples kept (the oldest are dropped beyond this).
    public let capacity: Int

    public init(capacity: Int = 1 << 20) {
        epoch = clock.now
        self.capacity = max(1, capacity)
    }

    var nowNanoseconds: Int64 {
        let (s, atto) = (clock.now - epoch).components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }

    /// The cluster wrote a notification about `address` for `slot`.
    func notificationWritten(_ address: Address, slot: UInt64) {
        let t = nowNanoseconds
        state.withLock { s in
            if let w = s.written[address], w.slot == slot { return }  // keep the first write of the slot
            s.written[address] = Written(slot: slot, nanoseconds: t)
        }
    }

    /// The cluster received a transaction referencing `accounts`.
    func transactionReceived(_ signature: Signature, accounts: [Address]) {
        let t = nowNanoseconds
        state.withLock { s in
            var slot: UInt64 = 0
            var first: (Address, Int64)?
            var last: Int64 = .min
            for a in accounts {
                guard let w = s.written[a], w.nanoseconds <= t else { continue }
                if first == nil || w.slot > slot {
                    slot = w.slot
                    first = (a, w.nanoseconds)
                    last = w.nanoseconds
                } else if w.slot == slot {
                    if w.nanoseconds < first!.1 { first = (a, w.nanoseconds) }
                    last = max(last, w.nanoseconds)
                }
            }
            guard let first else {
                s.unattributed += 1
                return
            }
            if s.samples.count >= capacity { s.samples.removeFirst(s.samples.count - capacity + 1) }
            s.samples.append(
                Sample(
                    signature: signature, slot: slot, firstAccount: first.0, fromFirstNanoseconds: t - first.1,
                    fromLastNanoseconds: t - last, received: epoch + .nanoseconds(t)))
        }
    }

    public var samples: [Sample] { state.withLock { $0.samples } }

    /// Percentiles by nearest rank over the kept samples (0 when there are none).
    public func summary() -> Summary {
        let (samples, unattributed) = state.withLock { ($0.samples, $0.unattributed) }
        let first = samples.map(\.fromFirstNanoseconds).sorted()
        let last = samples.map(\.fromLastNanoseconds).sorted()
        return Summary(
            transactions: samples.count, unattributed: unattributed, p50FromFirst: Self.rank(first, 50),
            p99FromFirst: Self.rank(first, 99), maxFromFirst: first.last ?? 0, p50FromLast: Self.rank(last, 50),
            p99FromLast: Self.rank(last, 99))
    }

    /// Nearest-rank percentile of a sorted list.
    static func rank(_ sorted: [Int64], _ p: Int) -> Int64 {
        guard !sorted.isEmpty else { return 0 }
        let r = (p * sorted.count + 99) / 100
        return sorted[max(0, min(sorted.count - 1, r - 1))]
    }
}

extension SimCluster {
    /// Starts timing notifications and received transactions (see `LatencyProbe`). Replaces any earlier probe.
    public func installLatencyProbe(_ probe: LatencyProbe?) { latencyProbe = probe }

    /// Every account a transaction references: static keys, then keys loaded from its lookup tables (when the
    /// tables resolve at the current state; otherwise the static keys only).
    func referencedAccounts(_ tx: VersionedTransaction) -> [Address] {
        var keys = tx.message.staticAccountKeys.map { $0 }
        if let (w, r) = try? bank.resolveLookups(tx.message) { keys += w + r }
        return keys
    }
}
