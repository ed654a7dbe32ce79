/// The one error type of `ArbRPC` (and of the feeds' RPC use). `code` is a small stable vocabulary usable as a
/// metric label; the optional fields carry what the server said.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Connection refused/reset/closed, DNS, TLS: the endpoint could not be talked to.
        public static let transport = Code("transport")
        /// No complete answer within the request timeout.
        public static let timeout = Code("timeout")
        /// HTTP 429 (or a JSON-RPC rate-limit answer).
        public static let rateLimited = Code("rateLimited")
        /// HTTP status other than 200 and 429 (5xx, 403, ...).
        public static let httpStatus = Code("httpStatus")
        /// -32002: sendTransaction preflight simulation failed; `transactionError` and `logs` say why.
        public static let preflightFailure = Code("preflightFailure")
        /// -32003: the transaction's signatures do not verify (never retried: the bytes are wrong).
        public static let signatureVerificationFailure = Code("signatureVerificationFailure")
        /// -32005: the node is behind (unhealthy); `numSlotsBehind` when it says.
        public static let nodeBehind = Code("nodeBehind")
        /// -32016: the node has not reached the requested minContextSlot; `contextSlot` is where it is.
        public static let minContextSlotNotReached = Code("minContextSlotNotReached")
        /// -32004 / -32007 / -32009: the block or slot is not available on this node.
        public static let slotUnavailable = Code("slotUnavailable")
        /// Any other JSON-RPC error object (`rpcCode` has the number).
        public static let server = Code("server")
        /// The answer was not the JSON-RPC shape we expect for this method.
        public static let invalidResponse = Code("invalidResponse")
        /// A caller argument was rejected before sending (e.g. too many keys).
        public static let invalidArgument = Code("invalidArgument")
        /// Every endpoint failed or is backing off past the call's deadline.
        public static let allEndpointsFailed = Code("allEndpointsFailed")
        public static let cancelled = Code("cancelled")
    }

    public var code: Code
    public var detail: String
    public var endpoint: String?
    public var httpStatus: Int?
    public var rpcCode: Int64?
    public var transactionError: TransactionError?
    public var logs: [String]?
    public var numSlotsBehind: UInt64?
    public var contextSlot: UInt64?
    public var retryAfterSeconds: UInt64?

    public init(_ code: Code, _ detail: String, endpoint: String? = nil) {
        self.code = code
        self.detail = detail
        self.endpoint = endpoint
    }

    public var description: String {
        var s = "\(code): \(detail)"
        if let rpcCode { s += " (rpc \(rpcCode))" }
        if let httpStatus { s += " (http \(httpStatus))" }
        if let transactionError { s += " [\(transactionError)]" }
        if let endpoint { s += " @\(endpoint)" }
        return s
    }

    /// Whether trying another endpoint (or the same one later) can help.
    public var isRetriable: Bool {
        switch code {
        case .transport, .timeout, .rateLimited, .nodeBehind, .minContextSlotNotReached, .slotUnavailable:
            return true
        case .httpStatus:
            return (httpStatus ?? 500) >= 500 || httpStatus == 408
        case .server:
            // -32603 internal error and the -32000..-32099 server range other than the codes above.
            return rpcCode == -32603
        default:
            return false
        }
    }

    /// Builds the typed error from a JSON-RPC `error` object (see agave rpc-client-api `custom_error.rs` for codes
    /// and data shapes: -32002 carries an RpcSimulateTransactionResult, -32005 `{numSlotsBehind}`, -32016
    /// `{contextSlot}`).
    public static func fromJSONRPC(_ error: JSONValue, endpoint: String? = nil) -> RPCError {
        let rpcCode = error["code"]?.int64 ?? 0
        let message = error["message"]?.string ?? "(no message)"
        let data = error["data"]
        var e: RPCError
        switch rpcCode {
        case -32002:
            e = RPCError(.preflightFailure, message, endpoint: endpoint)
            if let data, let errValue = data["err"], !errValue.isNull {
                e.transactionError = TransactionError(json: errValue)
            }
            e.logs = data?["logs"]?.array?.compactMap(\.string)
        case -32003:
            e = RPCError(.signatureVerificationFailure, message, endpoint: endpoint)
        case -32005:
            e = RPCError(.nodeBehind, message, endpoint: endpoint)
            e.numSlotsBehind = data?["numSlotsBehind"]?.uint64
        case -32016:
            e = RPCError(.minContextSlotNotReached, message, endpoint: endpoint)
            e.contextSlot = data?["contextSlot"]?.uint64
        case -32004, -32007, -32009, -32014:
            e = RPCError(.slotUnavailable, message, endpoint: endpoint)
        case 429, -32429:
            e = RPCError(.rateLimited, message, endpoint: endpoint)
        default:
            e = RPCError(.server, message, endpoint: endpoint)
        }
        e.rpcCode = rpcCode
        return e
    }
}
