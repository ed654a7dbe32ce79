import ArbEngine
import ArbExecution
import ArbJournal
import ArbRPC
import ArbVenues
import Foundation
import Logging
import SolanaKeys
import SolanaPrimitives
import Synchronization

/// The production executor, built from `ArbExecution` and `ArbJournal`: for each decision the opportunity is
/// journaled, assembled into one guarded v0 transaction (`TransactionAssembler`: the last leg's minimum and the
/// guard program's balance check both require input + costs + minimum profit), cleared by the `RiskManager`
/// BEFORE signing, signed, and then
/// - `.send`: the intent (signature, signed bytes, expiry) is committed to the journal BEFORE the bytes leave
///   the process, then `Sender` fans them out, confirms (signatureSubscribe + status polling, expiry at
///   lastValidBlockHeight, never re-signed), classifies the outcome, and the outcome is journaled;
/// - `.simulate` (dry run): NOTHING IS SIGNED. The unsigned message (zeroed signature slots) is simulated with
///   `sigVerify: false, replaceRecentBlockhash: true`, and the opportunity and the decision are journaled
///   (reason `dry_run:simulated_ok`, `dry_run:simulated_fail:<class>` or `dry_run:rpc:<code>`).
public final class JournaledExecutor: Executor {
    public enum Mode: Sendable, Hashable {
        case send
        case simulate
    }

    public let mode: Mode
    let assembler: TransactionAssembler
    let sender: Sender
    let journal: Journal?
    let risk: Mutex<RiskManager>
    let killSwitch: KillSwitch
    let signer: Keypair
    let rpc: RPCClient
    let blockhashes: BlockhashCache
    let minProfit: [Address: UInt64]
    let logger: Logger
    /// Lookup tables holding pools' swap accounts (so 3–4-leg trades fit in 1,232 bytes), by pool.
    let lookupTables: [Address: AddressLookupTableAccount]
    /// Mints whose associated token account the wallet lacks (created idempotently by the trades, rent counted).
    let missingAccounts = Mutex<Set<Address>>([])
    /// The token program owning each mint (SPL Token or Token-2022), read once in `prepare`: every associated
    /// token account is derived with it (here, in the assembler, and when creating accounts).
    let tokenPrograms = Mutex<[Address: Address]>([:])
    /// Mints that are not token mints of a known program (or do not exist): no trade goes through them.
    let unsupportedMints = Mutex<Set<Address>>([])
    /// Sent transactions without a proven final outcome (a confirmation that ended `unknown`, or a submission a
    /// previous run left pending): their pools stay busy (no trade touches them) until `follow` proves what
    /// happened and journals it.
    let held = Mutex<[Signature: HeldSubmission]>([:])
    let follower = Mutex<Task<Void, Never>?>(nil)
    /// How often held submissions are reconciled.
    let followInterval: Duration
    /// Recent prioritization fees (micro-lamports per CU) over the pools traded so far, refreshed off the hot
    /// path every `followInterval` (send mode); the assembler pays their percentile, at least the configured
    /// price, capped by its share of the expected profit.
    let priorityFees = Mutex<(pools: Set<Address>, fees: [UInt64])>(([], []))
    let feeRefresher = Mutex<Task<Void, Never>?>(nil)
    /// Base mints with a trade in flight whose guard minimum is built on a balance read before sending (every base
    /// but wSOL in wrap mode): one trade per such base at a time, or a trade landing first would raise the balance
    /// the next one's guard was built on, weakening it by that much (review R1).
    let busyBases = Mutex<Set<Address>>([])

    struct HeldSubmission: Sendable {
        var context: OutcomeContext
        var pools: [Address]
        /// Its cost reserved in the risk manager (released when final).
        var reservedLamports: UInt64 = 0
        /// The base mint it keeps busy (a base whose balance the guard reads; see `busyBases`).
        var base: Address? = nil
    }

    public init(
        mode: Mode, assembler: TransactionAssembler, sender: Sender, journal: Journal?, risk: RiskManager,
        killSwitch: KillSwitch, signer: Keypair, rpc: RPCClient, blockhashes: BlockhashCache,
        minProfit: [Address: UInt64], lookupTables: [Address: AddressLookupTableAccount] = [:],
        followInterval: Duration = .seconds(2), logger: Logger
    ) {
        self.followInterval = followInterval
        self.lookupTables = lookupTables
        self.mode = mode
        self.assembler = assembler
        self.sender = sender
        self.journal = journal
        self.risk = Mutex(risk)
        self.killSwitch = killSwitch
        self.signer = signer
        self.rpc = rpc
        self.blockhashes = blockhashes
        self.minProfit = minProfit
        self.logger = logger
    }

    /// The executor `solarb run` uses: wSOL wrapped and unwrapped per trade, the journal at `journalPath` bound
    /// to the cluster `clusterGenesis` (a journal of another cluster is refused), default risk limits (per-trade
    /// cap = the configured capital), kill switch file `<runDirectory>/KILL`.
    public static func standard(
        mode: Mode, configuration c: RuntimeConfiguration, guardProgram: Address, journalPath: String,
        clusterGenesis: String, rpc: RPCClient, wsURL: String, signer: Keypair, blockhashes: BlockhashCache,
        lookupTables: [Address: AddressLookupTableAccount], logger: Logger
    ) throws(RuntimeError) -> JournaledExecutor {
        var assembly = AssemblyConfig(guardProgram: guardProgram)
        assembly.wrap = .wrapAndUnwrap
        // --cu-price is the floor the engine ranks with; the market's recent fees may raise it, the share of
        // profit caps it (ComputeBudgetPolicy.price). Within a block the cluster orders transactions by priority
        // fee, so a bot that bids 0 lands after every noise trade of the block, on pools they already moved.
        assembly.compute.minComputeUnitPriceMicroLamports = c.computeUnitPriceMicroLamports
        var senderConfig = SenderConfig(webSocketURL: wsURL)
        // signatureSubscribe is the fast path; the status poll is its fallback (every in-flight trade polls: keep
        // it off the RPC rate limit).
        senderConfig.pollInterval = .milliseconds(200)
        var risk = RiskConfig()
        risk.maxNotional = c.capital
        let journal: Journal
        let durability = JournalDurability(rawValue: c.journalSync) ?? .powerLoss
        do {
            journal = try Journal(path: journalPath, durability: durability)
            try journal.bindCluster(genesisHash: clusterGenesis)
        } catch {
            throw RuntimeError(.invalidConfiguration, "journal \(journalPath): \(error)")
        }
        return JournaledExecutor(
            mode: mode, assembler: TransactionAssembler(config: assembly),
            sender: Sender(client: rpc, config: senderConfig, logger: logger), journal: journal,
            risk: RiskManager(config: risk),
            killSwitch: KillSwitch(path: (c.runDirectory as NSString).appendingPathComponent("KILL")), signer: signer,
            rpc: rpc, blockhashes: blockhashes, minProfit: c.minProfit, lookupTables: lookupTables, logger: logger)
    }

    static var nowMilliseconds: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    func journalWrite(_ what: String, _ body: (Journal) throws(JournalError) -> Void) {
        guard let journal else { return }
        do { try body(journal) } catch {
            logger.error("journal write failed", metadata: ["what": "\(what)", "error": "\(error)"])
        }
    }

    /// Reconciles submissions a previous run left pending (crash or kill), then creates missing token accounts
    /// (send mode) so that no trade pays rent.
    public func prepare(mints: [Address]) async throws(RuntimeError) {
        if let journal {
            let pending: [PendingSubmission]
            do { pending = try journal.pendingSubmissions() } catch {
                throw RuntimeError(.discoveryFailed, "journal pending submissions: \(error)")
            }
            var recorded = 0
            for p in pending {
                let context: OutcomeContext
                do { context = try p.context() } catch {
                    throw RuntimeError(.discoveryFailed, "pending \(p.signature): \(error)")
                }
                // What cannot be proven now (still valid, or the RPC failed) is held: followed, pools busy.
                if let outcome = try? await sender.reconcile(context), outcome.outcome.isFinal {
                    journalWrite("reconciled outcome") { j throws(JournalError) in
                        try j.recordOutcome(outcome, atMilliseconds: Self.nowMilliseconds)
                    }
                    recorded += 1
                } else {
                    let readsBase = !(p.baseMint == EngineConfig.wrappedSol && assembler.config.wrap == .wrapAndUnwrap)
                    if readsBase { _ = busyBases.withLock { $0.insert(p.baseMint) } }
                    hold(context, pools: p.pools, base: readsBase ? p.baseMint : nil)
                }
            }
            if !pending.isEmpty {
                logger.info(
                    "reconciled pending submissions",
                    metadata: ["recorded": "\(recorded)", "still pending": "\(pending.count - recorded)"])
            }
            // The risk limits survive a restart: today's PnL, the failure streak and an open breaker are rebuilt
            // from the journaled outcomes (the last day's; `roll` keeps only the current UTC day's PnL).
            do {
                let events = try journal.riskEvents(sinceMilliseconds: Self.nowMilliseconds - 86_400_000)
                risk.withLock { r in
                    r.replay(events.map { ($0.outcome, $0.lamportDelta, $0.feeLamports, $0.atMilliseconds) })
                }
            } catch {
                throw RuntimeError(.discoveryFailed, "journal risk history: \(error)")
            }
        }
        // One token program per mint, read from the chain (a Token-2022 mint's accounts are derived with
        // Token-2022; deriving them with SPL Token would name accounts that do not exist).
        var unique: [Address] = []
        for m in mints + [EngineConfig.wrappedSol] where !unique.contains(m) { unique.append(m) }
        var programs: [Address: Address] = [:]
        var unsupported = Set<Address>()
        for chunk in stride(from: 0, to: unique.count, by: 100).map({ Array(unique[$0..<min($0 + 100, unique.count)]) })
        {
            let accounts: MultipleAccounts
            do { accounts = try await rpc.getMultipleAccounts(chunk) } catch {
                throw RuntimeError(.discoveryFailed, "mint accounts: \(error)")
            }
            for m in chunk {
                if let owner = accounts.accounts[m]?.owner, owner == ProgramIDs.token || owner == ProgramIDs.token2022 {
                    programs[m] = owner
                } else {
                    unsupported.insert(m)
                }
            }
        }
        if !unsupported.isEmpty {
            logger.warning(
                "mints without a token program: cycles through them are not traded",
                metadata: ["mints": "\(unsupported.map(\.base58).sorted())"])
        }
        // The wallet's accounts, wSOL included (a cycle through SOL needs one; in wrap mode trades create and
        // close it themselves, idempotently).
        let wanted = unique.filter { programs[$0] != nil }
        let atas = wanted.map {
            AssociatedTokenAccount.address(wallet: signer.address, mint: $0, tokenProgram: programs[$0]!)
        }
        var existing: [Address: Bool] = [:]
        for chunk in stride(from: 0, to: atas.count, by: 100).map({ Array(atas[$0..<min($0 + 100, atas.count)]) }) {
            let r: MultipleAccounts
            do { r = try await rpc.getMultipleAccounts(chunk) } catch {
                throw RuntimeError(.discoveryFailed, "token accounts: \(error)")
            }
            for a in chunk { existing[a] = r.accounts[a] != nil }
        }
        if assembler.config.wrap == .wrapAndUnwrap, let i = wanted.firstIndex(of: EngineConfig.wrappedSol),
            existing[atas[i]] == true
        {
            // Wrap mode creates, funds and closes the wallet's wSOL account in every wSOL trade: wSOL already held
            // there would be unwrapped by the first trade's CloseAccount, and it is not part of the guard's
            // minimum (review R1). Refuse to start rather than touch it.
            let held: UInt64
            do { held = try await rpc.getTokenAccountBalance(atas[i]).value.amount } catch {
                throw RuntimeError(.discoveryFailed, "wSOL account balance: \(error)")
            }
            if held > 0 {
                throw RuntimeError(
                    .invalidConfiguration,
                    "the wallet's wSOL account \(atas[i]) holds \(held) lamports of wSOL; trading wraps and unwraps SOL "
                        + "in that account — unwrap it first (spl-token unwrap) so the bot never touches it")
            }
        }
        var missing = Set(zip(wanted, atas).filter { existing[$0.1] != true }.map(\.0))
        let toCreate = missing.subtracting([EngineConfig.wrappedSol])
        if mode == .send, !toCreate.isEmpty {
            // SwapExecutor.prepare derives with the mint's owner program too (same derivation).
            let helper = SwapExecutor(mode: .send, rpc: rpc, signer: signer, blockhashes: blockhashes, logger: logger)
            try await helper.prepare(mints: Array(toCreate))
            missing.subtract(toCreate)
        }
        tokenPrograms.withLock { $0 = programs }
        unsupportedMints.withLock { $0 = unsupported }
        missingAccounts.withLock { $0 = missing }
    }

    public func execute(_ trade: TradeRequest) async -> TradeResult {
        var timeline = trade.timeline
        timeline.mark(.executorStart)
        let o = trade.opportunity
        let heldPools = held.withLock { h in Set(h.values.flatMap(\.pools)) }
        if o.legs.contains(where: { heldPools.contains($0.pool) }) {
            // A transaction on these pools may still execute: trading them again could execute twice.
            return TradeResult(
                id: trade.id, outcome: .buildFailed("pools_pending: an earlier submission is unresolved"))
        }
        let unsupported = unsupportedMints.withLock { $0 }
        if !unsupported.isEmpty,
            o.legs.contains(where: { unsupported.contains($0.mintIn) || unsupported.contains($0.mintOut) })
        {
            return TradeResult(id: trade.id, outcome: .buildFailed("unsupported_mint: no token program known"))
        }
        if tokenPrograms.withLock({ $0[o.baseMint] }) == ProgramIDs.token2022 {
            // The guard program reads SPL Token accounts only (docs/guard.md): a Token-2022 base is unguarded.
            return TradeResult(id: trade.id, outcome: .buildFailed("token2022_base: the guard cannot check it"))
        }
        let readsBaseBalance = !(o.baseMint == EngineConfig.wrappedSol && assembler.config.wrap == .wrapAndUnwrap)
        if readsBaseBalance {
            let acquired = busyBases.withLock { $0.insert(o.baseMint).inserted }
            guard acquired else {
                return TradeResult(id: trade.id, outcome: .buildFailed("base_busy: a trade on this base is in flight"))
            }
        }
        // Released when this call returns, unless the submission is held (released when it is proven).
        var keepBaseBusy = false
        defer { if readsBaseBalance && !keepBaseBusy { _ = busyBases.withLock { $0.remove(o.baseMint) } } }
        let now = Self.nowMilliseconds
        var opportunityId: Int64?
        guard let bh = blockhashes.latest else {
            journalWrite("decision") { j throws(JournalError) in
                let id = try j.recordOpportunity(o, atMilliseconds: now)
                try j.recordDecision(opportunityId: id, taken: false, reason: "no_blockhash", atMilliseconds: now)
            }
            return TradeResult(id: trade.id, outcome: .buildFailed("no recent blockhash"))
        }
        var venues: [Address: any Venue] = [:]
        for (leg, v) in zip(o.legs, trade.venues) { venues[leg.pool] = v }
        var input = AssemblyInput(
            opportunity: o, venues: venues, payer: signer.address, blockhash: bh.blockhash,
            lastValidBlockHeight: bh.lastValidBlockHeight, balances: [:])
        input.minProfit = minProfit[o.baseMint] ?? 1
        var tables: [AddressLookupTableAccount] = []
        for leg in o.legs {
            if let t = lookupTables[leg.pool], !tables.contains(where: { $0.key == t.key }) { tables.append(t) }
        }
        input.lookupTables = tables
        input.recentPriorityFees = priorityFees.withLock { state in
            state.pools.formUnion(o.legs.map(\.pool))
            return state.fees
        }
        if mode == .send { startFeeRefresher() }
        var missing = missingAccounts.withLock { $0 }
        let programs = tokenPrograms.withLock { $0 }
        input.tokenPrograms = programs
        if assembler.config.wrap == .wrapAndUnwrap {
            // A wSOL-base trade closes the wSOL account at its end, so any trade through SOL (re)creates it
            // idempotently (rent counted as a cost: conservative when it already exists).
            missing.insert(EngineConfig.wrappedSol)
        }
        if o.baseMint == EngineConfig.wrappedSol && assembler.config.wrap == .wrapAndUnwrap {
            // The wSOL account is created, funded, and closed inside each trade.
            input.balances[o.baseMint] = 0
        } else {
            let ata = AssociatedTokenAccount.address(
                wallet: signer.address, mint: o.baseMint, tokenProgram: programs[o.baseMint] ?? ProgramIDs.token)
            input.balances[o.baseMint] = (try? await rpc.getTokenAccountBalance(ata))?.value.amount ?? 0
        }
        input.missingTokenAccounts = missing
        let assembled: AssembledTransaction
        var signed: SignedArbTransaction?
        do {
            assembled = try assembler.assemble(input)
            timeline.mark(.assembled)
            let clearance = try risk.withLock { r throws(ExecutionError) in
                try r.clear(
                    baseMint: o.baseMint, notional: o.amountIn, nowMilliseconds: now,
                    killSwitchEngaged: killSwitch.isEngaged)
            }
            timeline.mark(.riskCleared)
            // A dry run never signs: signed bytes with a live blockhash are a transaction anyone who sees them
            // (the RPC provider, a proxy) could send. It simulates the unsigned message instead.
            if mode == .send { signed = try assembler.sign(assembled, clearance: clearance, payer: signer) }
        } catch {
            journalWrite("decision") { j throws(JournalError) in
                let id = try j.recordOpportunity(o, atMilliseconds: now)
                try j.recordDecision(opportunityId: id, taken: false, reason: "\(error.code)", atMilliseconds: now)
            }
            return TradeResult(id: trade.id, outcome: .buildFailed("\(error)"), timeline: timeline)
        }
        // (For a dry run: when the unsigned message was ready.)
        let signedAt = ContinuousClock.now
        timeline.mark(.signed, at: signedAt)
        switch mode {
        case .simulate:
            journalWrite("opportunity") { j throws(JournalError) in
                opportunityId = try j.recordOpportunity(o, atMilliseconds: now)
            }
            let outcome = await Self.dryRun(assembled, rpc: rpc)
            journalWrite("decision") { j throws(JournalError) in
                try j.recordDecision(
                    opportunityId: opportunityId, taken: false, reason: outcome.journalReason,
                    atMilliseconds: Self.nowMilliseconds)
            }
            return TradeResult(
                id: trade.id, signature: nil, outcome: outcome.outcome, signedAt: signedAt, timeline: timeline)
        case .send:
            guard let signed else {
                return TradeResult(id: trade.id, outcome: .buildFailed("not signed"), timeline: timeline)
            }
            // Only a journaled transaction is sent (the intent must be on disk before the bytes leave).
            guard journal != nil else {
                logger.error("no journal: refusing to send")
                return TradeResult(
                    id: trade.id, outcome: .buildFailed("no journal: an unjournaled trade is never sent"),
                    timeline: timeline)
            }
            // In flight, the trade's worst-case cost counts against the daily loss limit.
            let reserved = signed.assembled.costLamports
            risk.withLock { $0.reserve(reserved) }
            // The intent is committed before the bytes leave the process: a crash loses nothing. The opportunity,
            // the decision and the intent are one commit (see `Journal.recordSubmission`).
            if let journal {
                do {
                    try journal.recordSubmission(
                        opportunity: o,
                        intent: SubmissionIntent(
                            opportunityId: nil, transaction: signed, slot: o.slot, atMilliseconds: now),
                        atMilliseconds: now)
                } catch where error.code == .duplicateSignature {
                    // The identical transaction (same opportunity, same blockhash) was decided again, e.g. when a
                    // pool is re-evaluated before the feed shows the first trade's effect: it is in flight or done
                    // already; sending it again could only be refused as already processed.
                    risk.withLock { $0.release(reserved) }
                    return TradeResult(
                        id: trade.id, signature: signed.signature, outcome: .duplicate, signedAt: signedAt,
                        timeline: timeline)
                } catch {
                    logger.error("journal intent failed: not sending", metadata: ["error": "\(error)"])
                    risk.withLock { $0.release(reserved) }
                    return TradeResult(
                        id: trade.id, signature: signed.signature, outcome: .rejected("journal: \(error.code)"),
                        signedAt: signedAt, timeline: timeline)
                }
            }
            timeline.mark(.journaled)
            let context = OutcomeContext(signed)
            timeline.mark(.sendIssued)
            let refused = await sender.submit(signed, context: context)
            timeline.mark(.sendAnswered)
            let e: ExecutionOutcome
            if let refused { e = refused } else { e = await sender.confirm(signed, context: context) }
            if e.outcome.isFinal {
                finalize(e, reserved: reserved)
            } else {
                // No proof either way: nothing journaled (the intent stays pending), the pools stay busy.
                logger.warning(
                    "outcome unknown: holding the pools until it is proven",
                    metadata: ["signature": "\(signed.signature)", "why": "\(e.error ?? "-")"])
                keepBaseBusy = readsBaseBalance
                hold(
                    context, pools: o.legs.map(\.pool), reserved: reserved, base: readsBaseBalance ? o.baseMint : nil)
            }
            return TradeResult(
                id: trade.id, signature: signed.signature,
                outcome: Self.map(e, baseIsSOL: o.baseMint == EngineConfig.wrappedSol),
                signedAt: signedAt, feeLamports: e.feeLamports, timeline: timeline)
        }
    }

    /// How a dry run asks the node to simulate: the UNSIGNED message (zeroed signature slots), no signature
    /// check, the node's own recent blockhash. Nothing the node receives can be sent as a transaction.
    static let dryRunOptions = SimulateOptions(sigVerify: false, replaceRecentBlockhash: true)

    /// The bytes a dry run hands to `simulateTransaction`: the message with zeroed signature slots.
    static func dryRunBytes(_ assembled: AssembledTransaction) -> [UInt8] {
        VersionedTransaction(unsigned: assembled.message).serialize()
    }

    /// A dry run's verdict and the reason journaled with its decision: `dry_run:simulated_ok`,
    /// `dry_run:simulated_fail:<outcome class>` (e.g. `reverted_guard`) or `dry_run:rpc:<error code>`.
    struct DryRun: Sendable {
        var outcome: TradeOutcome
        var journalReason: String
    }

    static func dryRun(_ assembled: AssembledTransaction, rpc: RPCClient) async -> DryRun {
        do {
            let r = try await rpc.simulateTransaction(dryRunBytes(assembled), options: dryRunOptions)
            guard let err = r.value.err else {
                let units = r.value.unitsConsumed.map { "\($0) CU" } ?? "ok"
                return DryRun(outcome: .simulated(ok: true, detail: units), journalReason: "dry_run:simulated_ok")
            }
            let cls = OutcomeClassifier.classify(
                err, programs: assembled.instructions.map(\.programId), guardProgram: assembled.guardProgram)
            return DryRun(
                outcome: .simulated(ok: false, detail: "\(cls.rawValue): \(err)"),
                journalReason: "dry_run:simulated_fail:\(cls.rawValue)")
        } catch {
            return DryRun(outcome: .rejected("\(error.code)"), journalReason: "dry_run:rpc:\(error.code)")
        }
    }

    /// Journals a final outcome and counts it in the risk limits.
    func finalize(_ e: ExecutionOutcome, reserved: UInt64 = 0) {
        precondition(e.outcome.isFinal)
        journalWrite("outcome") { j throws(JournalError) in
            try j.recordOutcome(e, atMilliseconds: Self.nowMilliseconds)
        }
        risk.withLock {
            $0.release(reserved)
            $0.record(
                outcome: e.outcome, lamportDelta: e.lamportDelta, feeLamports: e.feeLamports,
                nowMilliseconds: Self.nowMilliseconds)
        }
    }

    /// Keeps a submission's pools busy and follows it until its outcome is proven.
    func hold(_ context: OutcomeContext, pools: [Address], reserved: UInt64 = 0, base: Address? = nil) {
        held.withLock {
            $0[context.signature] = HeldSubmission(
                context: context, pools: pools, reservedLamports: reserved, base: base)
        }
        follower.withLock { task in
            guard task == nil else { return }
            task = Task { [weak self] in await self?.follow() }
        }
    }

    /// The submissions held without a final outcome (tests, status).
    public var unresolvedSignatures: Set<Signature> { held.withLock { Set($0.keys) } }

    /// Reconciles held submissions every `followInterval` until none is left (or `finish` cancels: they stay
    /// pending in the journal and the next start reconciles them).
    func follow() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: followInterval) } catch { break }
            let snapshot = held.withLock { $0 }
            for (signature, h) in snapshot {
                guard let outcome = try? await sender.reconcile(h.context), outcome.outcome.isFinal else { continue }
                finalize(outcome, reserved: h.reservedLamports)
                if let base = h.base { _ = busyBases.withLock { $0.remove(base) } }
                held.withLock { _ = $0.removeValue(forKey: signature) }
                logger.info(
                    "unresolved submission proven",
                    metadata: ["signature": "\(signature)", "outcome": "\(outcome.outcome)"])
            }
            let done = held.withLock { h in
                if h.isEmpty { follower.withLock { $0 = nil } }
                return h.isEmpty
            }
            if done { return }
        }
    }

    public func finish() async {
        let task = follower.withLock { $0 }
        task?.cancel()
        await task?.value
        let fees = feeRefresher.withLock { t in
            defer { t = nil }
            return t
        }
        fees?.cancel()
        await fees?.value
    }

    func startFeeRefresher() {
        feeRefresher.withLock { task in
            guard task == nil else { return }
            task = Task { [weak self] in await self?.refreshPriorityFees() }
        }
    }

    /// Keeps `priorityFees` current for the pools traded so far (a failed fetch keeps the last samples).
    func refreshPriorityFees() async {
        while !Task.isCancelled {
            let pools = priorityFees.withLock { $0.pools }
            if !pools.isEmpty,
                let fees = try? await PriorityFees.fetch(rpc, writableAccounts: pools.sorted { $0.base58 < $1.base58 })
            {
                priorityFees.withLock { $0.fees = fees }
            }
            do { try await Task.sleep(for: followInterval) } catch { return }
        }
    }

    static func map(_ e: ExecutionOutcome, baseIsSOL: Bool) -> TradeOutcome {
        let detail = e.error ?? e.outcome.rawValue
        switch e.outcome {
        case .landed: return .landed(actualProfitLamports: baseIsSOL ? e.lamportDelta : nil)
        case .revertedByGuard: return .revertedByGuard(detail)
        case .revertedBySlippage: return .revertedBySlippage(detail)
        case .expired: return .expired
        case .rejected: return .rejected(detail)
        case .insufficientFunds, .computeExceeded, .other: return .failed("\(e.outcome.rawValue): \(detail)")
        case .unknown: return .unknown(detail)
        }
    }
}
