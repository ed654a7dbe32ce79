import ArbState
import SolanaPrimitives
import Synchronization

/// The account store shared between a feed (writer) and the engine (reader), with a stream of the updates
/// that were actually applied (older ones dropped), which is what tells the engine which pools were touched.
public final class FeedState: Sendable {
    private let store: Mutex<AccountStore>
    /// The connection generation: results of a backfill started on an older connection are not a resync.
    private let generation = Atomic<UInt64>(0)
    private let continuation: AsyncStream<AccountUpdate>.Continuation
    /// Applied updates in application order (per account: strictly increasing slot).
    public let updates: AsyncStream<AccountUpdate>
    /// Called synchronously, on the applying task, for every applied update with the instant its message was
    /// received (see `observeApplied`).
    private let observer = Mutex<AppliedObserver?>(nil)

    /// An applied update and when the message carrying it was received (the feed stamps it as it reads the
    /// message, before decoding; a backfill stamps when its response arrived).
    public typealias AppliedObserver = @Sendable (AccountUpdate, ContinuousClock.Instant) -> Void

    public init(
        configuration: AccountStore.Configuration = .init(),
        buffering: AsyncStream<AccountUpdate>.Continuation.BufferingPolicy = .bufferingNewest(1 << 16)
    ) {
        self.store = Mutex(AccountStore(configuration: configuration))
        (updates, continuation) = AsyncStream.makeStream(of: AccountUpdate.self, bufferingPolicy: buffering)
    }

    deinit { continuation.finish() }

    // MARK: reads (engine)

    /// A copy of the whole store (copy-on-write: cheap until the next write).
    public func snapshot() -> AccountStore { store.withLock { $0 } }

    public func read(_ address: Address) -> AccountStore.AccountView? { store.withLock { $0.read(address) } }

    public var freshness: AccountStore.Freshness { store.withLock { $0.freshness } }

    public func withStore<R: Sendable>(_ body: (inout AccountStore) -> R) -> R { store.withLock { body(&$0) } }

    // MARK: writes (feed)

    /// Installs (or removes, with nil) a synchronous observer of applied updates. It runs on the feed's task
    /// right after the store was written, so a consumer that needs low latency (the runtime's decision inbox)
    /// is told without a hop through `updates`. It must be cheap and must not block.
    public func observeApplied(_ observer: AppliedObserver?) { self.observer.withLock { $0 = observer } }

    /// Applies an update; `receivedAt` is when the message carrying it was received (now when nil).
    @discardableResult
    public func apply(_ update: AccountUpdate, receivedAt: ContinuousClock.Instant? = nil) -> AccountStore.ApplyResult {
        let r = store.withLock { $0.apply(update) }
        if r == .applied {
            continuation.yield(update)
            if let o = observer.withLock({ $0 }) { o(update, receivedAt ?? .now) }
        }
        return r
    }

    @discardableResult
    public func applyAbsence(_ absence: AccountAbsence) -> AccountStore.ApplyResult {
        store.withLock { $0.applyAbsence(absence) }
    }

    var currentGeneration: UInt64 { generation.load(ordering: .acquiring) }

    /// A new connection is up (not yet resynced). Returns its generation.
    func connected() -> UInt64 {
        let g = generation.add(1, ordering: .acquiringAndReleasing).newValue
        store.withLock { $0.feedConnected() }
        return g
    }

    func disconnected() {
        generation.add(1, ordering: .acquiringAndReleasing)
        store.withLock { $0.feedDisconnected() }
    }

    /// Applies a backfill's accounts and, if the connection it was started for is still the current one,
    /// marks the state resynced at `contextSlot`.
    func resynced(generation g: UInt64, contextSlot: Slot) -> Bool {
        store.withLock { s in
            guard generation.load(ordering: .acquiring) == g else { return false }
            s.feedResynced(contextSlot: contextSlot)
            s.nodeHealthy()
            return true
        }
    }

    func observeFeedSlot(_ slot: Slot) { store.withLock { $0.observeFeedSlot(slot) } }
    func observeReferenceSlot(_ slot: Slot) { store.withLock { $0.observeReferenceSlot(slot) } }
    func nodeBehind(slots: UInt64?) { store.withLock { $0.nodeBehind(slots: slots) } }
}
