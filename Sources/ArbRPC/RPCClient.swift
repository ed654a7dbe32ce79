import ArbState
import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import SolanaPrimitives
import Synchronization

public struct RPCEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var url: String
    /// Short name for logs and metric labels (never the URL, which may hold an API key).
    public var name: String
    public init(url: String, name: String? = nil) {
        self.url = url
        self.name = name ?? RPCEndpoint.redactedHost(url)
    }
    public var description: String { name }

    /// `https://mainnet.helius-rpc.com/?api-key=SECRET` → `mainnet.helius-rpc.com`.
    static func redactedHost(_ url: String) -> String {
        var s = Substring(url)
        if let r = s.firstRange(of: "://") { s = s[r.upperBound...] }
        if let at = s.lastIndex(of: "@") { s = s[s.index(after: at)...] }
        if let end = s.firstIndex(where: { $0 == "/" || $0 == "?" }) { s = s[..<end] }
        return String(s)
    }
}

public struct RPCClientConfiguration: Sendable {
    public var endpoints: [RPCEndpoint]
    /// One HTTP request, connect to last byte. A slow endpoint costs at most this before failover.
    public var requestTimeout: Duration
    /// A whole call: all attempts, failovers and backoff waits.
    public var callDeadline: Duration
    public var maxAttempts: Int
    public var maxResponseBytes: Int
    public var commitment: Commitment
    public var policy: EndpointPool.Policy
    /// getMultipleAccounts: keys per request (the RPC limit is 100) and requests in flight at once.
    public var maxKeysPerRequest: Int
    public var maxParallelRequests: Int
    /// Seed for backoff jitter; nil draws one from the system generator.
    public var jitterSeed: UInt64?

    public init(
        endpoints: [RPCEndpoint], requestTimeout: Duration = .milliseconds(1500), callDeadline: Duration = .seconds(10),
        maxAttempts: Int = 8, maxResponseBytes: Int = 256 << 20, commitment: Commitment = .confirmed,
        policy: EndpointPool.Policy = .init(), maxKeysPerRequest: Int = 100, maxParallelRequests: Int = 4,
        jitterSeed: UInt64? = nil
    ) {
        self.endpoints = endpoints
        self.requestTimeout = requestTimeout
        self.callDeadline = callDeadline
        self.maxAttempts = maxAttempts
        self.maxResponseBytes = maxResponseBytes
        self.commitment = commitment
        self.policy = policy
        self.maxKeysPerRequest = min(max(maxKeysPerRequest, 1), 100)
        self.maxParallelRequests = max(maxParallelRequests, 1)
        self.jitterSeed = jitterSeed
    }
}

/// SplitMix64: a tiny seeded generator for backoff jitter.
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// Solana JSON-RPC over AsyncHTTPClient, with several endpoints, failover, 429 backoff and fan-out send.
public final class RPCClient: Sendable {
    struct State: Sendable {
        var pool: EndpointPool
        var rng: SplitMix64
        var nextID: UInt64 = 1
    }

    public let configuration: RPCClientConfiguration
    let http: HTTPClient
    let logger: Logger
    let clock = ContinuousClock()
    let epoch: ContinuousClock.Instant
    let state: Mutex<State>

    /// The HTTP client every RPCClient uses unless given one: connection establishment is NOT retried inside AHC
    /// (a refused or unreachable endpoint fails at once, and this client's own failover moves on to the next
    /// endpoint; its cooldown + probe is the retry), connect timeout 500 ms. Process-lifetime, never shut down.
    public static let sharedHTTPClient: HTTPClient = {
        var c = HTTPClient.Configuration()
        c.connectionPool.retryConnectionEstablishment = false
        c.timeout.connect = .milliseconds(500)
        // Bounds a response body that stalls after its head (`postInline` has no timer task of its own).
        c.timeout.read = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: c)
    }()

    public init(
        configuration: RPCClientConfiguration, httpClient: HTTPClient = RPCClient.sharedHTTPClient, logger: Logger
    ) {
        precondition(!configuration.endpoints.isEmpty, "RPCClient needs at least one endpoint")
        self.configuration = configuration
        self.http = httpClient
        self.logger = logger
        self.epoch = clock.now
        self.state = Mutex(
            State(
                pool: EndpointPool(count: configuration.endpoints.count, policy: configuration.policy),
                rng: SplitMix64(state: configuration.jitterSeed ?? UInt64.random(in: .min ... .max))))
    }

    public convenience init(urls: [String], logger: Logger) {
        self.init(configuration: .init(endpoints: urls.map { RPCEndpoint(url: $0) }), logger: logger)
    }

    /// A copy of the endpoints' health (for metrics, the CLI and tests).
    public var health: [EndpointPool.Health] { state.withLock { $0.pool.health } }

    var now: Duration { clock.now - epoch }

    // MARK: the call loop

    /// Sends `method(params)` with failover and returns the JSON-RPC `result`.
    public func call(_ method: String, _ params: [JSONValue]) async throws(RPCError) -> JSONValue {
        let deadline = now + configuration.callDeadline
        var excluded: Set<Int> = []
        var attempts = 0
        var lastError: RPCError?
        while attempts < configuration.maxAttempts {
            if Task.isCancelled { throw RPCError(.cancelled, method) }
            let choice = state.withLock { $0.pool.choose(now: now, excluding: excluded) }
            switch choice {
            case .exhausted:
                // Every endpoint tried once. "-32016 not reached" is about the request's slot, not the endpoints'
                // health: hand it back to the caller (who decides when to ask again) instead of spinning.
                if let e = lastError, e.code == .minContextSlotNotReached { throw e }
                excluded.removeAll()  // go round again (choose() enforces cooldowns and backoff)
                continue
            case .waitUntil(let t):
                guard t <= deadline else {
                    var e = lastError ?? RPCError(.allEndpointsFailed, "\(method): every endpoint is backing off")
                    if lastError != nil { e.detail = "\(method): gave up before the deadline; last: \(e.detail)" }
                    throw e
                }
                do { try await clock.sleep(until: epoch + t) } catch { throw RPCError(.cancelled, method) }
                continue
            case .use(let i):
                attempts += 1
                let started = now
                do throws(RPCError) {
                    let result = try await send(method, params, endpoint: i)
                    let latency = now - started
                    state.withLock { $0.pool.recordSuccess(i, latency: latency) }
                    return result
                } catch {
                    lastError = error
                    record(error, endpoint: i)
                    guard error.isRetriable else { throw error }
                    excluded.insert(i)
                    logger.debug(
                        "rpc failover",
                        metadata: [
                            "method": "\(method)", "endpoint": "\(configuration.endpoints[i].name)",
                            "error": "\(error.code)",
                        ])
                }
            }
        }
        var e = lastError ?? RPCError(.allEndpointsFailed, method)
        e.detail = "\(method): \(attempts) attempts failed; last: \(e.detail)"
        throw e
    }

    func record(_ error: RPCError, endpoint i: Int) {
        state.withLock { s in
            let unit = s.rng.unit()
            let t = now
            switch error.code {
            case .rateLimited:
                s.pool.recordRateLimited(
                    i, retryAfter: error.retryAfterSeconds.map { .seconds($0) }, now: t, unit: unit)
            case .transport: s.pool.recordFailure(i, kind: .transport, now: t, unit: unit)
            case .timeout: s.pool.recordFailure(i, kind: .timeout, now: t, unit: unit)
            case .nodeBehind, .slotUnavailable:
                s.pool.recordFailure(i, kind: .nodeBehind, now: t, unit: unit)
            case .minContextSlotNotReached:
                s.pool.recordNeutral(i)
            default:
                if error.isRetriable {
                    s.pool.recordFailure(i, kind: .server, now: t, unit: unit)
                } else {
                    s.pool.recordNeutral(i)
                }
            }
        }
    }

    /// One HTTP exchange with one endpoint (no retry).
    /// `inline`: the request runs in the calling task (see `postInline`), for the hot path's sendTransaction.
    func send(_ method: String, _ params: [JSONValue], endpoint i: Int, inline: Bool = false) async throws(RPCError)
        -> JSONValue
    {
        let endpoint = configuration.endpoints[i]
        let id = state.withLock { s in
            defer { s.nextID += 1 }
            return s.nextID
        }
        let body = JSONValue.object([
            "jsonrpc": .string("2.0"), "id": .uint(id), "method": .string(method), "params": .array(params),
        ]).serialized
        let bytes = try await (inline ? postInline(body, to: endpoint) : post(body, to: endpoint))
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch {
            throw RPCError(.invalidResponse, "\(method): \(error)", endpoint: endpoint.name)
        }
        if let err = json["error"], !err.isNull {
            throw RPCError.fromJSONRPC(err, endpoint: endpoint.name)
        }
        guard let result = json["result"] else {
            throw RPCError(.invalidResponse, "\(method): neither result nor error", endpoint: endpoint.name)
        }
        return result
    }

    /// `post` without its child tasks: the request runs in the calling task, so the bytes leave without waiting for
    /// a thread of the cooperative pool to pick up a child task. The request timeout is AHC's deadline (a timer on
    /// the event loop) up to the response head; the body — a JSON-RPC answer, normally in the same read as the
    /// head — is bounded by the shared client's read timeout (a server that sends a head and then stalls).
    func postInline(_ body: String, to endpoint: RPCEndpoint) async throws(RPCError) -> [UInt8] {
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await http.execute(
                request, deadline: .now() + .nanoseconds(configuration.requestTimeout.nanoseconds))
            let buffer = try await response.body.collect(upTo: configuration.maxResponseBytes)
            if response.status == .tooManyRequests {
                var e = RPCError(.rateLimited, "HTTP 429", endpoint: endpoint.name)
                e.httpStatus = 429
                e.retryAfterSeconds = response.headers.first(name: "retry-after").flatMap { UInt64($0) }
                throw e
            }
            guard response.status == .ok else {
                if let json = try? JSONValue.parse(Array(buffer.readableBytesView)), let err = json["error"],
                    !err.isNull
                {
                    var e = RPCError.fromJSONRPC(err, endpoint: endpoint.name)
                    e.httpStatus = Int(response.status.code)
                    throw e
                }
                var e = RPCError(.httpStatus, "HTTP \(response.status.code)", endpoint: endpoint.name)
                e.httpStatus = Int(response.status.code)
                throw e
            }
            return Array(buffer.readableBytesView)
        } catch let e as RPCError {
            throw e
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout:
                throw RPCError(.timeout, "\(error)", endpoint: endpoint.name)
            default:
                throw RPCError(Task.isCancelled ? .cancelled : .transport, "\(error)", endpoint: endpoint.name)
            }
        } catch {
            throw RPCError(Task.isCancelled ? .cancelled : .transport, "\(error)", endpoint: endpoint.name)
        }
    }

    /// POSTs a JSON body and returns the response bytes of a 200; every other outcome is a typed error.
    func post(_ body: String, to endpoint: RPCEndpoint) async throws(RPCError) -> [UInt8] {
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let prepared = request
        let timeout = configuration.requestTimeout
        let maxBytes = configuration.maxResponseBytes
        let http = self.http
        let clock = self.clock
        let outcome: Result<[UInt8], RPCError> = await withTaskGroup(of: Result<[UInt8], RPCError>?.self) { group in
            group.addTask {
                do {
                    let response = try await http.execute(prepared, timeout: .nanoseconds(timeout.nanoseconds))
                    if response.status == .tooManyRequests {
                        var e = RPCError(.rateLimited, "HTTP 429", endpoint: endpoint.name)
                        e.httpStatus = 429
                        e.retryAfterSeconds = response.headers.first(name: "retry-after").flatMap { UInt64($0) }
                        return .failure(e)
                    }
                    let buffer = try await response.body.collect(upTo: maxBytes)
                    guard response.status == .ok else {
                        // Some providers answer a JSON-RPC error with a non-200 status: keep its body's meaning.
                        if let json = try? JSONValue.parse(Array(buffer.readableBytesView)),
                            let err = json["error"], !err.isNull
                        {
                            var e = RPCError.fromJSONRPC(err, endpoint: endpoint.name)
                            e.httpStatus = Int(response.status.code)
                            return .failure(e)
                        }
                        var e = RPCError(.httpStatus, "HTTP \(response.status.code)", endpoint: endpoint.name)
                        e.httpStatus = Int(response.status.code)
                        return .failure(e)
                    }
                    return .success(Array(buffer.readableBytesView))
                } catch let error as HTTPClientError {
                    switch error {
                    case .deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout:
                        return .failure(RPCError(.timeout, "\(error)", endpoint: endpoint.name))
                    default:
                        if Task.isCancelled { return nil }
                        return .failure(RPCError(.transport, "\(error)", endpoint: endpoint.name))
                    }
                } catch {
                    if Task.isCancelled { return nil }
                    return .failure(RPCError(.transport, "\(error)", endpoint: endpoint.name))
                }
            }
            group.addTask {
                try? await clock.sleep(for: timeout)
                if Task.isCancelled { return nil }
                return .failure(RPCError(.timeout, "no answer within \(timeout)", endpoint: endpoint.name))
            }
            var first: Result<[UInt8], RPCError>?
            while let next = await group.next() {
                if let next {
                    first = next
                    break
                }
            }
            group.cancelAll()
            return first ?? .failure(RPCError(.cancelled, "request cancelled", endpoint: endpoint.name))
        }
        return try outcome.get()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}
