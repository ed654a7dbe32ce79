import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import SolanaPrimitives
import Synchronization

/// A scripted Solana JSON-RPC + PubSub server on loopback, for testing the real client code against real sockets.
///
/// It holds a tiny chain (a slot counter and a set of accounts); `advance(_:)` moves to the next slot, applies
/// changes, and pushes `accountNotification`s / `programNotification`s and a `slotNotification` to subscribed
/// WebSockets in that order. Faults are scripted through `Script`: HTTP 429 / 5xx, stalls, -32005, answers from
/// an older slot, a WebSocket that stops delivering, and closing every WebSocket on demand. It counts requests.
///
/// Written from the Solana JSON-RPC documentation; it shares no code with `ArbRPC`/`ArbFeeds` (a client bug cannot
/// hide behind a server that makes the same mistake).
public final class ScriptedServer: Sendable {
    public struct Script: Sendable {
        public enum HTTPMode: Sendable, Hashable {
            case normal
            /// Answer HTTP 429 to everything (optionally with `Retry-After: seconds`).
            case rateLimited(retryAfter: Int?)
            case status(Int)
            /// Hold the request this long before answering normally.
            case stall(Duration)
            /// JSON-RPC -32005 "Node is behind by N slots" with `{numSlotsBehind}`.
            case nodeBehind(slots: UInt64)
            /// Answer from `lag` slots ago, ignoring minContextSlot (a node serving an old bank).
            case staleBank(lag: UInt64)
        }
        public var http: HTTPMode = .normal
        /// When true the WebSocket side keeps connections open but delivers nothing (a silently stalled feed).
        public var wsFrozen = false
        /// Answer subscribe requests (false: never confirm).
        public var wsConfirmSubscriptions = true
        /// Subscribe requests whose first parameter is in this set are refused with -32602 (invalid params).
        public var wsRejectParams: Set<String> = []
        /// Verbatim response bodies per JSON-RPC method (recorded provider answers), served instead of the chain.
        public var canned: [String: String] = [:]
        public init() {}
    }

    public struct Account: Sendable, Hashable {
        public var owner: Address
        public var lamports: UInt64
        public var data: [UInt8]
        /// Slot of the last change.
        public var slot: UInt64
        public init(owner: Address, lamports: UInt64, data: [UInt8], slot: UInt64 = 0) {
            self.owner = owner
            self.lamports = lamports
            self.data = data
            self.slot = slot
        }
    }

    public struct Counters: Sendable, Hashable {
        public var httpRequests = 0
        public var answered429 = 0
        public var byMethod: [String: Int] = [:]
        public var wsConnections = 0
        public var wsClosedByScript = 0
    }

    enum Outbound: Sendable {
        case text(String)
        case close
    }

    final class Connection: Sendable {
        let id: Int
        let outbox: AsyncStream<Outbound>.Continuation
        init(id: Int, outbox: AsyncStream<Outbound>.Continuation) {
            self.id = id
            self.outbox = outbox
        }
    }

    enum Subscription: Sendable, Hashable {
        case account(Address)
        case program(Address)
        case slot
        case signature(String)
    }

    struct State: Sendable {
        var slot: UInt64
        var accounts: [Address: Account] = [:]
        var script = Script()
        var counters = Counters()
        var connections: [Int: Connection] = [:]
        /// connection id → subscription id → target
        var subscriptions: [Int: [UInt64: Subscription]] = [:]
        var nextConnection = 1
        var nextSubscription: UInt64 = 1000
        var history: [Address: [(slot: UInt64, data: [UInt8])]] = [:]
        /// signature → (slot, err JSON or "null")
        var landed: [String: (UInt64, String)] = [:]
    }

    let state: Mutex<State>
    let logger: Logger
    let running = Mutex<(task: Task<Void, any Error>?, port: Int?)>((nil, nil))

    public init(startSlot: UInt64 = 1000, logger: Logger = Logger(label: "scripted-server")) {
        self.state = Mutex(State(slot: startSlot))
        var l = logger
        l.logLevel = .critical
        self.logger = l
    }

    // MARK: script and inspection

    public var slot: UInt64 { state.withLock { $0.slot } }
    public var counters: Counters { state.withLock { $0.counters } }
    public func resetCounters() { state.withLock { $0.counters = Counters() } }
    public func setScript(_ body: @Sendable (inout Script) -> Void) { state.withLock { body(&$0.script) } }
    public func account(_ a: Address) -> Account? { state.withLock { $0.accounts[a] } }
    /// Every version an account had: (slot, data).
    public func history(_ a: Address) -> [(slot: UInt64, data: [UInt8])] { state.withLock { $0.history[a] ?? [] } }

    public func setAccount(_ a: Address, _ account: Account) {
        state.withLock {
            var acc = account
            acc.slot = $0.slot
            $0.accounts[a] = acc
            $0.history[a, default: []].append(($0.slot, acc.data))
        }
    }

    /// Moves to the next slot, applies `changes` (new data per account; lamports unchanged), then pushes the
    /// notifications for them and a slotNotification. Returns the new slot.
    @discardableResult
    public func advance(_ changes: [Address: [UInt8]] = [:]) -> UInt64 {
        state.withLock { s in
            s.slot += 1
            for (a, data) in changes.sorted(by: { $0.key < $1.key }) {
                var acc = s.accounts[a] ?? Account(owner: .zero, lamports: 0, data: [])
                acc.data = data
                acc.slot = s.slot
                s.accounts[a] = acc
                s.history[a, default: []].append((s.slot, data))
            }
            guard !s.script.wsFrozen else { return s.slot }
            for (cid, subs) in s.subscriptions {
                guard let conn = s.connections[cid] else { continue }
                for (a, _) in changes.sorted(by: { $0.key < $1.key }) {
                    guard let acc = s.accounts[a] else { continue }
                    for (sid, target) in subs.sorted(by: { $0.key < $1.key }) {
                        switch target {
                        case .account(let x) where x == a:
                            conn.outbox.yield(.text(Self.accountNotification(sid, slot: s.slot, acc)))
                        case .program(let p) where p == acc.owner:
                            conn.outbox.yield(.text(Self.programNotification(sid, slot: s.slot, a, acc)))
                        default: break
                        }
                    }
                }
                for (sid, target) in subs where target == .slot {
                    conn.outbox.yield(.text(Self.slotNotification(sid, slot: s.slot)))
                }
            }
            return s.slot
        }
    }

    /// Marks a transaction processed now (`errJSON`: "null" or a TransactionError as JSON) and notifies watchers.
    public func land(signature: String, errJSON: String = "null") {
        state.withLock { s in
            s.landed[signature] = (s.slot, errJSON)
            for (cid, subs) in s.subscriptions {
                for (sid, t) in subs where t == .signature(signature) {
                    s.connections[cid]?.outbox.yield(.text(Self.signatureNotification(sid, slot: s.slot, errJSON)))
                }
            }
        }
    }

    static func signatureNotification(_ sub: UInt64, slot: UInt64, _ err: String) -> String {
        #"{"jsonrpc":"2.0","method":"signatureNotification","params":{"result":{"context":{"slot":\#(slot)},"value":{"err":\#(err)}},"subscription":\#(sub)}}"#
    }

    /// Closes every open WebSocket (as a provider dropping connections does).
    public func closeWebSockets() {
        state.withLock { s in
            for (_, c) in s.connections {
                c.outbox.yield(.close)
                s.counters.wsClosedByScript += 1
            }
        }
    }

    // MARK: lifecycle

    public var port: Int? { running.withLock { $0.port } }
    public var httpURL: String { "http://127.0.0.1:\(port ?? 0)" }
    public var wsURL: String { "ws://127.0.0.1:\(port ?? 0)" }

    /// Starts listening on an ephemeral loopback port (or `port`, to restart on the same one).
    public func start(port: Int = 0) async throws {
        let (ready, readyCont) = AsyncStream.makeStream(of: Int.self)
        let router = Router()
        router.post("/") { request, _ async throws -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            return try await self.handleHTTP(Array(body.readableBytesView))
        }
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade { _, _, _ in
                .upgrade([:]) { inbound, outbound, _ in
                    try await self.handleWebSocket(inbound: inbound, outbound: outbound)
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                readyCont.yield(channel.localAddress?.port ?? 0)
                readyCont.finish()
            },
            logger: logger
        )
        let task = Task { try await app.run() }
        var it = ready.makeAsyncIterator()
        let bound = await it.next() ?? 0
        running.withLock { $0 = (task, bound) }
    }

    /// Kills the server: closes its WebSockets and stops listening.
    public func stop() async {
        closeWebSockets()
        let task = running.withLock { r -> Task<Void, any Error>? in
            defer { r.task = nil }
            return r.task
        }
        task?.cancel()
        // The listener closes at once; graceful shutdown then waits for open keep-alive connections (a client's
        // pool may hold them for a minute). Wait at most 1 s for it, then let it finish in the background.
        guard let task else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = try? await task.value }
            group.addTask { try? await Task.sleep(for: .seconds(1)) }
            await group.next()
            group.cancelAll()
        }
    }

    // MARK: HTTP

    func handleHTTP(_ body: [UInt8]) async throws -> Response {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let method = json["method"] as? String
        else {
            return Self.json(#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#)
        }
        let id = (json["id"] as? Int).map(String.init) ?? "null"
        let params = json["params"] as? [Any] ?? []
        let (mode, canned) = state.withLock { s -> (Script.HTTPMode, String?) in
            s.counters.httpRequests += 1
            s.counters.byMethod[method, default: 0] += 1
            if case .rateLimited = s.script.http { s.counters.answered429 += 1 }
            return (s.script.http, s.script.canned[method])
        }
        switch mode {
        case .normal, .staleBank: break
        case .rateLimited(let retryAfter):
            var headers = HTTPFields()
            if let retryAfter { headers[.retryAfter] = String(retryAfter) }
            headers[.contentType] = "application/json"
            return Response(
                status: .tooManyRequests, headers: headers,
                body: .init(
                    byteBuffer: ByteBuffer(
                        string:
                            #"{"jsonrpc":"2.0","error":{"code":429,"message":"Too many requests for a specific RPC call, contact your app developer or support@rpcpool.com."},"id":\#(id)}"#
                    )))
        case .status(let code):
            return Response(status: .init(code: code), body: .init(byteBuffer: ByteBuffer(string: "upstream error")))
        case .stall(let d):
            try await Task.sleep(for: d)
        case .nodeBehind(let n):
            return Self.json(
                #"{"jsonrpc":"2.0","error":{"code":-32005,"message":"Node is behind by \#(n) slots","data":{"numSlotsBehind":\#(n)}},"id":\#(id)}"#
            )
        }
        if let canned { return Self.json(canned) }
        let lag: UInt64 = if case .staleBank(let l) = mode { l } else { 0 }
        let config = params.last as? [String: Any]
        let minContextSlot = (config?["minContextSlot"] as? NSNumber)?.uint64Value
        return state.withLock { s -> Response in
            let slot = s.slot > lag ? s.slot - lag : 0
            if lag == 0, let m = minContextSlot, m > slot {
                return Self.json(
                    #"{"jsonrpc":"2.0","error":{"code":-32016,"message":"Minimum context slot has not been reached","data":{"contextSlot":\#(slot)}},"id":\#(id)}"#
                )
            }
            let result: String
            switch method {
            case "getSlot", "getBlockHeight":
                result = String(slot)
            case "getAccountInfo":
                let a = (params.first as? String).flatMap { Address($0) }
                let acc = a.flatMap { s.accounts[$0] }
                result =
                    #"{"context":{"apiVersion":"2.2.0","slot":\#(slot)},"value":\#(acc.map(Self.uiAccount) ?? "null")}"#
            case "getMultipleAccounts":
                let keys = (params.first as? [String]) ?? []
                let values = keys.map { k in Address(k).flatMap { s.accounts[$0] }.map(Self.uiAccount) ?? "null" }
                result =
                    #"{"context":{"apiVersion":"2.2.0","slot":\#(slot)},"value":[\#(values.joined(separator: ","))]}"#
            case "getProgramAccounts":
                let program = (params.first as? String).flatMap { Address($0) }
                let items = s.accounts.filter { $0.value.owner == program }.sorted { $0.key < $1.key }.map {
                    #"{"account":\#(Self.uiAccount($0.value)),"pubkey":"\#($0.key.base58)"}"#
                }
                result = #"{"context":{"slot":\#(slot)},"value":[\#(items.joined(separator: ","))]}"#
            case "getLatestBlockhash":
                result =
                    #"{"context":{"slot":\#(slot)},"value":{"blockhash":"EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N","lastValidBlockHeight":\#(slot + 150)}}"#
            case "getBalance":
                let a = (params.first as? String).flatMap { Address($0) }
                result = #"{"context":{"slot":\#(slot)},"value":\#(a.flatMap { s.accounts[$0]?.lamports } ?? 0)}"#
            case "sendTransaction":
                // the first signature of the wire transaction (after the short-vec count byte)
                let bytes = (params.first as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) } ?? []
                guard bytes.count >= 65 else {
                    return Self.json(
                        #"{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid transaction"},"id":\#(id)}"#)
                }
                result = "\"" + Base58.encode(bytes[1..<65]) + "\""
            default:
                return Self.json(#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":\#(id)}"#)
            }
            return Self.json(#"{"jsonrpc":"2.0","result":\#(result),"id":\#(id)}"#)
        }
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func uiAccount(_ a: Account) -> String {
        #"{"data":["\#(Data(a.data).base64EncodedString())","base64"],"executable":false,"lamports":\#(a.lamports),"owner":"\#(a.owner.base58)","rentEpoch":18446744073709551615,"space":\#(a.data.count)}"#
    }

    static func accountNotification(_ sub: UInt64, slot: UInt64, _ a: Account) -> String {
        #"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":\#(slot)},"value":\#(uiAccount(a))},"subscription":\#(sub)}}"#
    }

    static func programNotification(_ sub: UInt64, slot: UInt64, _ address: Address, _ a: Account) -> String {
        #"{"jsonrpc":"2.0","method":"programNotification","params":{"result":{"context":{"slot":\#(slot)},"value":{"account":\#(uiAccount(a)),"pubkey":"\#(address.base58)"}},"subscription":\#(sub)}}"#
    }

    static func slotNotification(_ sub: UInt64, slot: UInt64) -> String {
        #"{"jsonrpc":"2.0","method":"slotNotification","params":{"result":{"parent":\#(slot - 1),"root":\#(slot > 32 ? slot - 32 : 0),"slot":\#(slot)},"subscription":\#(sub)}}"#
    }

    // MARK: WebSocket

    func handleWebSocket(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (outbox, cont) = AsyncStream.makeStream(of: Outbound.self)
        let conn = state.withLock { s -> Connection in
            let c = Connection(id: s.nextConnection, outbox: cont)
            s.nextConnection += 1
            s.connections[c.id] = c
            s.subscriptions[c.id] = [:]
            s.counters.wsConnections += 1
            return c
        }
        defer {
            state.withLock { s in
                s.connections[conn.id] = nil
                s.subscriptions[conn.id] = nil
            }
            cont.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await item in outbox {
                    switch item {
                    case .text(let t): try await outbound.write(.text(t))
                    case .close:
                        try? await outbound.close(.goingAway, reason: "scripted close")
                        return
                    }
                }
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    self.handleWSRequest(text, connection: conn)
                }
            }
            // either side ending ends the connection
            _ = try await group.next()
            group.cancelAll()
        }
    }

    func handleWSRequest(_ text: String, connection conn: Connection) {
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let method = json["method"] as? String, let id = json["id"] as? Int
        else { return }
        let params = json["params"] as? [Any] ?? []
        state.withLock { s in
            guard s.script.wsConfirmSubscriptions else { return }
            if let first = params.first as? String, s.script.wsRejectParams.contains(first) {
                conn.outbox.yield(
                    .text(#"{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params"},"id":\#(id)}"#))
                return
            }
            let target: Subscription?
            switch method {
            case "accountSubscribe": target = (params.first as? String).flatMap { Address($0) }.map { .account($0) }
            case "programSubscribe": target = (params.first as? String).flatMap { Address($0) }.map { .program($0) }
            case "slotSubscribe": target = .slot
            case "signatureSubscribe": target = (params.first as? String).map { .signature($0) }
            default: target = nil
            }
            guard let target else {
                conn.outbox.yield(
                    .text(#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":\#(id)}"#))
                return
            }
            let sid = s.nextSubscription
            s.nextSubscription += 1
            s.subscriptions[conn.id, default: [:]][sid] = target
            conn.outbox.yield(.text(#"{"jsonrpc":"2.0","result":\#(sid),"id":\#(id)}"#))
            if case .signature(let sig) = target, let landed = s.landed[sig] {
                conn.outbox.yield(.text(Self.signatureNotification(sid, slot: landed.0, landed.1)))
            }
        }
    }
}
