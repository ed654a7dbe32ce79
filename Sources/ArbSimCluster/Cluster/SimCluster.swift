import Foundation
import SolanaKeys
import SolanaPrimitives

/// The simulated cluster: a `Bank` behind an actor, the JSON-RPC methods, and the PubSub subscriptions.
/// Time moves only through `advanceSlot()`; `run(slotDuration:clock:)` calls it on a clock that is passed in.
/// Both the HTTP/WebSocket servers and the in-process transport talk to this actor.
public actor SimCluster {
    public internal(set) var bank: Bank
    var connections: [UInt64: AsyncStream<String>.Continuation] = [:]
    var subscriptions: [UInt64: Subscription] = [:]
    var nextConnection: UInt64 = 1
    var nextSubscription: UInt64 = 0
    /// Reaction-time measurement (see LatencyProbe.swift); nil = off.
    var latencyProbe: LatencyProbe?
    /// The market agents and ground truth (Market/), when a scenario is installed.
    public internal(set) var market: Market? = nil
    /// Ground truth computed right after each block (true) or by `runGroundTruthWorker()` (false).
    var groundTruthInline = true

    public init(configuration: BankConfiguration = .init()) {
        bank = Bank(configuration: configuration)
    }

    // MARK: time

    /// Produces the current slot's block and notifies subscribers.
    @discardableResult
    public func advanceSlot() -> BlockSummary {
        market?.beforeBlock(bank: &bank)
        let summary = bank.produceBlock()
        if market != nil { marketAfterBlock(summary) }
        notify(summary)
        return summary
    }

    public func advance(slots: Int) {
        for _ in 0..<slots { advanceSlot() }
    }

    /// Produces a block every `slotDuration` on `clock` until the task is cancelled.
    public func run<C: Clock>(slotDuration: C.Duration, clock: C) async throws where C.Duration == Duration {
        var deadline = clock.now.advanced(by: slotDuration)
        while !Task.isCancelled {
            try await clock.sleep(until: deadline, tolerance: nil)
            advanceSlot()
            deadline = deadline.advanced(by: slotDuration)
        }
    }

    // MARK: direct access (tests, scenario setup)

    public func fund(_ address: Address, lamports: UInt64) { bank.fund(address, lamports: lamports) }
    public func setAccount(_ address: Address, _ account: Account) { bank.setAccount(address, account) }
    public func account(_ address: Address) -> Account? { bank.account(address) }
    public func ledgerHash() -> Hash { bank.ledgerHash() }
    public func submit(_ bytes: [UInt8]) throws(TransactionError) -> Signature { try bank.submit(bytes) }
    public func record(_ signature: Signature) -> TransactionRecord? { bank.record(signature) }
    public var latestBlockhash: Hash { bank.latestBlockhash }
    public var slot: UInt64 { bank.slot }

    // MARK: JSON-RPC

    /// Handles one HTTP body (a request or a batch) and returns the response body.
    public func handleHTTP(_ body: [UInt8]) -> String {
        let parsed: SimJSON
        do { parsed = try SimJSON.parse(body) } catch {
            return RPCResponse.error(id: .null, code: -32700, message: "Parse error").serialized()
        }
        if case .array(let batch) = parsed {
            guard !batch.isEmpty else {
                return RPCResponse.error(id: .null, code: -32600, message: "Invalid request").serialized()
            }
            return SimJSON.array(batch.map { handleRequest($0) }).serialized()
        }
        return handleRequest(parsed).serialized()
    }

    func handleRequest(_ request: SimJSON) -> SimJSON {
        let id = request["id"] ?? .null
        guard request["jsonrpc"]?.stringValue == "2.0", let method = request["method"]?.stringValue else {
            return RPCResponse.error(id: id, code: -32600, message: "Invalid request")
        }
        let params = request["params"]?.arrayValue ?? []
        do {
            return RPCResponse.result(id: id, try dispatch(method: method, params: params))
        } catch let e as RPCFailure {
            return RPCResponse.error(id: id, code: e.code, message: e.message, data: e.data)
        } catch {
            return RPCResponse.error(id: id, code: -32603, message: "Internal error")
        }
    }

    // MARK: PubSub

    struct Subscription {
        enum Kind {
            case account(Address)
            case program(Address, [AccountFilter])
            case slot
            case signature(Signature)
        }
        var connection: UInt64
        var kind: Kind
    }

    /// Opens a PubSub connection: messages for it (responses and notifications) arrive on the stream.
    public func openConnection() -> (id: UInt64, messages: AsyncStream<String>) {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let id = nextConnection
        nextConnection += 1
        connections[id] = continuation
        return (id, stream)
    }

    public func closeConnection(_ id: UInt64) {
        connections.removeValue(forKey: id)?.finish()
        subscriptions = subscriptions.filter { $0.value.connection != id }
    }

    /// Handles one text frame from a PubSub connection; the response is delivered on the connection's stream.
    public func handlePubSub(connection: UInt64, text: String) {
        let response: SimJSON
        do {
            let request = try SimJSON.parse(text)
            let id = request["id"] ?? .null
            let method = request["method"]?.stringValue ?? ""
            let params = request["params"]?.arrayValue ?? []
            do {
                response = RPCResponse.result(
                    id: id, try subscribe(connection: connection, method: method, params: params))
            } catch let e as RPCFailure {
                response = RPCResponse.error(id: id, code: e.code, message: e.message, data: e.data)
            } catch {
                response = RPCResponse.error(id: id, code: -32603, message: "Internal error")
            }
        } catch {
            response = RPCResponse.error(id: .null, code: -32700, message: "Parse error")
        }
        connections[connection]?.yield(response.serialized())
    }

    func subscribe(connection: UInt64, method: String, params: [SimJSON]) throws -> SimJSON {
        let kind: Subscription.Kind
        switch method {
        case "accountSubscribe": kind = .account(try RPCParams.address(params, 0))
        case "programSubscribe":
            kind = .program(try RPCParams.address(params, 0), try RPCParams.filters(params[safe: 1]))
        case "slotSubscribe": kind = .slot
        case "signatureSubscribe": kind = .signature(try RPCParams.signature(params, 0))
        case "accountUnsubscribe", "programUnsubscribe", "slotUnsubscribe", "signatureUnsubscribe":
            guard let sub = params.first?.uint64Value else { throw RPCFailure.invalidParams("Invalid subscription id") }
            guard let s = subscriptions[sub], s.connection == connection else {
                throw RPCFailure.invalidParams("Invalid subscription id.")
            }
            subscriptions[sub] = nil
            return .bool(true)
        default:
            throw RPCFailure(code: -32601, message: "Method not found")
        }
        let id = nextSubscription
        nextSubscription += 1
        subscriptions[id] = Subscription(connection: connection, kind: kind)
        return .uint(id)
    }

    func notify(_ summary: BlockSummary) {
        guard !subscriptions.isEmpty else { return }
        let changed = Set(summary.changedAccounts)
        var included: [Signature: ExecutionResult] = [:]
        for r in summary.transactions where r.included { included[r.signature] = r }
        for (subID, sub) in subscriptions.sorted(by: { $0.key < $1.key }) {
            guard let sink = connections[sub.connection] else { continue }
            switch sub.kind {
            case .slot:
                let result: SimJSON = .object([
                    "slot": .uint(summary.slot), "parent": .uint(summary.parent), "root": .uint(summary.parent),
                ])
                sink.yield(Self.notification("slotNotification", sub: subID, result: result))
            case .account(let address):
                guard changed.contains(address) else { continue }
                // A closed account is notified as the real RPC does: 0 lamports, System-owned, no data.
                let value = RPCEncoding.accountInfo(bank.account(address), deletedAsEmpty: true)
                sink.yield(
                    Self.notification(
                        "accountNotification", sub: subID, result: RPCEncoding.context(summary.slot, value)))
                latencyProbe?.notificationWritten(address, slot: summary.slot)
            case .program(let program, let filters):
                for address in summary.changedAccounts {
                    guard let a = bank.account(address), a.owner == program,
                        filters.allSatisfy({ $0.matches(a) })
                    else { continue }
                    let value: SimJSON = .object([
                        "pubkey": .string(address.base58), "account": RPCEncoding.accountInfo(a),
                    ])
                    sink.yield(
                        Self.notification(
                            "programNotification", sub: subID, result: RPCEncoding.context(summary.slot, value)))
                    latencyProbe?.notificationWritten(address, slot: summary.slot)
                }
            case .signature(let signature):
                guard let r = included[signature] else { continue }
                let value: SimJSON = .object(["err": r.error?.json ?? .null])
                sink.yield(
                    Self.notification(
                        "signatureNotification", sub: subID, result: RPCEncoding.context(summary.slot, value)))
                subscriptions[subID] = nil  // signature subscriptions end after their notification
            }
        }
    }

    static func notification(_ method: String, sub: UInt64, result: SimJSON) -> String {
        SimJSON.object([
            "jsonrpc": .string("2.0"), "method": .string(method),
            "params": .object(["result": result, "subscription": .uint(sub)]),
        ]).serialized()
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}
