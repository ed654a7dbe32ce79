import ArbState
import SolanaPrimitives

public enum Commitment: String, Sendable, Hashable, CaseIterable {
    case processed, confirmed, finalized
}

/// An RPC answer with its context slot (`{"context":{"slot":N},"value":...}`).
public struct WithContext<Value: Sendable>: Sendable {
    public var slot: Slot
    public var value: Value
    public init(slot: Slot, value: Value) {
        self.slot = slot
        self.value = value
    }
}

extension WithContext: Equatable where Value: Equatable {}
extension WithContext: Hashable where Value: Hashable {}

public struct LatestBlockhash: Sendable, Hashable {
    public var blockhash: Hash
    public var lastValidBlockHeight: UInt64
    public init(blockhash: Hash, lastValidBlockHeight: UInt64) {
        self.blockhash = blockhash
        self.lastValidBlockHeight = lastValidBlockHeight
    }
}

/// A token account balance in base units (never a float).
public struct TokenAmount: Sendable, Hashable {
    public var amount: UInt64
    public var decimals: UInt8
    public init(amount: UInt64, decimals: UInt8) {
        self.amount = amount
        self.decimals = decimals
    }
}

public struct PrioritizationFee: Sendable, Hashable {
    public var slot: Slot
    /// micro-lamports per compute unit
    public var prioritizationFee: UInt64
    public init(slot: Slot, prioritizationFee: UInt64) {
        self.slot = slot
        self.prioritizationFee = prioritizationFee
    }
}

public struct SignatureStatus: Sendable, Hashable {
    public var slot: Slot
    public var confirmations: UInt64?
    public var err: TransactionError?
    public var confirmationStatus: Commitment?
    public init(slot: Slot, confirmations: UInt64?, err: TransactionError?, confirmationStatus: Commitment?) {
        self.slot = slot
        self.confirmations = confirmations
        self.err = err
        self.confirmationStatus = confirmationStatus
    }
}

public struct SimulationResult: Sendable, Hashable {
    public var err: TransactionError?
    public var logs: [String]
    public var unitsConsumed: UInt64?
    public init(err: TransactionError?, logs: [String], unitsConsumed: UInt64?) {
        self.err = err
        self.logs = logs
        self.unitsConsumed = unitsConsumed
    }
}

public struct TransactionInfo: Sendable, Hashable {
    public var slot: Slot
    public var blockTime: Int64?
    public var fee: UInt64?
    public var err: TransactionError?
    public var logMessages: [String]
    public var preBalances: [UInt64]
    public var postBalances: [UInt64]
    public var computeUnitsConsumed: UInt64?
    /// The wire transaction, when the node answered with `encoding: base64`.
    public var transactionBytes: [UInt8]?
    /// The transaction's signatures (the first is its id), from either encoding.
    public var signatures: [Signature]
}

/// getProgramAccounts filters.
public enum ProgramAccountsFilter: Sendable, Hashable {
    case dataSize(UInt64)
    /// `bytes` must match at `offset` (sent base58-encoded, which every node accepts).
    case memcmp(offset: UInt64, bytes: [UInt8])

    public var json: JSONValue {
        switch self {
        case .dataSize(let n): return .object(["dataSize": .uint(n)])
        case .memcmp(let offset, let bytes):
            return .object([
                "memcmp": .object(["offset": .uint(offset), "bytes": .string(Base58.encode(bytes))])
            ])
        }
    }

    /// Whether account data passes this filter (the node's rule: memcmp past the end does not match).
    public func matches(_ data: [UInt8]) -> Bool {
        switch self {
        case .dataSize(let n): return UInt64(data.count) == n
        case .memcmp(let offset, let bytes):
            guard offset <= UInt64(data.count), UInt64(bytes.count) <= UInt64(data.count) - offset else { return false }
            let start = Int(offset)
            return data[start..<start + bytes.count].elementsEqual(bytes)
        }
    }
}

public struct SendOptions: Sendable, Hashable {
    public var skipPreflight: Bool
    public var preflightCommitment: Commitment?
    public var maxRetries: UInt64?
    public var minContextSlot: Slot?

    public init(
        skipPreflight: Bool = false, preflightCommitment: Commitment? = nil, maxRetries: UInt64? = nil,
        minContextSlot: Slot? = nil
    ) {
        self.skipPreflight = skipPreflight
        self.preflightCommitment = preflightCommitment
        self.maxRetries = maxRetries
        self.minContextSlot = minContextSlot
    }
}

public struct SimulateOptions: Sendable, Hashable {
    public var sigVerify: Bool
    public var replaceRecentBlockhash: Bool
    public var commitment: Commitment?
    public var minContextSlot: Slot?
    public init(
        sigVerify: Bool = false, replaceRecentBlockhash: Bool = false, commitment: Commitment? = nil,
        minContextSlot: Slot? = nil
    ) {
        self.sigVerify = sigVerify
        self.replaceRecentBlockhash = replaceRecentBlockhash
        self.commitment = commitment
        self.minContextSlot = minContextSlot
    }
}

// MARK: decoding helpers (pure; each throws `invalidResponse` naming what was wrong)

enum Decode {
    static func fail(_ what: String) -> RPCError { RPCError(.invalidResponse, what) }

    static func u64(_ v: JSONValue?, _ what: String) throws(RPCError) -> UInt64 {
        guard let n = v?.uint64 else { throw fail("\(what): expected an unsigned integer") }
        return n
    }

    static func string(_ v: JSONValue?, _ what: String) throws(RPCError) -> String {
        guard let s = v?.string else { throw fail("\(what): expected a string") }
        return s
    }

    static func address(_ v: JSONValue?, _ what: String) throws(RPCError) -> Address {
        let s = try string(v, what)
        do { return try Address(base58: s) } catch { throw fail("\(what): \(error)") }
    }

    static func contextSlot(_ result: JSONValue) throws(RPCError) -> Slot {
        try u64(result["context"]?["slot"], "context.slot")
    }

    static func withContext<T>(
        _ result: JSONValue, _ body: (JSONValue) throws(RPCError) -> T
    ) throws(RPCError) -> WithContext<T> {
        guard let value = result["value"] else { throw fail("missing value") }
        return WithContext(slot: try contextSlot(result), value: try body(value))
    }

    /// `data` as `[text, encoding]` (base64 / base58) or a bare base58 string (legacy "binary").
    static func accountData(_ v: JSONValue?) throws(RPCError) -> [UInt8] {
        if let pair = v?.array, pair.count == 2, let text = pair[0].string, let enc = pair[1].string {
            switch enc {
            case "base64":
                guard let bytes = Base64.decode(text) else { throw fail("account data: bad base64") }
                return bytes
            case "base58":
                do { return try Base58.decode(text) } catch { throw fail("account data: bad base58") }
            default:
                throw fail("account data: unsupported encoding \(enc)")
            }
        }
        if let text = v?.string {
            do { return try Base58.decode(text) } catch { throw fail("account data: bad base58") }
        }
        throw fail("account data: expected [text, encoding] (jsonParsed is not supported)")
    }

    /// A UiAccount object → AccountUpdate at `slot`.
    static func account(
        _ v: JSONValue, address: Address, slot: Slot, source: AccountUpdate.Source
    ) throws(RPCError) -> AccountUpdate {
        AccountUpdate(
            address: address,
            owner: try Decode.address(v["owner"], "owner"),
            lamports: try u64(v["lamports"], "lamports"),
            data: try accountData(v["data"]),
            executable: v["executable"]?.bool ?? false,
            rentEpoch: v["rentEpoch"]?.uint64 ?? 0,
            slot: slot,
            source: source)
    }

    static func transactionError(_ v: JSONValue?) -> TransactionError? {
        guard let v, !v.isNull else { return nil }
        return TransactionError(json: v)
    }

    static func signatureStatus(_ v: JSONValue) throws(RPCError) -> SignatureStatus? {
        if v.isNull { return nil }
        return SignatureStatus(
            slot: try u64(v["slot"], "status.slot"),
            confirmations: v["confirmations"]?.uint64,
            err: transactionError(v["err"]),
            confirmationStatus: v["confirmationStatus"]?.string.flatMap(Commitment.init(rawValue:)))
    }

    static func transaction(_ v: JSONValue) throws(RPCError) -> TransactionInfo? {
        if v.isNull { return nil }
        let meta = v["meta"]
        var bytes: [UInt8]?
        var signatures: [Signature] = []
        if let pair = v["transaction"]?.array, pair.count == 2, pair[1].string == "base64",
            let text = pair[0].string
        {
            guard let b = Base64.decode(text) else { throw fail("transaction: bad base64") }
            bytes = b
            // The wire format starts with the signatures (compact-u16 count, 64 bytes each) in every version.
            do {
                var r = ByteReader(b)
                let n = try r.shortVec("signature count")
                for _ in 0..<n { signatures.append(try Signature(bytes: try r.take(64, "signature"))) }
            } catch { throw fail("transaction: \(error)") }
        } else if let sigs = v["transaction"]?["signatures"]?.array {
            for s in sigs {
                guard let text = s.string, let sig = try? Signature(base58: text) else {
                    throw fail("transaction.signatures: bad signature")
                }
                signatures.append(sig)
            }
        }
        return TransactionInfo(
            slot: try u64(v["slot"], "slot"),
            blockTime: v["blockTime"]?.int64,
            fee: meta?["fee"]?.uint64,
            err: transactionError(meta?["err"]),
            logMessages: meta?["logMessages"]?.array?.compactMap(\.string) ?? [],
            preBalances: meta?["preBalances"]?.array?.compactMap(\.uint64) ?? [],
            postBalances: meta?["postBalances"]?.array?.compactMap(\.uint64) ?? [],
            computeUnitsConsumed: meta?["computeUnitsConsumed"]?.uint64,
            transactionBytes: bytes,
            signatures: signatures)
    }

    static func simulation(_ v: JSONValue) throws(RPCError) -> SimulationResult {
        SimulationResult(
            err: transactionError(v["err"]),
            logs: v["logs"]?.array?.compactMap(\.string) ?? [],
            unitsConsumed: v["unitsConsumed"]?.uint64)
    }

    static func tokenAmount(_ v: JSONValue) throws(RPCError) -> TokenAmount {
        let text = try string(v["amount"], "amount")
        guard let amount = UInt64(text) else { throw fail("amount: not a u64 string") }
        let decimals = try u64(v["decimals"], "decimals")
        guard decimals <= 255 else { throw fail("decimals out of range") }
        return TokenAmount(amount: amount, decimals: UInt8(decimals))
    }
}
