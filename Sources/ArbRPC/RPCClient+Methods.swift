import ArbState
import SolanaPrimitives

/// The result of a batched getMultipleAccounts: each account carries the context slot of the request that
/// read it; `minContextSlot` is the oldest of those (what a backfill can claim to be synchronised to).
public struct MultipleAccounts: Sendable, Hashable {
    public var accounts: [Address: AccountUpdate]
    public var absent: [AccountAbsence]
    public var minContextSlot: Slot
    public var maxContextSlot: Slot
}

extension RPCClient {
    func config(
        commitment: Commitment?, minContextSlot: Slot?, extra: [String: JSONValue] = [:]
    ) -> JSONValue {
        var o = extra
        o["commitment"] = .string((commitment ?? configuration.commitment).rawValue)
        if let minContextSlot { o["minContextSlot"] = .uint(minContextSlot) }
        return .object(o)
    }

    // MARK: accounts

    public func getAccountInfo(
        _ address: Address, commitment: Commitment? = nil, minContextSlot: Slot? = nil
    ) async throws(RPCError) -> WithContext<AccountUpdate?> {
        let result = try await call(
            "getAccountInfo",
            [
                .string(address.base58),
                config(commitment: commitment, minContextSlot: minContextSlot, extra: ["encoding": .string("base64")]),
            ])
        let slot = try Decode.contextSlot(result)
        return try Decode.withContext(result) { v throws(RPCError) in
            v.isNull ? nil : try Decode.account(v, address: address, slot: slot, source: .snapshot)
        }
    }

    /// One request of at most 100 keys.
    public func getMultipleAccountsChunk(
        _ addresses: [Address], commitment: Commitment? = nil, minContextSlot: Slot? = nil,
        source: AccountUpdate.Source = .snapshot
    ) async throws(RPCError) -> WithContext<[AccountUpdate?]> {
        guard addresses.count <= 100 else {
            throw RPCError(.invalidArgument, "getMultipleAccounts takes at most 100 keys, got \(addresses.count)")
        }
        let result = try await call(
            "getMultipleAccounts",
            [
                .array(addresses.map { .string($0.base58) }),
                config(commitment: commitment, minContextSlot: minContextSlot, extra: ["encoding": .string("base64")]),
            ])
        let slot = try Decode.contextSlot(result)
        return try Decode.withContext(result) { v throws(RPCError) in
            guard let items = v.array, items.count == addresses.count else {
                throw Decode.fail("getMultipleAccounts: expected \(addresses.count) values")
            }
            var out: [AccountUpdate?] = []
            out.reserveCapacity(items.count)
            for (a, item) in zip(addresses, items) {
                out.append(item.isNull ? nil : try Decode.account(item, address: a, slot: slot, source: source))
            }
            return out
        }
    }

    /// Any number of keys: split into requests of ≤ `maxKeysPerRequest`, sent `maxParallelRequests` at a time.
    public func getMultipleAccounts(
        _ addresses: [Address], commitment: Commitment? = nil, minContextSlot: Slot? = nil,
        source: AccountUpdate.Source = .snapshot
    ) async throws(RPCError) -> MultipleAccounts {
        let n = configuration.maxKeysPerRequest
        let chunks = stride(from: 0, to: addresses.count, by: n).map {
            Array(addresses[$0..<min($0 + n, addresses.count)])
        }
        var out = MultipleAccounts(accounts: [:], absent: [], minContextSlot: .max, maxContextSlot: 0)
        if chunks.isEmpty {
            out.minContextSlot = 0
            return out
        }
        let results: [Result<(Int, WithContext<[AccountUpdate?]>), RPCError>] = await withTaskGroup(
            of: Result<(Int, WithContext<[AccountUpdate?]>), RPCError>.self
        ) { group in
            var collected: [Result<(Int, WithContext<[AccountUpdate?]>), RPCError>] = []
            var next = 0
            func add(_ k: Int) {
                group.addTask {
                    do throws(RPCError) {
                        return .success(
                            (
                                k,
                                try await self.getMultipleAccountsChunk(
                                    chunks[k], commitment: commitment, minContextSlot: minContextSlot, source: source)
                            ))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            while next < min(chunks.count, configuration.maxParallelRequests) {
                add(next)
                next += 1
            }
            while let r = await group.next() {
                collected.append(r)
                if case .failure = r {
                    group.cancelAll()
                    break
                }
                if next < chunks.count {
                    add(next)
                    next += 1
                }
            }
            return collected
        }
        for r in results {
            let (k, chunk) = try r.get()
            out.minContextSlot = min(out.minContextSlot, chunk.slot)
            out.maxContextSlot = max(out.maxContextSlot, chunk.slot)
            for (a, acc) in zip(chunks[k], chunk.value) {
                if let acc {
                    out.accounts[a] = acc
                } else {
                    out.absent.append(AccountAbsence(address: a, slot: chunk.slot))
                }
            }
        }
        return out
    }

    /// getProgramAccounts with `withContext: true` (base64 data).
    public func getProgramAccounts(
        _ program: Address, filters: [ProgramAccountsFilter] = [], commitment: Commitment? = nil,
        minContextSlot: Slot? = nil
    ) async throws(RPCError) -> WithContext<[AccountUpdate]> {
        var extra: [String: JSONValue] = ["encoding": .string("base64"), "withContext": .bool(true)]
        if !filters.isEmpty { extra["filters"] = .array(filters.map(\.json)) }
        let result = try await call(
            "getProgramAccounts",
            [.string(program.base58), config(commitment: commitment, minContextSlot: minContextSlot, extra: extra)])
        return try Self.decodeProgramAccounts(result)
    }

    /// Accepts both answer shapes: `{"context","value":[...]}` (withContext) and a bare array (slot 0).
    static func decodeProgramAccounts(_ result: JSONValue) throws(RPCError) -> WithContext<[AccountUpdate]> {
        let slot: Slot
        let items: [JSONValue]
        if let arr = result.array {
            slot = 0
            items = arr
        } else {
            slot = try Decode.contextSlot(result)
            guard let arr = result["value"]?.array else { throw Decode.fail("getProgramAccounts: value") }
            items = arr
        }
        var out: [AccountUpdate] = []
        out.reserveCapacity(items.count)
        for item in items {
            let address = try Decode.address(item["pubkey"], "pubkey")
            guard let acc = item["account"] else { throw Decode.fail("getProgramAccounts: account") }
            out.append(try Decode.account(acc, address: address, slot: slot, source: .snapshot))
        }
        return WithContext(slot: slot, value: out)
    }

    public func getBalance(
        _ address: Address, commitment: Commitment? = nil, minContextSlot: Slot? = nil
    ) async throws(RPCError) -> WithContext<UInt64> {
        let r = try await call(
            "getBalance", [.string(address.base58), config(commitment: commitment, minContextSlot: minContextSlot)])
        return try Decode.withContext(r) { v throws(RPCError) in try Decode.u64(v, "balance") }
    }

    public func getTokenAccountBalance(
        _ address: Address, commitment: Commitment? = nil
    ) async throws(RPCError) -> WithContext<TokenAmount> {
        let r = try await call(
            "getTokenAccountBalance", [.string(address.base58), config(commitment: commitment, minContextSlot: nil)])
        return try Decode.withContext(r, Decode.tokenAmount)
    }

    /// Reads an Address Lookup Table account and decodes it.
    public func getAddressLookupTable(
        _ address: Address, commitment: Commitment? = nil, minContextSlot: Slot? = nil
    ) async throws(RPCError) -> WithContext<AddressLookupTable?> {
        let r = try await getAccountInfo(address, commitment: commitment, minContextSlot: minContextSlot)
        guard let account = r.value else { return WithContext(slot: r.slot, value: nil) }
        guard account.owner == AddressLookupTable.programID else {
            throw RPCError(.invalidResponse, "\(address) is not owned by the address lookup table program")
        }
        do {
            return WithContext(slot: r.slot, value: try AddressLookupTable(address: address, data: account.data))
        } catch {
            throw RPCError(.invalidResponse, "lookup table \(address): \(error)")
        }
    }

    // MARK: cluster

    public func getSlot(commitment: Commitment? = nil, minContextSlot: Slot? = nil) async throws(RPCError) -> Slot {
        let r = try await call("getSlot", [config(commitment: commitment, minContextSlot: minContextSlot)])
        return try Decode.u64(r, "slot")
    }

    public func getBlockHeight(commitment: Commitment? = nil, minContextSlot: Slot? = nil) async throws(RPCError)
        -> UInt64
    {
        let r = try await call("getBlockHeight", [config(commitment: commitment, minContextSlot: minContextSlot)])
        return try Decode.u64(r, "blockHeight")
    }

    public func getLatestBlockhash(
        commitment: Commitment? = nil, minContextSlot: Slot? = nil
    ) async throws(RPCError) -> WithContext<LatestBlockhash> {
        let r = try await call("getLatestBlockhash", [config(commitment: commitment, minContextSlot: minContextSlot)])
        return try Decode.withContext(r) { v throws(RPCError) in
            let text = try Decode.string(v["blockhash"], "blockhash")
            let hash: Hash
            do { hash = try Hash(base58: text) } catch { throw Decode.fail("blockhash: \(error)") }
            return LatestBlockhash(
                blockhash: hash, lastValidBlockHeight: try Decode.u64(v["lastValidBlockHeight"], "lastValidBlockHeight")
            )
        }
    }

    public func getRecentPrioritizationFees(_ accounts: [Address] = []) async throws(RPCError) -> [PrioritizationFee] {
        let params: [JSONValue] = accounts.isEmpty ? [] : [.array(accounts.map { .string($0.base58) })]
        let r = try await call("getRecentPrioritizationFees", params)
        return try Self.decodePrioritizationFees(r)
    }

    static func decodePrioritizationFees(_ r: JSONValue) throws(RPCError) -> [PrioritizationFee] {
        guard let items = r.array else { throw Decode.fail("getRecentPrioritizationFees: expected an array") }
        var out: [PrioritizationFee] = []
        for item in items {
            out.append(
                PrioritizationFee(
                    slot: try Decode.u64(item["slot"], "slot"),
                    prioritizationFee: try Decode.u64(item["prioritizationFee"], "prioritizationFee")))
        }
        return out
    }

    // MARK: transactions

    public func getSignatureStatuses(
        _ signatures: [Signature], searchTransactionHistory: Bool = false
    ) async throws(RPCError) -> WithContext<[SignatureStatus?]> {
        guard signatures.count <= 256 else {
            throw RPCError(.invalidArgument, "getSignatureStatuses takes at most 256 signatures")
        }
        let r = try await call(
            "getSignatureStatuses",
            [
                .array(signatures.map { .string($0.description) }),
                .object(["searchTransactionHistory": .bool(searchTransactionHistory)]),
            ])
        return try Decode.withContext(r) { v throws(RPCError) in
            guard let items = v.array, items.count == signatures.count else {
                throw Decode.fail("getSignatureStatuses: expected \(signatures.count) values")
            }
            var out: [SignatureStatus?] = []
            for item in items { out.append(try Decode.signatureStatus(item)) }
            return out
        }
    }

    public func getTransaction(
        _ signature: Signature, commitment: Commitment? = nil
    ) async throws(RPCError) -> TransactionInfo? {
        let c = commitment ?? configuration.commitment
        let r = try await call(
            "getTransaction",
            [
                .string(signature.description),
                .object([
                    "encoding": .string("base64"), "maxSupportedTransactionVersion": .uint(0),
                    "commitment": .string(c == .processed ? Commitment.confirmed.rawValue : c.rawValue),
                ]),
            ])
        return try Decode.transaction(r)
    }

    public func simulateTransaction(
        _ wireTransaction: [UInt8], options: SimulateOptions = .init()
    ) async throws(RPCError) -> WithContext<SimulationResult> {
        var o: [String: JSONValue] = [
            "encoding": .string("base64"), "sigVerify": .bool(options.sigVerify),
            "replaceRecentBlockhash": .bool(options.replaceRecentBlockhash),
            "commitment": .string((options.commitment ?? configuration.commitment).rawValue),
        ]
        if let m = options.minContextSlot { o["minContextSlot"] = .uint(m) }
        let r = try await call("simulateTransaction", [.string(Base64.encode(wireTransaction)), .object(o)])
        return try Decode.withContext(r, Decode.simulation)
    }

    static func sendParams(_ wireTransaction: [UInt8], _ options: SendOptions, default c: Commitment) -> [JSONValue] {
        var o: [String: JSONValue] = [
            "encoding": .string("base64"), "skipPreflight": .bool(options.skipPreflight),
            "preflightCommitment": .string((options.preflightCommitment ?? c).rawValue),
        ]
        if let m = options.maxRetries { o["maxRetries"] = .uint(m) }
        if let m = options.minContextSlot { o["minContextSlot"] = .uint(m) }
        return [.string(Base64.encode(wireTransaction)), .object(o)]
    }

    static func decodeSignature(_ r: JSONValue) throws(RPCError) -> Signature {
        let text = try Decode.string(r, "signature")
        do { return try Signature(base58: text) } catch { throw Decode.fail("signature: \(error)") }
    }

    /// Sends already-signed wire bytes through the failover loop (one endpoint answers).
    public func sendTransaction(
        _ wireTransaction: [UInt8], options: SendOptions = .init()
    ) async throws(RPCError) -> Signature {
        let r = try await call(
            "sendTransaction", Self.sendParams(wireTransaction, options, default: configuration.commitment))
        return try Self.decodeSignature(r)
    }

    public struct FanOutResult: Sendable {
        /// The signature the first accepting endpoint returned, if any did.
        public var signature: Signature?
        public var outcomes: [(endpoint: String, result: Result<Signature, RPCError>)]
    }

    /// Sends the same signed bytes to every endpoint at once (no retries; the transaction's own blockhash bounds
    /// its life). Endpoints backing off after 429 are skipped.
    public func sendTransactionToAll(
        _ wireTransaction: [UInt8], options: SendOptions = .init()
    ) async -> FanOutResult {
        let params = Self.sendParams(wireTransaction, options, default: configuration.commitment)
        let t = now
        let targets = state.withLock { s in
            s.pool.health.indices.filter { i in
                !(s.pool.health[i].rateLimitStreak > 0 && (s.pool.health[i].blockedUntil ?? .zero) > t)
            }
        }
        // One endpoint (the usual bot setup): sent from the calling task, without a fan-out group — a child task
        // would wait for a thread of the cooperative pool before the bytes could leave.
        if targets.count == 1, let i = targets.first {
            let r: Result<Signature, RPCError>
            do throws(RPCError) {
                r = .success(
                    try Self.decodeSignature(try await send("sendTransaction", params, endpoint: i, inline: true)))
            } catch {
                record(error, endpoint: i)
                r = .failure(error)
            }
            var result = FanOutResult(signature: nil, outcomes: [(configuration.endpoints[i].name, r)])
            if case .success(let s) = r { result.signature = s }
            return result
        }
        let outcomes = await withTaskGroup(of: (Int, Result<Signature, RPCError>).self) { group in
            for i in targets {
                group.addTask {
                    do throws(RPCError) {
                        let r = try await self.send("sendTransaction", params, endpoint: i)
                        return (i, .success(try Self.decodeSignature(r)))
                    } catch {
                        self.record(error, endpoint: i)
                        return (i, .failure(error))
                    }
                }
            }
            var all: [(Int, Result<Signature, RPCError>)] = []
            for await o in group { all.append(o) }
            return all.sorted { $0.0 < $1.0 }
        }
        var result = FanOutResult(signature: nil, outcomes: [])
        for (i, r) in outcomes {
            result.outcomes.append((configuration.endpoints[i].name, r))
            if case .success(let s) = r, result.signature == nil { result.signature = s }
        }
        return result
    }
}
