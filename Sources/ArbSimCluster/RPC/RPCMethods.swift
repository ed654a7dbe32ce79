import Foundation
import SolanaPrimitives

/// A JSON-RPC error with the code and message shape of the real RPC service (agave `rpc_custom_error`).
struct RPCFailure: Error {
    var code: Int64
    var message: String
    var data: SimJSON? = nil

    static func invalidParams(_ m: String) -> RPCFailure { RPCFailure(code: -32602, message: m) }
}

enum RPCResponse {
    static func result(id: SimJSON, _ result: SimJSON) -> SimJSON {
        .object(["jsonrpc": .string("2.0"), "result": result, "id": id])
    }
    static func error(id: SimJSON, code: Int64, message: String, data: SimJSON? = nil) -> SimJSON {
        var e: [String: SimJSON] = ["code": .int(code), "message": .string(message)]
        if let data { e["data"] = data }
        return .object(["jsonrpc": .string("2.0"), "error": .object(e), "id": id])
    }
}

/// `getProgramAccounts` / `programSubscribe` filters.
public enum AccountFilter: Sendable {
    case dataSize(Int)
    case memcmp(offset: Int, bytes: [UInt8])

    func matches(_ a: Account) -> Bool {
        switch self {
        case .dataSize(let n): return a.data.count == n
        case .memcmp(let offset, let bytes):
            guard offset >= 0, offset + bytes.count <= a.data.count else { return false }
            return Array(a.data[offset..<offset + bytes.count]) == bytes
        }
    }
}

enum RPCParams {
    static func address(_ p: [SimJSON], _ i: Int) throws -> Address {
        guard let s = p[safe: i]?.stringValue, let a = try? Address(base58: s) else {
            throw RPCFailure.invalidParams("Invalid param: Invalid")
        }
        return a
    }
    static func signature(_ p: [SimJSON], _ i: Int) throws -> Signature {
        guard let s = p[safe: i]?.stringValue, let sig = try? Signature(base58: s) else {
            throw RPCFailure.invalidParams("Invalid param: Invalid")
        }
        return sig
    }
    static func config(_ p: [SimJSON], _ i: Int) -> SimJSON { p[safe: i] ?? .object([:]) }

    static func filters(_ config: SimJSON?) throws -> [AccountFilter] {
        guard let list = config?["filters"]?.arrayValue else { return [] }
        return try list.map { f in
            if let n = f["dataSize"]?.uint64Value { return .dataSize(Int(n)) }
            if let m = f["memcmp"], let offset = m["offset"]?.uint64Value, let text = m["bytes"]?.stringValue {
                let bytes: [UInt8]?
                switch m["encoding"]?.stringValue ?? "base58" {
                case "base64": bytes = Data(base64Encoded: text).map { Array($0) }
                default: bytes = try? Base58.decode(text)
                }
                guard let bytes, bytes.count <= 128 else { throw RPCFailure.invalidParams("Invalid param: memcmp") }
                return .memcmp(offset: Int(offset), bytes: bytes)
            }
            throw RPCFailure.invalidParams("Invalid param: unknown filter")
        }
    }

    /// Accepted account data encodings (jsonParsed falls back to base64, as the real RPC does for unknown owners).
    static func encoding(_ config: SimJSON) throws -> String {
        let e = config["encoding"]?.stringValue ?? "base64"
        switch e {
        case "base64", "jsonParsed": return "base64"
        case "base58": return "base58"
        default: throw RPCFailure.invalidParams("Invalid param: unsupported encoding \(e)")
        }
    }
}

enum RPCEncoding {
    static func context(_ slot: UInt64, _ value: SimJSON) -> SimJSON {
        .object(["context": .object(["slot": .uint(slot), "apiVersion": .string("2.2.0")]), "value": value])
    }

    static func accountInfo(_ a: Account?, encoding: String = "base64", deletedAsEmpty: Bool = false) -> SimJSON {
        guard let a = a ?? (deletedAsEmpty ? Account.empty : nil), a.exists || deletedAsEmpty else { return .null }
        let data: SimJSON =
            encoding == "base58"
            ? .array([.string(Base58.encode(a.data)), .string("base58")])
            : .array([.string(Data(a.data).base64EncodedString()), .string("base64")])
        return .object([
            "lamports": .uint(a.lamports), "owner": .string(a.owner.base58), "data": data,
            "executable": .bool(a.executable), "rentEpoch": .uint(UInt64.max), "space": .uint(UInt64(a.data.count)),
        ])
    }

    static func uiAmount(_ amount: UInt64, decimals: UInt8) -> (Double, String) {
        let d = Int(decimals)
        var digits = String(amount)
        if d > 0 {
            if digits.count <= d { digits = String(repeating: "0", count: d - digits.count + 1) + digits }
            let cut = digits.index(digits.endIndex, offsetBy: -d)
            var text = String(digits[..<cut]) + "." + String(digits[cut...])
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            digits = text
        }
        return (Double(amount) / pow(10, Double(d)), digits)
    }

    static func tokenAmount(_ amount: UInt64, decimals: UInt8) -> SimJSON {
        let (ui, text) = uiAmount(amount, decimals: decimals)
        return .object([
            "amount": .string(String(amount)), "decimals": .int(Int64(decimals)), "uiAmount": .double(ui),
            "uiAmountString": .string(text),
        ])
    }

    static func tokenBalances(_ list: [TokenBalance]) -> SimJSON {
        .array(
            list.map {
                .object([
                    "accountIndex": .int(Int64($0.accountIndex)), "mint": .string($0.mint.base58),
                    "owner": .string($0.owner.base58), "programId": .string($0.programId.base58),
                    "uiTokenAmount": tokenAmount($0.amount, decimals: $0.decimals),
                ])
            })
    }

    static func status(_ err: TransactionError?) -> SimJSON {
        if let err { return .object(["Err": err.json]) }
        return .object(["Ok": .null])
    }
}

extension SimCluster {
    /// The RPC methods. Parameter and result shapes follow the Solana JSON-RPC API documentation.
    func dispatch(method: String, params p: [SimJSON]) throws -> SimJSON {
        let slot = bank.slot
        // Reads serve the state left by the last produced block, so their context names that block: a read at
        // context S includes S's writes, exactly like a notification for S (as on a real node). `bank.slot` is the
        // open slot, whose transactions have not executed yet; naming it would let a client order an older read
        // after a newer notification of the same slot.
        let stateSlot = slot == 0 ? 0 : slot - 1
        switch method {
        case "getVersion":
            return .object(["solana-core": .string("2.2.0"), "feature-set": .uint(0)])
        case "getHealth":
            return .string("ok")
        case "getGenesisHash":
            return .string(bank.genesisHash.description)
        case "getSlot":
            return .uint(slot)
        case "getBlockHeight":
            return .uint(bank.blockHeight)
        case "getLatestBlockhash":
            let hash = bank.latestBlockhash
            return RPCEncoding.context(
                stateSlot,
                .object([
                    "blockhash": .string(hash.description),
                    "lastValidBlockHeight": .uint(bank.lastValidBlockHeight(for: hash) ?? 0),
                ]))
        case "isBlockhashValid":
            guard let s = p.first?.stringValue, let h = try? Hash(base58: s) else {
                throw RPCFailure.invalidParams("Invalid param: Invalid")
            }
            return RPCEncoding.context(stateSlot, .bool(bank.lastValidBlockHeight(for: h) != nil))
        case "getBalance":
            return RPCEncoding.context(stateSlot, .uint(bank.account(try RPCParams.address(p, 0))?.lamports ?? 0))
        case "getAccountInfo":
            let encoding = try RPCParams.encoding(RPCParams.config(p, 1))
            return RPCEncoding.context(
                stateSlot, RPCEncoding.accountInfo(bank.account(try RPCParams.address(p, 0)), encoding: encoding))
        case "getMultipleAccounts":
            guard let list = p.first?.arrayValue, list.count <= 100 else {
                throw RPCFailure.invalidParams("Invalid param: expected an array of at most 100 addresses")
            }
            let encoding = try RPCParams.encoding(RPCParams.config(p, 1))
            let values = try list.map { v -> SimJSON in
                guard let s = v.stringValue, let a = try? Address(base58: s) else {
                    throw RPCFailure.invalidParams("Invalid param: Invalid")
                }
                return RPCEncoding.accountInfo(bank.account(a), encoding: encoding)
            }
            return RPCEncoding.context(stateSlot, .array(values))
        case "getProgramAccounts":
            let program = try RPCParams.address(p, 0)
            let config = RPCParams.config(p, 1)
            let encoding = try RPCParams.encoding(config)
            let filters = try RPCParams.filters(config)
            let list = bank.programAccounts(owner: program).filter { e in filters.allSatisfy { $0.matches(e.1) } }
            let values = SimJSON.array(
                list.map {
                    .object([
                        "pubkey": .string($0.0.base58), "account": RPCEncoding.accountInfo($0.1, encoding: encoding),
                    ])
                })
            return config["withContext"]?.boolValue == true ? RPCEncoding.context(stateSlot, values) : values
        case "getTokenAccountBalance":
            let address = try RPCParams.address(p, 0)
            guard let a = bank.account(address), a.owner == ProgramIDs.token,
                let t = try? TokenAccountLayout(data: a.data), t.state != .uninitialized
            else { throw RPCFailure.invalidParams("Invalid param: not a Token account") }
            let decimals = bank.account(t.mint).flatMap { try? MintLayout(data: $0.data) }?.decimals ?? 0
            return RPCEncoding.context(stateSlot, RPCEncoding.tokenAmount(t.amount, decimals: decimals))
        case "getMinimumBalanceForRentExemption":
            guard let n = p.first?.uint64Value, n <= 10 * 1024 * 1024 else {
                throw RPCFailure.invalidParams("Invalid param: data length")
            }
            return .uint(Rent.minimumBalance(dataLength: Int(n)))
        case "requestAirdrop":
            let to = try RPCParams.address(p, 0)
            guard let lamports = p[safe: 1]?.uint64Value, lamports > 0 else {
                throw RPCFailure.invalidParams("Invalid param: lamports")
            }
            return .string(try airdrop(to: to, lamports: lamports).description)
        case "sendTransaction":
            return try sendTransaction(p)
        case "simulateTransaction":
            return try simulateTransaction(p)
        case "getSignatureStatuses":
            guard let list = p.first?.arrayValue, list.count <= 256 else {
                throw RPCFailure.invalidParams("Invalid param: expected an array of at most 256 signatures")
            }
            let values = try list.map { v -> SimJSON in
                guard let s = v.stringValue, let sig = try? Signature(base58: s) else {
                    throw RPCFailure.invalidParams("Invalid param: Invalid")
                }
                guard let r = bank.record(sig) else { return .null }
                let depth = bank.slot - r.slot
                let finalized = depth > 32
                return .object([
                    "slot": .uint(r.slot), "confirmations": finalized ? .null : .uint(depth),
                    "err": r.result.error?.json ?? .null, "status": RPCEncoding.status(r.result.error),
                    "confirmationStatus": .string(finalized ? "finalized" : "confirmed"),
                ])
            }
            return RPCEncoding.context(stateSlot, .array(values))
        case "getTransaction":
            return try getTransaction(p)
        case "getRecentPrioritizationFees":
            let addresses = try (p.first?.arrayValue ?? []).map { v -> Address in
                guard let s = v.stringValue, let a = try? Address(base58: s) else {
                    throw RPCFailure.invalidParams("Invalid param: Invalid")
                }
                return a
            }
            return .array(
                bank.recentPrioritizationFees(addresses: addresses).map {
                    .object(["slot": .uint($0.slot), "prioritizationFee": .uint($0.fee)])
                })
        default:
            return try marketDispatch(method: method, params: p)  // bundles, ground truth (Market/MarketRPC.swift)
        }
    }

    /// An airdrop is a real signed transfer from the faucet, landing in the next block.
    func airdrop(to: Address, lamports: UInt64) throws -> Signature {
        let ix = SystemProgram.transfer(from: bank.faucet.address, to: to, lamports: lamports)
        let message = try LegacyMessage(
            instructions: [ix], payer: bank.faucet.address, recentBlockhash: bank.latestBlockhash)
        let signed = try VersionedTransaction.signedWireBytes(message: .legacy(message), signers: [bank.faucet])
        do { return try bank.submit(signed.bytes) } catch {
            throw RPCFailure(code: -32603, message: "airdrop failed: \(error)")
        }
    }

    static func decodeWire(_ p: [SimJSON], config: SimJSON) throws -> [UInt8] {
        guard let text = p.first?.stringValue else { throw RPCFailure.invalidParams("Invalid param: transaction") }
        let encoding = config["encoding"]?.stringValue ?? "base58"
        let bytes: [UInt8]?
        switch encoding {
        case "base64": bytes = Data(base64Encoded: text).map { Array($0) }
        case "base58": bytes = try? Base58.decode(text)
        default: throw RPCFailure.invalidParams("Invalid param: unsupported encoding \(encoding)")
        }
        guard let bytes else { throw RPCFailure.invalidParams("invalid \(encoding) encoding") }
        return bytes
    }

    static func simulationValue(_ r: ExecutionResult) -> SimJSON {
        .object([
            "err": r.error?.json ?? .null, "logs": .array(r.logs.map { .string($0) }), "accounts": .null,
            "unitsConsumed": .uint(r.computeUnitsConsumed), "returnData": .null, "innerInstructions": .null,
        ])
    }

    func sendTransaction(_ p: [SimJSON]) throws -> SimJSON {
        let config = RPCParams.config(p, 1)
        let bytes = try Self.decodeWire(p, config: config)
        let tx: VersionedTransaction
        do { tx = try Bank.decodeAndVerify(bytes) } catch TransactionError.signatureFailure {
            throw RPCFailure(code: -32003, message: "Transaction signature verification failure")
        } catch {
            throw RPCFailure.invalidParams(
                "failed to deserialize solana_transaction::versioned::VersionedTransaction")
        }
        if let probe = latencyProbe { probe.transactionReceived(tx.signatures[0], accounts: referencedAccounts(tx)) }
        if config["skipPreflight"]?.boolValue != true {
            let r = bank.simulate(tx)
            if let err = r.error {
                throw RPCFailure(
                    code: -32002, message: "Transaction simulation failed: \(err.rpcMessage)",
                    data: Self.simulationValue(r))
            }
        }
        do { return .string(try bank.submit(bytes).description) } catch {
            throw RPCFailure(
                code: -32002, message: "Transaction simulation failed: \(error.rpcMessage)",
                data: Self.simulationValue(.rejected(tx.signatures[0], error)))
        }
    }

    func simulateTransaction(_ p: [SimJSON]) throws -> SimJSON {
        let config = RPCParams.config(p, 1)
        let bytes = try Self.decodeWire(p, config: config)
        guard var tx = try? VersionedTransaction.deserialize(bytes), !tx.signatures.isEmpty else {
            throw RPCFailure.invalidParams(
                "failed to deserialize solana_transaction::versioned::VersionedTransaction")
        }
        let replace = config["replaceRecentBlockhash"]?.boolValue == true
        if config["sigVerify"]?.boolValue == true {
            guard !replace else {
                throw RPCFailure.invalidParams("sigVerify may not be used with replaceRecentBlockhash")
            }
            guard (try? Bank.decodeAndVerify(bytes)) != nil else {
                throw RPCFailure(code: -32003, message: "Transaction signature verification failure")
            }
        }
        var value = Self.simulationValue(bank.simulate(tx))
        if replace {
            tx.message.recentBlockhash = bank.latestBlockhash
            value = Self.simulationValue(bank.simulate(tx))
            if case .object(var o) = value {
                o["replacementBlockhash"] = .object([
                    "blockhash": .string(bank.latestBlockhash.description),
                    "lastValidBlockHeight": .uint(bank.lastValidBlockHeight(for: bank.latestBlockhash) ?? 0),
                ])
                value = .object(o)
            }
        }
        return RPCEncoding.context(bank.slot, value)
    }

    func getTransaction(_ p: [SimJSON]) throws -> SimJSON {
        let sig = try RPCParams.signature(p, 0)
        let config = RPCParams.config(p, 1)
        let encoding = config["encoding"]?.stringValue ?? "json"
        guard let r = bank.record(sig) else { return .null }
        if r.result.isV0, config["maxSupportedTransactionVersion"]?.uint64Value == nil {
            throw RPCFailure(
                code: -32015,
                message:
                    "Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: \"maxSupportedTransactionVersion\": 0"
            )
        }
        let transaction: SimJSON
        switch encoding {
        case "base64": transaction = .array([.string(Data(r.wireBytes).base64EncodedString()), .string("base64")])
        case "base58": transaction = .array([.string(Base58.encode(r.wireBytes)), .string("base58")])
        default:
            throw RPCFailure.invalidParams("Invalid param: the simulated cluster serves encoding base64 or base58")
        }
        let m = r.result
        let meta: SimJSON = .object([
            "err": m.error?.json ?? .null, "status": RPCEncoding.status(m.error), "fee": .uint(m.fee),
            "preBalances": .array(m.preBalances.map { .uint($0) }),
            "postBalances": .array(m.postBalances.map { .uint($0) }), "innerInstructions": .array([]),
            "logMessages": .array(m.logs.map { .string($0) }),
            "preTokenBalances": RPCEncoding.tokenBalances(m.preTokenBalances),
            "postTokenBalances": RPCEncoding.tokenBalances(m.postTokenBalances), "rewards": .array([]),
            "loadedAddresses": .object([
                "writable": .array(m.loadedWritable.map { .string($0.base58) }),
                "readonly": .array(m.loadedReadonly.map { .string($0.base58) }),
            ]),
            "computeUnitsConsumed": .uint(m.computeUnitsConsumed),
        ])
        return .object([
            "slot": .uint(r.slot), "blockTime": .int(r.blockTime), "transaction": transaction, "meta": meta,
            "version": m.isV0 ? .int(0) : .string("legacy"),
        ])
    }
}
