import ArbRPC
import ArbState
import Logging
import ServiceLifecycle
import SolanaPrimitives
import Synchronization
import WSClient

/// Many `signatureSubscribe` waits multiplexed over ONE PubSub connection (the executor's view of its in-flight
/// transactions), instead of a connection per wait (`SignatureWatcher.wait`).
///
/// `run()` owns the connection: it reconnects with backoff and, on every (re)connect, resubscribes every signature
/// still awaited. A notification sent while the socket was down is lost with it, so once the resubscriptions are
/// confirmed their statuses are also read with getSignatureStatuses (when an `RPCClient` is given) and any that
/// already landed are resolved from that. A signature the server refuses (e.g. invalid params) fails only its own
/// waiters, with the typed `RPCError`; the other subscriptions keep working.
///
/// Subscribe before sending: a signature that landed before its subscription was confirmed is only caught by
/// the status read after a reconnect (or by the caller's own getSignatureStatuses after a `.timedOut`).
public final class SignatureSubscriptions: Sendable {
    public struct Configuration: Sendable {
        public var url: String
        public var commitment: Commitment
        public var reconnectBase: Duration
        public var reconnectMax: Duration
        /// WebSocket ping period (a dead socket is detected when its pong does not come back); nil = no ping.
        public var pingInterval: Duration?

        public init(
            url: String, commitment: Commitment = .confirmed, reconnectBase: Duration = .milliseconds(50),
            reconnectMax: Duration = .seconds(5), pingInterval: Duration? = .seconds(10)
        ) {
            self.url = url
            self.commitment = commitment
            self.reconnectBase = reconnectBase
            self.reconnectMax = reconnectMax
            self.pingInterval = pingInterval
        }
    }

    public struct Counters: Sendable, Hashable {
        public var connects: UInt64 = 0
        public var disconnects: UInt64 = 0
        public var subscribeRequests: UInt64 = 0
        public var notifications: UInt64 = 0
        /// Signatures resolved from getSignatureStatuses after a (re)connect.
        public var resolvedByStatus: UInt64 = 0
        public var rejected: UInt64 = 0
    }

    typealias Waiter = CheckedContinuation<Result<SignatureWatcher.Outcome, RPCError>, Never>

    struct State: Sendable {
        var nextWaiter: UInt64 = 0
        /// Waiters by signature, then by waiter id.
        var waiters: [Signature: [UInt64: Waiter]] = [:]
        /// Waiter ids created and not yet finished (an id resolved before its continuation was registered keeps
        /// its result in `early`).
        var unresolved: Set<UInt64> = []
        var early: [UInt64: Result<SignatureWatcher.Outcome, RPCError>] = [:]
        /// The live session's subscribe queue (nil while disconnected).
        var session: AsyncStream<Signature>.Continuation?
        /// Per connection: subscribe request id → signature, subscription id → signature.
        var requests: [UInt64: Signature] = [:]
        var subscriptions: [UInt64: Signature] = [:]
        var counters = Counters()
    }

    public let configuration: Configuration
    let rpc: RPCClient?
    let logger: Logger
    let state = Mutex(State())
    let clock = ContinuousClock()

    public init(configuration: Configuration, rpc: RPCClient? = nil, logger: Logger) {
        self.configuration = configuration
        self.rpc = rpc
        self.logger = logger
    }

    public var stats: Counters { state.withLock { $0.counters } }
    /// Signatures currently awaited.
    public var pendingCount: Int { state.withLock { $0.waiters.count } }
    /// Whether a connection is up (its subscriptions may still be in flight).
    public var isConnected: Bool { state.withLock { $0.session != nil } }
    /// Subscriptions confirmed by the server on the current connection.
    public var confirmedCount: Int { state.withLock { $0.subscriptions.count } }

    // MARK: waiting

    /// Waits for `signature` to be processed at the configured commitment, at most `timeout`. `.timedOut` means
    /// no notification came (the transaction may still land: check getSignatureStatuses). Throws the server's
    /// typed error if it refuses the subscription, `.cancelled` if the task is cancelled.
    public func wait(_ signature: Signature, timeout: Duration) async throws(RPCError) -> SignatureWatcher.Outcome {
        let id = state.withLock { s in
            s.nextWaiter += 1
            s.unresolved.insert(s.nextWaiter)
            return s.nextWaiter
        }
        let clock = self.clock
        let result: Result<SignatureWatcher.Outcome, RPCError> = await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do { try await clock.sleep(for: timeout) } catch { return }
                self.resolve(waiter: id, signature, .success(.timedOut))
            }
            let r = await withTaskCancellationHandler {
                await withCheckedContinuation { (c: Waiter) in self.register(id, signature, c) }
            } onCancel: {
                self.resolve(waiter: id, signature, .failure(RPCError(.cancelled, "signature wait cancelled")))
            }
            group.cancelAll()
            return r
        }
        return try result.get()
    }

    func register(_ id: UInt64, _ signature: Signature, _ c: Waiter) {
        let early: Result<SignatureWatcher.Outcome, RPCError>? = state.withLock { s in
            if let r = s.early.removeValue(forKey: id) { return r }
            let first = s.waiters[signature] == nil
            s.waiters[signature, default: [:]][id] = c
            if first { s.session?.yield(signature) }
            return nil
        }
        if let early { c.resume(returning: early) }
    }

    /// Finishes one waiter (timeout, cancellation). A no-op when it already finished.
    func resolve(waiter id: UInt64, _ signature: Signature, _ result: Result<SignatureWatcher.Outcome, RPCError>) {
        let c: Waiter? = state.withLock { s in
            guard s.unresolved.remove(id) != nil else { return nil }
            guard let c = s.waiters[signature]?.removeValue(forKey: id) else {
                s.early[id] = result
                return nil
            }
            if s.waiters[signature]?.isEmpty == true { s.waiters[signature] = nil }
            return c
        }
        c?.resume(returning: result)
    }

    /// Finishes every waiter of `signature`.
    func resolveAll(_ signature: Signature, _ result: Result<SignatureWatcher.Outcome, RPCError>) {
        let list: [Waiter] = state.withLock { s in
            guard let w = s.waiters.removeValue(forKey: signature) else { return [] }
            for id in w.keys { s.unresolved.remove(id) }
            return Array(w.values)
        }
        for c in list { c.resume(returning: result) }
    }

    // MARK: the connection

    /// Runs until the task is cancelled or (inside a ServiceGroup) graceful shutdown begins.
    public func run() async {
        await cancelWhenGracefulShutdown { await self.connectionLoop() }
    }

    func connectionLoop() async {
        var failures = 0
        var rng = SystemRandomNumberGenerator()
        var wsConfig = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
        if let p = configuration.pingInterval { wsConfig.autoPing = .enabled(timePeriod: p) }
        while !Task.isCancelled {
            let confirmedAny = Flag()
            do {
                try await WebSocketClient.connect(url: configuration.url, configuration: wsConfig, logger: logger) {
                    inbound, outbound, _ in
                    try await self.session(inbound: inbound, outbound: outbound, confirmedAny: confirmedAny)
                }
            } catch {
                logger.debug("signature connection ended", metadata: ["error": "\(error)"])
            }
            state.withLock { s in
                s.session?.finish()
                s.session = nil
                s.requests.removeAll()
                s.subscriptions.removeAll()
                s.counters.disconnects += 1
            }
            if Task.isCancelled { break }
            failures = confirmedAny.isSet ? 1 : failures + 1
            let step = min(configuration.reconnectMax, configuration.reconnectBase * (1 << min(failures - 1, 16)))
            let delay = step / 2 + (step / 2) * Double.random(in: 0..<1, using: &rng)
            do { try await clock.sleep(for: delay) } catch { break }
        }
        // Nobody will answer the remaining waiters.
        let all: [Signature] = state.withLock { Array($0.waiters.keys) }
        for s in all { resolveAll(s, .failure(RPCError(.cancelled, "signature subscriptions stopped"))) }
    }

    func session(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, confirmedAny: Flag) async throws {
        let (queue, sink) = AsyncStream<Signature>.makeStream()
        // Every signature awaited now is (re)subscribed; later ones are queued by `register`.
        let initial: Set<Signature> = state.withLock { s in
            s.session = sink
            s.requests.removeAll()
            s.subscriptions.removeAll()
            s.counters.connects += 1
            for sig in s.waiters.keys { sink.yield(sig) }
            return Set(s.waiters.keys)
        }
        var awaitingConfirmation = initial
        let commitment = configuration.commitment
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var nextID: UInt64 = 1
                for await signature in queue {
                    let id = nextID
                    nextID += 1
                    self.state.withLock { s in
                        s.requests[id] = signature
                        s.counters.subscribeRequests += 1
                    }
                    let text = JSONValue.object([
                        "jsonrpc": .string("2.0"), "id": .uint(id), "method": .string("signatureSubscribe"),
                        "params": .array([
                            .string(signature.description), .object(["commitment": .string(commitment.rawValue)]),
                        ]),
                    ]).serialized
                    try await outbound.write(.text(text))
                }
            }
            if initial.isEmpty { confirmedAny.set() }
            var decoder = PubSubDecoder()
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                let decoded: PubSubMessage
                do { decoded = try decoder.decode(text) } catch {
                    logger.warning("undecodable pubsub message", metadata: ["error": "\(error)"])
                    continue
                }
                switch decoded {
                case .subscribed(let id?, let sub):
                    guard
                        let sig = state.withLock({ s -> Signature? in
                            guard let sig = s.requests.removeValue(forKey: id) else { return nil }
                            s.subscriptions[sub] = sig
                            return sig
                        })
                    else { continue }
                    confirmedAny.set()
                    if awaitingConfirmation.remove(sig) != nil, awaitingConfirmation.isEmpty {
                        // Everything awaited across the (re)connect is subscribed again; what landed meanwhile
                        // sent its notification to a dead socket: read the statuses once.
                        let check = Array(initial)
                        group.addTask { await self.reconcile(check) }
                    }
                case .signature(let sub, let slot, let err):
                    guard
                        let sig = state.withLock({ s -> Signature? in
                            s.counters.notifications += 1
                            return s.subscriptions.removeValue(forKey: sub)
                        })
                    else { continue }
                    resolveAll(sig, .success(.processed(slot: slot, err: err)))
                case .error(let id?, let e):
                    guard let sig = state.withLock({ $0.requests.removeValue(forKey: id) }) else {
                        logger.error("pubsub error", metadata: ["error": "\(e)"])
                        continue
                    }
                    state.withLock { $0.counters.rejected += 1 }
                    logger.error(
                        "signatureSubscribe rejected", metadata: ["signature": "\(sig)", "error": "\(e)"])
                    if awaitingConfirmation.remove(sig) != nil, awaitingConfirmation.isEmpty {
                        let check = Array(initial.subtracting([sig]))
                        group.addTask { await self.reconcile(check) }
                    }
                    resolveAll(sig, .failure(e))
                default:
                    continue
                }
            }
            group.cancelAll()
        }
    }

    /// Resolves, from getSignatureStatuses, the signatures that already reached the commitment.
    func reconcile(_ signatures: [Signature]) async {
        guard let rpc, !signatures.isEmpty else { return }
        let wanted = configuration.commitment
        for start in stride(from: 0, to: signatures.count, by: 256) {
            let chunk = Array(signatures[start..<min(start + 256, signatures.count)])
            let statuses: [SignatureStatus?]
            do throws(RPCError) { statuses = try await rpc.getSignatureStatuses(chunk).value } catch {
                logger.info("signature status check failed", metadata: ["error": "\(error)"])
                continue
            }
            for (sig, status) in zip(chunk, statuses) {
                guard let status, Self.reaches(status.confirmationStatus, wanted) else { continue }
                state.withLock { $0.counters.resolvedByStatus += 1 }
                resolveAll(sig, .success(.processed(slot: status.slot, err: status.err)))
            }
        }
    }

    static func reaches(_ have: Commitment?, _ wanted: Commitment) -> Bool {
        func rank(_ c: Commitment) -> Int {
            switch c {
            case .processed: 0
            case .confirmed: 1
            case .finalized: 2
            }
        }
        // A status without confirmationStatus (old nodes) is at least processed.
        return rank(have ?? .processed) >= rank(wanted)
    }
}

extension SignatureSubscriptions: Service {}
