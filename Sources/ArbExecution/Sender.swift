import ArbFeeds
import ArbRPC
import Logging
import SolanaPrimitives

/// How the sender confirms.
public struct SenderConfig: Sendable {
    /// PubSub URL for signatureSubscribe; nil → status polling only.
    public var webSocketURL: String?
    public var commitment: Commitment = .confirmed
    /// getSignatureStatuses / getBlockHeight polling period (the fallback, and the expiry check).
    public var pollInterval: Duration = .milliseconds(200)
    /// The expiry check (getBlockHeight, then a history lookup once past) runs at most this often: the height
    /// moves once per slot, and every in-flight trade polls, so checking it on every status poll only burns the
    /// RPC's rate limit.
    public var expiryCheckInterval: Duration = .seconds(1)
    /// Re-send the SAME signed bytes this often until it lands or expires (nil: send once). Never re-signed.
    public var rebroadcastInterval: Duration? = .seconds(2)
    /// Skip the RPC node's preflight simulation on send (default: skip, as the assembler simulates when asked and
    /// preflight costs a round of latency; a contested trade then reverts on chain by its guard, fee paid, instead
    /// of being `rejected`).
    public var skipPreflight: Bool = true
    /// Hard stop for one confirmation (the blockhash normally expires long before): then `expired` is decided
    /// by one last status and block-height check.
    public var maxConfirmationTime: Duration = .seconds(120)

    public init(webSocketURL: String? = nil) { self.webSocketURL = webSocketURL }
}

/// What the classifier needs to know about a transaction; derivable from its signed bytes (so a pending
/// submission read back from the journal after a crash can be classified the same way).
public struct OutcomeContext: Sendable, Hashable {
    public var signature: Signature
    public var payer: Address
    public var baseMint: Address
    public var guardProgram: Address?
    /// Program of each instruction, in order.
    public var programs: [Address]
    public var lastValidBlockHeight: UInt64
    /// The tip the transaction pays when it executes successfully (an in-transaction transfer; 0 without one).
    /// Added back to the payer's lamport change to get a wSOL trade's gross profit.
    public var tipLamports: UInt64

    public init(
        signature: Signature, payer: Address, baseMint: Address, guardProgram: Address?, programs: [Address],
        lastValidBlockHeight: UInt64, tipLamports: UInt64 = 0
    ) {
        self.signature = signature
        self.payer = payer
        self.baseMint = baseMint
        self.guardProgram = guardProgram
        self.programs = programs
        self.lastValidBlockHeight = lastValidBlockHeight
        self.tipLamports = tipLamports
    }

    public init(_ tx: SignedArbTransaction) {
        self.init(
            signature: tx.signature, payer: tx.assembled.payer, baseMint: tx.assembled.baseMint,
            guardProgram: tx.assembled.guardProgram, programs: tx.assembled.instructions.map(\.programId),
            lastValidBlockHeight: tx.lastValidBlockHeight, tipLamports: tx.assembled.tipLamports)
    }

    /// From stored wire bytes (static program ids; programs are never loaded from lookup tables).
    public init(
        signedBytes: [UInt8], baseMint: Address, guardProgram: Address?, lastValidBlockHeight: UInt64,
        tipLamports: UInt64 = 0
    ) throws(ExecutionError) {
        let tx: VersionedTransaction
        do { tx = try VersionedTransaction.deserialize(signedBytes) } catch {
            throw ExecutionError(.invalidOpportunity, "stored transaction bytes: \(error)")
        }
        let keys = tx.message.staticAccountKeys
        guard let sig = tx.signatures.first, let payer = keys.first else {
            throw ExecutionError(.invalidOpportunity, "stored transaction has no signature or payer")
        }
        var programs: [Address] = []
        for ix in tx.message.instructions {
            let i = Int(ix.programIdIndex)
            programs.append(i < keys.count ? keys[i] : ProgramIDs.system)
        }
        self.init(
            signature: sig, payer: payer, baseMint: baseMint, guardProgram: guardProgram, programs: programs,
            lastValidBlockHeight: lastValidBlockHeight, tipLamports: tipLamports)
    }
}

/// Sends the same signed bytes to every configured endpoint and follows them to an outcome: signatureSubscribe
/// with a getSignatureStatuses polling fallback, expiry when the block height passes lastValidBlockHeight,
/// rebroadcast of the same bytes (never re-signed), and the landed profit from the transaction's token balances.
public struct Sender: Sendable {
    public let client: RPCClient
    public var config: SenderConfig
    public var logger: Logger

    public init(client: RPCClient, config: SenderConfig, logger: Logger) {
        self.client = client
        self.config = config
        self.logger = logger
    }

    /// Sends and waits for the outcome.
    public func execute(_ tx: SignedArbTransaction) async -> ExecutionOutcome {
        let context = OutcomeContext(tx)
        if let rejected = await submit(tx.bytes, context: context) { return rejected }
        return await confirm(context, bytes: tx.bytes)
    }

    /// `execute(_:)` in two steps (for callers that time them): fans the transaction out; nil when at least one
    /// endpoint accepted it (or the answer is indefinite), else the final outcome.
    public func submit(_ tx: SignedArbTransaction, context: OutcomeContext) async -> ExecutionOutcome? {
        await submit(tx.bytes, context: context)
    }

    /// The second step: follows the submitted transaction to its outcome, re-sending the same bytes.
    public func confirm(_ tx: SignedArbTransaction, context: OutcomeContext) async -> ExecutionOutcome {
        await confirm(context, bytes: tx.bytes)
    }

    /// Fans the bytes out to every endpoint. Returns a final outcome only when the transaction provably was not
    /// accepted: no endpoint was tried (nothing left the process), or EVERY endpoint answered with a definite
    /// JSON-RPC refusal (preflight failure, signature verification, malformed transaction). A transport error,
    /// timeout, 5xx, rate limit or any other indefinite answer from any endpoint may mean the node forwarded the
    /// bytes: then nil, and the caller confirms until lastValidBlockHeight (never a final `rejected` that would
    /// free the pools while the transaction can still execute). Internal: raw bytes leave the process only
    /// through a `SignedArbTransaction` (made only by `TransactionAssembler.sign`: guarded, risk-cleared).
    func submit(_ bytes: [UInt8], context: OutcomeContext) async -> ExecutionOutcome? {
        let r = await client.sendTransactionToAll(bytes, options: SendOptions(skipPreflight: config.skipPreflight))
        if r.signature != nil { return nil }
        if r.outcomes.isEmpty {
            return ExecutionOutcome(
                outcome: .rejected, signature: context.signature, error: "no endpoint available: nothing sent")
        }
        var errors: [RPCError] = []
        for (_, result) in r.outcomes {
            if case .failure(let e) = result { errors.append(e) }
        }
        if errors.contains(where: { $0.transactionError == .alreadyProcessed }) {
            return nil  // an earlier copy is on chain: confirm it
        }
        guard errors.count == r.outcomes.count, errors.allSatisfy(Self.definitelyRefused) else {
            logger.warning(
                "send result unknown: confirming until the blockhash expires",
                metadata: ["signature": "\(context.signature)", "errors": "\(errors.map(\.description))"])
            return nil
        }
        // The most specific refusal (one naming a transaction error).
        let e = errors.first(where: { $0.transactionError != nil }) ?? errors[0]
        return ExecutionOutcome(
            outcome: OutcomeClassifier.classifyRejection(
                e, programs: context.programs, guardProgram: context.guardProgram),
            signature: context.signature, error: e.description)
    }

    /// A JSON-RPC answer that proves the node refused the transaction (did not forward it): preflight simulation
    /// failed (-32002), signature verification failed (-32003), invalid request/params (-32600/-32602: the
    /// transaction does not decode or sanitize). Everything else (transport, timeout, HTTP status, rate limit,
    /// node behind, internal error) is indefinite.
    static func definitelyRefused(_ e: RPCError) -> Bool {
        switch e.code {
        case .preflightFailure, .signatureVerificationFailure: return true
        case .server: return e.rpcCode == -32602 || e.rpcCode == -32600
        default: return false
        }
    }

    enum Seen: Sendable {
        case status(slot: UInt64, err: TransactionError?)
        /// Proven: a successful getBlockHeight above lastValidBlockHeight, then a successful history lookup
        /// that does not know the signature.
        case expired(height: UInt64)
        /// No proof either way (cancelled, RPC unreachable, the hard time limit): not final.
        case unknown(String)
    }

    /// Follows a sent signature to its outcome. Sends nothing. `.unknown` (not final) when neither execution nor
    /// expiry could be proven.
    public func confirm(_ context: OutcomeContext) async -> ExecutionOutcome { await confirm(context, bytes: nil) }

    /// Follows a sent signature to its outcome. `bytes` (when given) are re-sent unchanged while waiting (internal:
    /// only the bytes of a `SignedArbTransaction` are passed). The result is `.unknown` (not final: journal
    /// nothing, keep the pools busy, reconcile later) when neither execution nor expiry could be proven.
    func confirm(_ context: OutcomeContext, bytes: [UInt8]?) async -> ExecutionOutcome {
        let seen: Seen = await withTaskGroup(of: Seen?.self) { group in
            if let ws = config.webSocketURL {
                let logger = self.logger
                let commitment = config.commitment
                let timeout = config.maxConfirmationTime
                group.addTask {
                    do {
                        let o = try await SignatureWatcher.wait(
                            url: ws, signature: context.signature, commitment: commitment, timeout: timeout,
                            logger: logger)
                        if case .processed(let slot, let err) = o { return .status(slot: slot, err: err) }
                    } catch {
                        logger.debug("signatureSubscribe failed, polling only", metadata: ["error": "\(error)"])
                    }
                    return nil
                }
            }
            group.addTask { await self.poll(context, bytes: bytes) }
            var result: Seen = .unknown("confirmation cancelled")
            while let next = await group.next() {
                if let next {
                    result = next
                    break
                }
            }
            group.cancelAll()
            return result
        }
        switch seen {
        case .expired(let height):
            return ExecutionOutcome(
                outcome: .expired, signature: context.signature,
                error: "block height \(height) passed \(context.lastValidBlockHeight)")
        case .unknown(let why):
            return ExecutionOutcome(outcome: .unknown, signature: context.signature, error: why)
        case .status(let slot, let err):
            return await details(context, slot: slot, err: err)
        }
    }

    func reached(_ s: SignatureStatus) -> Bool {
        func rank(_ c: Commitment?) -> Int {
            switch c {
            case .processed?: 0
            case .confirmed?: 1
            case .finalized?: 2
            case nil: 0
            }
        }
        return s.confirmationStatus == nil || rank(s.confirmationStatus) >= rank(config.commitment)
    }

    func poll(_ context: OutcomeContext, bytes: [UInt8]?) async -> Seen? {
        let clock = ContinuousClock()
        let start = clock.now
        var lastSend = clock.now
        var lastExpiryCheck: ContinuousClock.Instant?
        while !Task.isCancelled {
            if let s = try? await client.getSignatureStatuses([context.signature]).value.first, let s, reached(s) {
                return .status(slot: s.slot, err: s.err)
            }
            if lastExpiryCheck.map({ clock.now - $0 >= config.expiryCheckInterval }) ?? true {
                lastExpiryCheck = clock.now
                if case .some(let seen) = await expiryCheck(context) { return seen }
            }
            if clock.now - start > config.maxConfirmationTime {
                return .unknown("neither executed nor provably expired after \(config.maxConfirmationTime)")
            }
            if let bytes, let every = config.rebroadcastInterval, clock.now - lastSend >= every {
                lastSend = clock.now
                _ = await client.sendTransactionToAll(bytes, options: SendOptions(skipPreflight: true))
            }
            do { try await clock.sleep(for: config.pollInterval) } catch { return nil }
        }
        return nil
    }

    /// Expiry with proof: a successful getBlockHeight (at the confirmation commitment) above lastValidBlockHeight,
    /// THEN a successful lookup with transaction history. The order matters: once the height is past, the
    /// transaction can no longer execute, so a history lookup made afterwards that does not know it proves it never
    /// will. A status found there counts only once it reaches the commitment. nil: no proof yet (or an RPC failed).
    func expiryCheck(_ context: OutcomeContext) async -> Seen? {
        guard let height = try? await client.getBlockHeight(commitment: config.commitment),
            height > context.lastValidBlockHeight
        else { return nil }
        let found: SignatureStatus?
        do {
            found =
                try await client.getSignatureStatuses([context.signature], searchTransactionHistory: true).value
                .first ?? nil
        } catch { return nil }
        guard let found else { return .expired(height: height) }
        return reached(found) ? .status(slot: found.slot, err: found.err) : nil
    }

    /// The outcome of an executed transaction, with fee and balance changes from getTransaction (retried a few
    /// times: a node may answer the status before it serves the transaction).
    func details(_ context: OutcomeContext, slot: UInt64, err: TransactionError?) async -> ExecutionOutcome {
        let cls = OutcomeClassifier.classify(err, programs: context.programs, guardProgram: context.guardProgram)
        var o = ExecutionOutcome(outcome: cls, signature: context.signature, slot: slot, error: err?.description)
        var meta: Meta?
        for attempt in 0..<5 {
            if let m = try? await fetchMeta(context.signature) {
                meta = m
                break
            }
            if attempt < 4 { try? await Task.sleep(for: config.pollInterval) }
        }
        guard let meta else {
            logger.warning(
                "getTransaction failed: landed profit unknown", metadata: ["signature": "\(context.signature)"])
            return o
        }
        o.apply(meta, context: context)
        return o
    }

    /// Reconciles a submission found pending (after a restart, or after a confirmation that ended without proof):
    /// its final outcome, or nil while it may still land or nothing could be proven (stays pending). Expiry needs
    /// the same proof as in `confirm`; a status counts only once it reaches the configured commitment.
    public func reconcile(_ context: OutcomeContext) async throws(ExecutionError) -> ExecutionOutcome? {
        let height: UInt64
        do { height = try await client.getBlockHeight(commitment: config.commitment) } catch {
            throw ExecutionError(.rpc, "getBlockHeight: \(error)")
        }
        let status: SignatureStatus?
        do {
            status =
                try await client.getSignatureStatuses([context.signature], searchTransactionHistory: true)
                .value.first ?? nil
        } catch {
            throw ExecutionError(.rpc, "getSignatureStatuses: \(error)")
        }
        if let status {
            return reached(status) ? await details(context, slot: status.slot, err: status.err) : nil
        }
        if height > context.lastValidBlockHeight {
            return ExecutionOutcome(
                outcome: .expired, signature: context.signature,
                error: "block height \(height) passed \(context.lastValidBlockHeight)")
        }
        return nil
    }

    /// The parts of getTransaction's `meta` the journal needs (ArbRPC's `TransactionInfo` has no token balances).
    public struct Meta: Sendable, Hashable {
        public var fee: UInt64?
        public var computeUnits: UInt64?
        /// The transaction's log messages (to attribute an error raised inside a CPI).
        public var logMessages: [String] = []
        public var payerLamportDelta: Int64?
        public struct TokenBalance: Sendable, Hashable {
            public var accountIndex: Int
            public var mint: String
            public var owner: String
            public var amount: UInt64
        }
        public var preTokenBalances: [TokenBalance]
        public var postTokenBalances: [TokenBalance]
        /// Lamports of every account of the transaction (static keys, then loaded), before and after.
        public var preBalances: [UInt64] = []
        public var postBalances: [UInt64] = []

        /// Σ post − pre lamports of the owner's token accounts other than the fee payer (index 0), over every
        /// account listed in the pre or post token balances (`mints` nil: any mint). An account created and
        /// closed inside the transaction is in neither list, and its net change is 0 anyway. nil when an index
        /// is outside the balance arrays.
        public func tokenAccountLamportDelta(owner: Address, mints: ((String) -> Bool)? = nil) -> Int64? {
            var indices = Set<Int>()
            for b in preTokenBalances + postTokenBalances where b.owner == owner.base58 && b.accountIndex != 0 {
                if let mints, !mints(b.mint) { continue }
                indices.insert(b.accountIndex)
            }
            var total: Int128 = 0
            for i in indices {
                guard i < preBalances.count, i < postBalances.count else { return nil }
                total += Int128(postBalances[i]) - Int128(preBalances[i])
            }
            return Int64(exactly: total)
        }

        /// post − pre summed over the owner's accounts of `mint` (an account missing on one side counts as 0).
        /// nil when none is listed, or when a sum overflows u64 (only a broken or hostile node reports that).
        public func tokenDelta(owner: Address, mint: Address) -> Int64? {
            func total(_ list: [TokenBalance]) -> (sum: UInt64?, any: Bool) {
                var t: UInt64 = 0
                var any = false
                for b in list where b.owner == owner.base58 && b.mint == mint.base58 {
                    let (s, o) = t.addingReportingOverflow(b.amount)
                    if o { return (nil, true) }
                    t = s
                    any = true
                }
                return (t, any)
            }
            let (pre, a) = total(preTokenBalances)
            let (post, b) = total(postTokenBalances)
            guard a || b, let pre, let post else { return nil }
            return Self.delta(pre: pre, post: post)
        }

        static func delta(pre: UInt64, post: UInt64) -> Int64? {
            if post >= pre { return post - pre <= UInt64(Int64.max) ? Int64(post - pre) : nil }
            return pre - post <= UInt64(Int64.max) ? -Int64(pre - post) : nil
        }
    }

    public func fetchMeta(_ signature: Signature) async throws(RPCError) -> Meta? {
        let r = try await client.call(
            "getTransaction",
            [
                .string(signature.description),
                .object([
                    "encoding": .string("base64"), "maxSupportedTransactionVersion": .uint(0),
                    "commitment": .string(
                        (config.commitment == .processed ? Commitment.confirmed : config.commitment).rawValue),
                ]),
            ])
        return Self.decodeMeta(r)
    }

    static func decodeMeta(_ r: JSONValue) -> Meta? {
        guard !r.isNull, let meta = r["meta"] else { return nil }
        func balances(_ v: JSONValue?) -> [Meta.TokenBalance] {
            (v?.array ?? []).compactMap { b in
                // An index beyond Int (only a hostile or broken node sends one) drops the entry, never traps.
                guard let i = b["accountIndex"]?.uint64.flatMap({ Int(exactly: $0) }), let mint = b["mint"]?.string,
                    let owner = b["owner"]?.string,
                    let amount = b["uiTokenAmount"]?["amount"]?.string.flatMap({ UInt64($0) })
                else { return nil }
                return Meta.TokenBalance(accountIndex: i, mint: mint, owner: owner, amount: amount)
            }
        }
        let pre = meta["preBalances"]?.array?.compactMap(\.uint64) ?? []
        let post = meta["postBalances"]?.array?.compactMap(\.uint64) ?? []
        let payerDelta: Int64? = pre.first.flatMap { p in post.first.flatMap { q in Meta.delta(pre: p, post: q) } }
        return Meta(
            fee: meta["fee"]?.uint64, computeUnits: meta["computeUnitsConsumed"]?.uint64,
            logMessages: meta["logMessages"]?.array?.compactMap(\.string) ?? [],
            payerLamportDelta: payerDelta, preTokenBalances: balances(meta["preTokenBalances"]),
            postTokenBalances: balances(meta["postTokenBalances"]), preBalances: pre, postBalances: post)
    }
}
