import ArbState
import SolanaPrimitives

/// An account as PubSub and RPC describe it (without its address, which an accountNotification does not carry).
public struct RawAccount: Sendable, Hashable {
    public var owner: Address
    public var lamports: UInt64
    public var data: [UInt8]
    public var executable: Bool
    public var rentEpoch: UInt64

    public init(owner: Address, lamports: UInt64, data: [UInt8], executable: Bool = false, rentEpoch: UInt64 = 0) {
        self.owner = owner
        self.lamports = lamports
        self.data = data
        self.executable = executable
        self.rentEpoch = rentEpoch
    }

    public func update(address: Address, slot: Slot, source: AccountUpdate.Source) -> AccountUpdate {
        AccountUpdate(
            address: address, owner: owner, lamports: lamports, data: data, executable: executable,
            rentEpoch: rentEpoch, slot: slot, source: source)
    }
}

/// One message received on a Solana PubSub WebSocket.
public enum PubSubMessage: Sendable, Hashable {
    /// Answer to a `*Subscribe` request: the server's subscription id.
    case subscribed(requestID: UInt64?, subscription: UInt64)
    /// Answer to a `*Unsubscribe` request.
    case unsubscribed(requestID: UInt64, ok: Bool)
    /// A JSON-RPC error answer (to a request, when `requestID` is known).
    case error(requestID: UInt64?, RPCError)
    case account(subscription: UInt64, slot: Slot, account: RawAccount)
    case program(subscription: UInt64, slot: Slot, address: Address, account: RawAccount)
    case slot(subscription: UInt64, slot: Slot, parent: Slot, root: Slot)
    /// signatureNotification: processed at `slot` with `err` (nil = success).
    case signature(subscription: UInt64, slot: Slot, err: TransactionError?)
    /// signatureNotification with `enableReceivedNotification`: the leader received it.
    case signatureReceived(subscription: UInt64, slot: Slot)
    /// Any other notification method (ignored by the feeds, kept for diagnostics).
    case other(method: String)
}

/// Decodes PubSub messages. Account and program notifications — the hot path — are read in one pass over the
/// bytes, base64 decoded straight from the input with no intermediate strings, and owners resolved through a
/// small cache (there are few distinct owners: the DEX programs and the token programs). Everything else goes
/// through the general JSON tree.
public struct PubSubDecoder: Sendable {
    private var ownerCache: [(text: [UInt8], address: Address)] = []
    private static let ownerCacheSize = 32

    public init() {}

    public mutating func decode(_ text: String) throws(RPCError) -> PubSubMessage {
        var t = text
        var result: Result<PubSubMessage, RPCError> = .failure(RPCError(.invalidResponse, "empty"))
        t.withUTF8 { buf in
            do throws(RPCError) { result = .success(try decode(buf)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    public mutating func decode(_ bytes: [UInt8]) throws(RPCError) -> PubSubMessage {
        var result: Result<PubSubMessage, RPCError> = .failure(RPCError(.invalidResponse, "empty"))
        bytes.withUnsafeBufferPointer { buf in
            do throws(RPCError) { result = .success(try decode(buf)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    public mutating func decode(_ buf: UnsafeBufferPointer<UInt8>) throws(RPCError) -> PubSubMessage {
        if let fast = try? fastNotification(buf) { return fast }
        return try Self.general(buf)
    }

    // MARK: fast path

    private struct NotFast: Error {}

    /// `{"jsonrpc":"2.0","method":"accountNotification"|"programNotification","params":{...}}`, with `method`
    /// before `params` (as every validator writes it). Anything else: `NotFast` → general path.
    private mutating func fastNotification(_ buf: UnsafeBufferPointer<UInt8>) throws -> PubSubMessage {
        var c = JSONCursor(buf)
        try c.expect(UInt8(ascii: "{"))
        var kind = 0  // 1 account, 2 program
        while true {
            let (key, _) = try c.rawString()
            try c.expect(UInt8(ascii: ":"))
            if c.rawEquals(key, "method") {
                let (m, _) = try c.rawString()
                if c.rawEquals(m, "accountNotification") {
                    kind = 1
                } else if c.rawEquals(m, "programNotification") {
                    kind = 2
                } else {
                    throw NotFast()
                }
            } else if c.rawEquals(key, "params") {
                guard kind != 0 else { throw NotFast() }
                let message = try params(&c, program: kind == 2)
                // the rest of the envelope is not needed
                return message
            } else {
                try c.skipValue()
            }
            guard try c.nextMember(closer: UInt8(ascii: "}")) else { throw NotFast() }
        }
    }

    private mutating func params(_ c: inout JSONCursor, program: Bool) throws -> PubSubMessage {
        try c.expect(UInt8(ascii: "{"))
        var subscription: UInt64?
        var slot: Slot?
        var account: RawAccount?
        var address: Address?
        repeat {
            let (key, _) = try c.rawString()
            try c.expect(UInt8(ascii: ":"))
            if c.rawEquals(key, "subscription") {
                subscription = try c.uint64()
            } else if c.rawEquals(key, "result") {
                try c.expect(UInt8(ascii: "{"))
                repeat {
                    let (k, _) = try c.rawString()
                    try c.expect(UInt8(ascii: ":"))
                    if c.rawEquals(k, "context") {
                        try c.expect(UInt8(ascii: "{"))
                        repeat {
                            let (ck, _) = try c.rawString()
                            try c.expect(UInt8(ascii: ":"))
                            if c.rawEquals(ck, "slot") { slot = try c.uint64() } else { try c.skipValue() }
                        } while try c.nextMember(closer: UInt8(ascii: "}"))
                    } else if c.rawEquals(k, "value") {
                        if program {
                            try c.expect(UInt8(ascii: "{"))
                            repeat {
                                let (vk, _) = try c.rawString()
                                try c.expect(UInt8(ascii: ":"))
                                if c.rawEquals(vk, "pubkey") {
                                    address = try addressToken(&c)
                                } else if c.rawEquals(vk, "account") {
                                    account = try rawAccount(&c)
                                } else {
                                    try c.skipValue()
                                }
                            } while try c.nextMember(closer: UInt8(ascii: "}"))
                        } else {
                            account = try rawAccount(&c)
                        }
                    } else {
                        try c.skipValue()
                    }
                } while try c.nextMember(closer: UInt8(ascii: "}"))
            } else {
                try c.skipValue()
            }
        } while try c.nextMember(closer: UInt8(ascii: "}"))
        guard let subscription, let slot, let account else { throw NotFast() }
        if program {
            guard let address else { throw NotFast() }
            return .program(subscription: subscription, slot: slot, address: address, account: account)
        }
        return .account(subscription: subscription, slot: slot, account: account)
    }

    private mutating func rawAccount(_ c: inout JSONCursor) throws -> RawAccount {
        try c.expect(UInt8(ascii: "{"))
        var owner: Address?
        var lamports: UInt64?
        var data: [UInt8]?
        var executable = false
        var rentEpoch: UInt64 = 0
        repeat {
            let (k, _) = try c.rawString()
            try c.expect(UInt8(ascii: ":"))
            if c.rawEquals(k, "data") {
                try c.expect(UInt8(ascii: "["))
                let (text, escaped) = try c.rawString()
                guard try c.nextMember(closer: UInt8(ascii: "]")) else { throw NotFast() }
                let (enc, _) = try c.rawString()
                guard !(try c.nextMember(closer: UInt8(ascii: "]"))) else { throw NotFast() }
                guard !escaped else { throw NotFast() }
                let raw = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: c.buf[text]))
                if c.rawEquals(enc, "base64") {
                    guard let bytes = Base64.decode(raw) else { throw NotFast() }
                    data = bytes
                } else if c.rawEquals(enc, "base58") {
                    data = try Base58.decode(String(decoding: raw, as: UTF8.self))
                } else {
                    throw NotFast()
                }
            } else if c.rawEquals(k, "lamports") {
                lamports = try c.uint64()
            } else if c.rawEquals(k, "owner") {
                owner = try addressToken(&c)
            } else if c.rawEquals(k, "executable") {
                executable = try c.bool()
            } else if c.rawEquals(k, "rentEpoch") {
                rentEpoch = try c.uint64()
            } else {
                try c.skipValue()
            }
        } while try c.nextMember(closer: UInt8(ascii: "}"))
        guard let owner, let lamports, let data else { throw NotFast() }
        return RawAccount(owner: owner, lamports: lamports, data: data, executable: executable, rentEpoch: rentEpoch)
    }

    private mutating func addressToken(_ c: inout JSONCursor) throws -> Address {
        let (r, escaped) = try c.rawString()
        guard !escaped else { throw NotFast() }
        let raw = UnsafeBufferPointer(rebasing: c.buf[r])
        for entry in ownerCache where entry.text.count == raw.count && entry.text.elementsEqual(raw) {
            return entry.address
        }
        let text = Array(raw)
        let address = try Address(base58: String(decoding: text, as: UTF8.self))
        if ownerCache.count >= Self.ownerCacheSize { ownerCache.removeFirst() }
        ownerCache.append((text, address))
        return address
    }

    // MARK: general path

    static func general(_ buf: UnsafeBufferPointer<UInt8>) throws(RPCError) -> PubSubMessage {
        let json: JSONValue
        do { json = try JSONValue.parse(buf) } catch { throw RPCError(.invalidResponse, "pubsub: \(error)") }
        let id = json["id"]?.uint64
        if let err = json["error"], !err.isNull {
            return .error(requestID: id, RPCError.fromJSONRPC(err))
        }
        if let result = json["result"], json["method"] == nil {
            // ids are ours (numbers); a string id from another client is kept as nil
            if let sub = result.uint64 { return .subscribed(requestID: id, subscription: sub) }
            if let ok = result.bool { return .unsubscribed(requestID: id ?? 0, ok: ok) }
            throw RPCError(.invalidResponse, "pubsub: unexpected result for request \(id.map(String.init) ?? "?")")
        }
        guard let method = json["method"]?.string, let params = json["params"] else {
            throw RPCError(.invalidResponse, "pubsub: neither a response nor a notification")
        }
        let sub = try Decode.u64(params["subscription"], "subscription")
        guard let result = params["result"] else { throw RPCError(.invalidResponse, "pubsub: params.result") }
        switch method {
        case "accountNotification":
            let slot = try Decode.contextSlot(result)
            guard let v = result["value"] else { throw Decode.fail("accountNotification: value") }
            return .account(subscription: sub, slot: slot, account: try rawAccount(v))
        case "programNotification":
            let slot = try Decode.contextSlot(result)
            guard let v = result["value"], let acc = v["account"] else {
                throw Decode.fail("programNotification: value.account")
            }
            return .program(
                subscription: sub, slot: slot, address: try Decode.address(v["pubkey"], "pubkey"),
                account: try rawAccount(acc))
        case "slotNotification":
            return .slot(
                subscription: sub, slot: try Decode.u64(result["slot"], "slot"),
                parent: result["parent"]?.uint64 ?? 0, root: result["root"]?.uint64 ?? 0)
        case "signatureNotification":
            let slot = try Decode.contextSlot(result)
            let value = result["value"]
            if value?.string == "receivedSignature" { return .signatureReceived(subscription: sub, slot: slot) }
            return .signature(subscription: sub, slot: slot, err: Decode.transactionError(value?["err"]))
        default:
            return .other(method: method)
        }
    }

    static func rawAccount(_ v: JSONValue) throws(RPCError) -> RawAccount {
        RawAccount(
            owner: try Decode.address(v["owner"], "owner"),
            lamports: try Decode.u64(v["lamports"], "lamports"),
            data: try Decode.accountData(v["data"]),
            executable: v["executable"]?.bool ?? false,
            rentEpoch: v["rentEpoch"]?.uint64 ?? 0)
    }
}

extension JSONValue {
    static func parse(_ buf: UnsafeBufferPointer<UInt8>, maxDepth: Int = 128) throws(JSONParseError) -> JSONValue {
        var p = JSONCursor(buf)
        let v = try p.parseValue(depth: maxDepth)
        p.skipWhitespace()
        guard p.atEnd else { throw p.error("trailing characters") }
        return v
    }
}
