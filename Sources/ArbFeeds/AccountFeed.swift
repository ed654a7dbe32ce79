import ArbRPC
import ArbState
import Logging
import NIOCore
import ServiceLifecycle
import SolanaPrimitives
import Synchronization
import WSClient

/// A programSubscribe target.
public struct ProgramSubscription: Sendable, Hashable {
    public var program: Address
    public var filters: [ProgramAccountsFilter]
    public init(program: Address, filters: [ProgramAccountsFilter] = []) {
        self.program = program
        self.filters = filters
    }
}

/// A subscription the server refused for good (invalid params, unknown method): it is not retried, its accounts
/// are dropped from the store (so nothing reads them as fresh) and left out of the backfill; the rest of the feed
/// keeps working.
public struct SubscriptionRejection: Sendable, Hashable, CustomStringConvertible {
    public enum Target: Sendable, Hashable {
        case account(Address)
        case program(ProgramSubscription)
    }
    public var target: Target
    public var error: RPCError

    public var description: String {
        switch target {
        case .account(let a): "accountSubscribe(\(a)) rejected: \(error)"
        case .program(let p): "programSubscribe(\(p.program)) rejected: \(error)"
        }
    }

    /// The server's answer says the request itself is wrong (-32602 invalid params, -32601 method not found):
    /// asking again, on this connection or another, gets the same answer.
    static func isPermanent(_ e: RPCError) -> Bool { e.rpcCode == -32602 || e.rpcCode == -32601 }
}

public struct FeedConfiguration: Sendable {
    /// ws:// or wss:// PubSub endpoint.
    public var url: String
    public var accounts: [Address]
    public var programs: [ProgramSubscription]
    public var commitment: Commitment
    /// Reconnect backoff (equal jitter), reset after a connection that resynced.
    public var reconnectBase: Duration
    public var reconnectMax: Duration
    /// No message at all (slot notifications tick every ~400 ms) for this long: the socket is dead, reconnect.
    public var idleTimeout: Duration
    /// Subscriptions not all confirmed within this: reconnect.
    public var subscribeTimeout: Duration
    /// How often to read the reference slot over RPC (detects a feed that silently falls behind); nil = never.
    public var referenceSlotInterval: Duration?
    /// Backfill retry backoff while the RPC node is behind or failing.
    public var backfillRetry: Duration
    public var maxMessageBytes: Int

    public init(
        url: String, accounts: [Address] = [], programs: [ProgramSubscription] = [],
        commitment: Commitment = .confirmed,
        reconnectBase: Duration = .milliseconds(50), reconnectMax: Duration = .seconds(5),
        idleTimeout: Duration = .seconds(10), subscribeTimeout: Duration = .seconds(5),
        referenceSlotInterval: Duration? = .milliseconds(400), backfillRetry: Duration = .milliseconds(100),
        maxMessageBytes: Int = 16 << 20
    ) {
        self.url = url
        self.accounts = accounts
        self.programs = programs
        self.commitment = commitment
        self.reconnectBase = reconnectBase
        self.reconnectMax = reconnectMax
        self.idleTimeout = idleTimeout
        self.subscribeTimeout = subscribeTimeout
        self.referenceSlotInterval = referenceSlotInterval
        self.backfillRetry = backfillRetry
        self.maxMessageBytes = maxMessageBytes
    }
}

/// Keeps a `FeedState` synchronised with the chain over Solana PubSub:
/// accountSubscribe for each account, programSubscribe for each program, slotSubscribe; on every (re)connect:
/// resubscribe, wait for every confirmation and the next slot notification S, then backfill every account with
/// getMultipleAccounts(minContextSlot: max(S, last seen slot)) so that nothing that changed while disconnected is
/// lost silently. The state is stale from the moment a connection is lost until that backfill lands.
public final class AccountFeed: Sendable {
    public let configuration: FeedConfiguration
    public let state: FeedState
    let rpc: RPCClient
    let logger: Logger
    let clock = ContinuousClock()
    let counters = Mutex(Counters())
    let rejected = Mutex<[Target: RPCError]>([:])

    public struct Counters: Sendable, Hashable {
        public var connects: UInt64 = 0
        public var disconnects: UInt64 = 0
        public var backfills: UInt64 = 0
        public var backfillFailures: UInt64 = 0
        public var notifications: UInt64 = 0
        public var decodeErrors: UInt64 = 0
        /// Subscriptions refused for good (see `rejections`).
        public var rejectedSubscriptions: UInt64 = 0
    }

    public var stats: Counters { counters.withLock { $0 } }

    /// Subscriptions the server refused for good; they are not retried and their accounts are not tracked.
    public var rejections: [SubscriptionRejection] {
        rejected.withLock { r in
            r.compactMap { (t, e) -> SubscriptionRejection? in
                switch t {
                case .account(let a): SubscriptionRejection(target: .account(a), error: e)
                case .program(let k): SubscriptionRejection(target: .program(configuration.programs[k]), error: e)
                case .slot: nil
                }
            }.sorted { $0.description < $1.description }
        }
    }

    /// The accounts and programs still tracked (those not rejected for good).
    var trackedAccounts: [Address] {
        let r = rejected.withLock { $0 }
        return r.isEmpty ? configuration.accounts : configuration.accounts.filter { r[.account($0)] == nil }
    }
    var trackedPrograms: [(Int, ProgramSubscription)] {
        let r = rejected.withLock { $0 }
        return configuration.programs.enumerated().filter { r[.program($0.offset)] == nil }.map {
            ($0.offset, $0.element)
        }
    }

    /// Records a permanent rejection and drops what the store holds for it.
    func reject(_ target: Target, _ error: RPCError) {
        let isNew = rejected.withLock { r in
            defer { r[target] = error }
            return r[target] == nil
        }
        guard isNew else { return }
        counters.withLock { $0.rejectedSubscriptions += 1 }
        let tracked = Set(trackedAccounts)
        switch target {
        case .account(let a):
            state.withStore { $0.remove(a) }
            logger.error(
                "accountSubscribe rejected; account not tracked", metadata: ["account": "\(a)", "error": "\(error)"])
        case .program(let k):
            let program = configuration.programs[k].program
            // Keep what another (accepted) subscription of the same program still covers.
            let others = trackedPrograms.map(\.1).filter { $0.program == program }
            state.withStore { s in
                for (a, e) in s.entries where e.account?.owner == program && !tracked.contains(a) {
                    let data = e.account?.data ?? []
                    if others.contains(where: { p in p.filters.allSatisfy { $0.matches(data) } }) { continue }
                    s.remove(a)
                }
            }
            logger.error(
                "programSubscribe rejected; program not tracked",
                metadata: ["program": "\(program)", "error": "\(error)"])
        case .slot:
            break
        }
    }

    public init(configuration: FeedConfiguration, rpc: RPCClient, state: FeedState, logger: Logger) {
        self.configuration = configuration
        self.rpc = rpc
        self.state = state
        self.logger = logger
    }

    /// Runs until the task is cancelled or (inside a ServiceGroup) graceful shutdown begins.
    public func run() async {
        await cancelWhenGracefulShutdown { await self.runUntilCancelled() }
    }

    func runUntilCancelled() async {
        await withTaskGroup(of: Void.self) { group in
            if let interval = configuration.referenceSlotInterval {
                group.addTask { await self.pollReferenceSlot(every: interval) }
            }
            group.addTask { await self.connectionLoop() }
            await group.next()
            group.cancelAll()
        }
    }

    func pollReferenceSlot(every interval: Duration) async {
        while !Task.isCancelled {
            do throws(RPCError) {
                let slot = try await rpc.getSlot(commitment: configuration.commitment)
                state.observeReferenceSlot(slot)
            } catch {
                logger.debug("reference slot poll failed", metadata: ["error": "\(error.code)"])
            }
            do { try await clock.sleep(for: interval) } catch { return }
        }
    }

    func connectionLoop() async {
        var failures = 0
        var rng = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            let synced = Flag()
            do {
                try await WebSocketClient.connect(
                    url: configuration.url,
                    configuration: .init(maxFrameSize: configuration.maxMessageBytes),
                    logger: logger
                ) { inbound, outbound, _ in
                    try await self.session(inbound: inbound, outbound: outbound, synced: synced)
                }
            } catch {
                logger.debug("pubsub connection ended", metadata: ["error": "\(error)"])
            }
            state.disconnected()
            counters.withLock { $0.disconnects += 1 }
            if Task.isCancelled { return }
            failures = synced.isSet ? 1 : failures + 1
            let step = min(configuration.reconnectMax, configuration.reconnectBase * (1 << min(failures - 1, 16)))
            let delay = step / 2 + (step / 2) * Double.random(in: 0..<1, using: &rng)
            do { try await clock.sleep(for: delay) } catch { return }
        }
    }

    enum Target: Sendable, Hashable {
        case account(Address)
        case program(Int)
        case slot
    }

    /// One connection's life.
    func session(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, synced: Flag) async throws {
        let generation = state.connected()
        counters.withLock { $0.connects += 1 }
        var pending: [UInt64: Target] = [:]
        var subscriptions: [UInt64: Target] = [:]
        var nextID: UInt64 = 1
        let accountConfig = JSONValue.object([
            "commitment": .string(configuration.commitment.rawValue), "encoding": .string("base64"),
        ])
        func request(_ method: String, _ params: [JSONValue], _ target: Target) async throws {
            let id = nextID
            nextID += 1
            pending[id] = target
            let text = JSONValue.object([
                "jsonrpc": .string("2.0"), "id": .uint(id), "method": .string(method), "params": .array(params),
            ]).serialized
            try await outbound.write(.text(text))
        }
        try await request("slotSubscribe", [], .slot)
        for a in trackedAccounts {
            try await request("accountSubscribe", [.string(a.base58), accountConfig], .account(a))
        }
        for (k, p) in trackedPrograms {
            var cfg: [String: JSONValue] = [
                "commitment": .string(configuration.commitment.rawValue), "encoding": .string("base64"),
            ]
            if !p.filters.isEmpty { cfg["filters"] = .array(p.filters.map(\.json)) }
            try await request("programSubscribe", [.string(p.program.base58), .object(cfg)], .program(k))
        }

        let signals = SessionSignals()
        let start = clock.now
        func mark() { signals.lastMessage.store((clock.now - start).nanosecondsValue, ordering: .relaxed) }
        mark()
        let subscribedAt = clock.now
        var allConfirmed = false
        var backfillStarted = false
        var decoder = PubSubDecoder()

        try await withThrowingTaskGroup(of: Void.self) { group in
            // watchdog: a socket that goes silent, or subscriptions that never confirm, end the session
            let idle = configuration.idleTimeout
            let subscribeTimeout = configuration.subscribeTimeout
            group.addTask {
                while !Task.isCancelled {
                    try await self.clock.sleep(for: .milliseconds(50))
                    let sinceLast =
                        (self.clock.now - start) - .nanoseconds(signals.lastMessage.load(ordering: .relaxed))
                    let notConfirmed =
                        !signals.confirmed.load(ordering: .relaxed) && self.clock.now - subscribedAt > subscribeTimeout
                    if sinceLast > idle || notConfirmed {
                        self.logger.info(
                            "pubsub connection silent; reconnecting", metadata: ["subscribed": "\(!notConfirmed)"])
                        try? await outbound.close(.goingAway, reason: "idle")
                        return
                    }
                }
            }
            for try await message in inbound.messages(maxSize: configuration.maxMessageBytes) {
                // Receipt time of the message (before decoding), handed to the state's observer.
                let receivedAt = clock.now
                mark()
                guard case .text(let text) = message else { continue }
                let decoded: PubSubMessage
                do { decoded = try decoder.decode(text) } catch {
                    counters.withLock { $0.decodeErrors += 1 }
                    logger.warning("undecodable pubsub message", metadata: ["error": "\(error)"])
                    continue
                }
                switch decoded {
                case .subscribed(let id, let sub):
                    if let id, let t = pending.removeValue(forKey: id) { subscriptions[sub] = t }
                    if pending.isEmpty {
                        allConfirmed = true
                        signals.confirmed.store(true, ordering: .relaxed)
                    }
                case .error(let id, let e):
                    if let id, let t = pending[id], t != .slot, SubscriptionRejection.isPermanent(e) {
                        // Refused for good: reconnecting would only be refused again. Stop tracking it; the
                        // other subscriptions carry on.
                        pending.removeValue(forKey: id)
                        reject(t, e)
                        if pending.isEmpty {
                            allConfirmed = true
                            signals.confirmed.store(true, ordering: .relaxed)
                        }
                        continue
                    }
                    logger.error(
                        "pubsub request failed", metadata: ["id": "\(id.map(String.init) ?? "-")", "error": "\(e)"])
                    try? await outbound.close(.unexpectedServerError, reason: "subscribe failed")
                case .account(let sub, let slot, let account):
                    counters.withLock { $0.notifications += 1 }
                    guard case .account(let address)? = subscriptions[sub] else { continue }
                    state.observeFeedSlot(slot)
                    state.apply(
                        account.update(address: address, slot: slot, source: .subscription), receivedAt: receivedAt)
                case .program(let sub, let slot, let address, let account):
                    counters.withLock { $0.notifications += 1 }
                    guard case .program? = subscriptions[sub] else { continue }
                    state.observeFeedSlot(slot)
                    state.apply(
                        account.update(address: address, slot: slot, source: .subscription), receivedAt: receivedAt)
                case .slot(_, let slot, _, _):
                    state.observeFeedSlot(slot)
                    if allConfirmed && !backfillStarted {
                        backfillStarted = true
                        let floor = max(slot, state.withStore { $0.feedSlot })
                        group.addTask {
                            await self.backfill(generation: generation, minContextSlot: floor)
                            synced.set()
                        }
                    }
                default:
                    continue
                }
            }
            group.cancelAll()
        }
    }

    /// Re-reads every tracked account at a bank no older than `minContextSlot`, retrying while the node is behind.
    func backfill(generation: UInt64, minContextSlot: Slot) async {
        while !Task.isCancelled && state.currentGeneration == generation {
            do throws(RPCError) {
                let accounts = trackedAccounts
                let result = try await rpc.getMultipleAccounts(
                    accounts, commitment: configuration.commitment, minContextSlot: minContextSlot,
                    source: .backfill)
                var contextSlot = accounts.isEmpty ? minContextSlot : result.minContextSlot
                for (_, p) in trackedPrograms {
                    let r = try await rpc.getProgramAccounts(
                        p.program, filters: p.filters, commitment: configuration.commitment,
                        minContextSlot: minContextSlot)
                    for var a in r.value {
                        a.source = .backfill
                        state.apply(a)
                    }
                    contextSlot = min(contextSlot, r.slot)
                }
                for (_, a) in result.accounts { state.apply(a) }
                for a in result.absent { state.applyAbsence(a) }
                if contextSlot < minContextSlot {
                    // a node that ignores minContextSlot and answers from an older bank: not a resync
                    state.nodeBehind(slots: minContextSlot - contextSlot)
                    throw RPCError(.minContextSlotNotReached, "backfill answered at \(contextSlot) < \(minContextSlot)")
                }
                counters.withLock { $0.backfills += 1 }
                _ = state.resynced(generation: generation, contextSlot: contextSlot)
                return
            } catch {
                counters.withLock { $0.backfillFailures += 1 }
                // -32005 marks the node behind; -32016 (the node's bank has not reached the slot the feed has
                // already shown, e.g. a confirmed bank one slot behind a processed slot notification) only
                // delays the resync: the state stays stale (resyncPending) until the retry succeeds.
                if error.code == .nodeBehind { state.nodeBehind(slots: error.numSlotsBehind) }
                logger.info("backfill failed; retrying", metadata: ["error": "\(error)"])
                do { try await clock.sleep(for: configuration.backfillRetry) } catch { return }
            }
        }
    }
}

final class SessionSignals: Sendable {
    let lastMessage = Atomic<Int64>(0)
    let confirmed = Atomic<Bool>(false)
}

extension AccountFeed: Service {}

/// A one-way flag shared between a session and its connection loop.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

extension Duration {
    var nanosecondsValue: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}
