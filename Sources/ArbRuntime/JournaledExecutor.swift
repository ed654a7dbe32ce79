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
/// - `.simulate`: the transaction is simulated and the decision journaled as what it would have done.
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

    public init(
        mode: Mode, assembler: TransactionAssembler, sender: Sender, journal: Journal?, risk: RiskManager,
        killSwitch: KillSwitch, signer: Keypair, rpc: RPCClient, blockhashes: BlockhashCache,
        minProfit: [Address: UInt64], lookupTables: [Address: AddressLookupTableAccount] = [:], logger: Logger
    ) {
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

    /// The executor `solarb run` uses: wSOL wrapped and unwrapped per trade, the journal at `journalPath`,
    /// default risk limits (per-trade cap = the configured capital), kill switch file `<runDirectory>/KILL`.
    public static func standard(
        mode: Mode, configuration c: RuntimeConfiguration, guardProgram: Address, journalPath: String,
        rpc: RPCClient, wsURL: String, signer: Keypair, blockhashes: BlockhashCache,
        lookupTables: [Address: AddressLookupTableAccount], logger: Logger
    ) throws(RuntimeError) -> JournaledExecutor {
        var assembly = AssemblyConfig(guardProgram: guardProgram)
        assembly.wrap = .wrapAndUnwrap
        // The configured compute-unit price is the bid (a floor over recent fees), still capped at the policy's
        // share of the expected profit: within a block the cluster orders transactions by priority fee, so a bot
        // that bids 0 lands after every noise trade of the block and trades on a pool they already moved.
        assembly.compute.minComputeUnitPriceMicroLamports = c.computeUnitPriceMicroLamports
        var senderConfig = SenderConfig(webSocketURL: wsURL)
        senderConfig.pollInterval = .milliseconds(50)
        var risk = RiskConfig()
        risk.maxNotional = c.capital
        let journal: Journal
        let durability = JournalDurability(rawValue: c.journalSync) ?? .powerLoss
        do { journal = try Journal(path: journalPath, durability: durability) } catch {
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
            do {
                let recorded = try await journal.reconcilePending(sender: sender) { Self.nowMilliseconds }
                if !recorded.isEmpty {
                    logger.info("reconciled pending submissions", metadata: ["count": "\(recorded.count)"])
                }
            } catch {
                throw RuntimeError(.discoveryFailed, "journal reconciliation: \(error)")
            }
        }
        let wanted = mints.filter { $0 != EngineConfig.wrappedSol }
        guard !wanted.isEmpty else { return }
        let atas = wanted.map {
            AssociatedTokenAccount.address(wallet: signer.address, mint: $0, tokenProgram: ProgramIDs.token)
        }
        let existing: MultipleAccounts
        do { existing = try await rpc.getMultipleAccounts(atas) } catch {
            throw RuntimeError(.discoveryFailed, "token accounts: \(error)")
        }
        var missing = Set(zip(wanted, atas).filter { existing.accounts[$0.1] == nil }.map(\.0))
        if mode == .send, !missing.isEmpty {
            let helper = SwapExecutor(mode: .send, rpc: rpc, signer: signer, blockhashes: blockhashes, logger: logger)
            try await helper.prepare(mints: Array(missing))
            missing = []
        }
        missingAccounts.withLock { $0 = missing }
    }

    public func execute(_ trade: TradeRequest) async -> TradeResult {
        var timeline = trade.timeline
        timeline.mark(.executorStart)
        let o = trade.opportunity
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
        var missing = missingAccounts.withLock { $0 }
        if o.baseMint == EngineConfig.wrappedSol && assembler.config.wrap == .wrapAndUnwrap {
            // The wSOL account is created, funded, and closed inside each trade.
            input.balances[o.baseMint] = 0
            missing.insert(EngineConfig.wrappedSol)
        } else {
            let ata = AssociatedTokenAccount.address(
                wallet: signer.address, mint: o.baseMint, tokenProgram: ProgramIDs.token)
            input.balances[o.baseMint] = (try? await rpc.getTokenAccountBalance(ata))?.value.amount ?? 0
        }
        input.missingTokenAccounts = missing
        let signed: SignedArbTransaction
        do {
            let assembled = try assembler.assemble(input)
            timeline.mark(.assembled)
            let clearance = try risk.withLock { r throws(ExecutionError) in
                try r.clear(
                    baseMint: o.baseMint, notional: o.amountIn, nowMilliseconds: now,
                    killSwitchEngaged: killSwitch.isEngaged)
            }
            timeline.mark(.riskCleared)
            signed = try assembler.sign(assembled, clearance: clearance, payer: signer)
        } catch {
            journalWrite("decision") { j throws(JournalError) in
                let id = try j.recordOpportunity(o, atMilliseconds: now)
                try j.recordDecision(opportunityId: id, taken: false, reason: "\(error.code)", atMilliseconds: now)
            }
            return TradeResult(id: trade.id, outcome: .buildFailed("\(error)"), timeline: timeline)
        }
        let signedAt = ContinuousClock.now
        timeline.mark(.signed, at: signedAt)
        switch mode {
        case .simulate:
            journalWrite("opportunity") { j throws(JournalError) in
                opportunityId = try j.recordOpportunity(o, atMilliseconds: now)
            }
            let outcome: TradeOutcome
            do {
                let r = try await rpc.simulateTransaction(signed.bytes, options: .init(sigVerify: true))
                let cls = OutcomeClassifier.classify(
                    r.value.err, programs: signed.assembled.instructions.map(\.programId),
                    guardProgram: signed.assembled.guardProgram)
                outcome = .simulated(ok: r.value.err == nil, detail: r.value.err == nil ? "ok" : cls.rawValue)
            } catch {
                outcome = .rejected("\(error.code)")
            }
            journalWrite("decision") { j throws(JournalError) in
                try j.recordDecision(
                    opportunityId: opportunityId, taken: false, reason: "dry_run:\(outcome.label)",
                    atMilliseconds: Self.nowMilliseconds)
            }
            return TradeResult(
                id: trade.id, signature: signed.signature, outcome: outcome, signedAt: signedAt, timeline: timeline)
        case .send:
            // The intent is committed before the bytes leave the process: a crash loses nothing. The opportunity,
            // the decision and the intent are one commit (see `Journal.recordSubmission`).
            if let journal {
                do {
                    try journal.recordSubmission(
                        opportunity: o,
                        intent: SubmissionIntent(
                            opportunityId: nil, transaction: signed, slot: o.slot, atMilliseconds: now),
                        atMilliseconds: now)
                } catch {
                    logger.error("journal intent failed: not sending", metadata: ["error": "\(error)"])
                    return TradeResult(
                        id: trade.id, signature: signed.signature, outcome: .rejected("journal: \(error.code)"),
                        signedAt: signedAt, timeline: timeline)
                }
            }
            timeline.mark(.journaled)
            let context = OutcomeContext(signed)
            timeline.mark(.sendIssued)
            let refused = await sender.submit(signed.bytes, context: context)
            timeline.mark(.sendAnswered)
            let e: ExecutionOutcome
            if let refused { e = refused } else { e = await sender.confirm(context, bytes: signed.bytes) }
            journalWrite("outcome") { j throws(JournalError) in
                try j.recordOutcome(e, atMilliseconds: Self.nowMilliseconds)
            }
            let pnl = e.lamportDelta ?? -Int64(clamping: e.feeLamports ?? 0)
            if e.outcome.executed {
                // The circuit breaker is for systematic failures (insufficient funds, compute exceeded, program
                // errors). A trade reverted by its guard or a leg's minimum is the designed outcome of a stale or
                // contested trade: it costs only its fee, which counts toward the daily loss limit — counting it
                // as a failure halted `solarb run` for 60 s after 5 reverts in a row.
                let designedRevert = e.outcome == .revertedByGuard || e.outcome == .revertedBySlippage
                risk.withLock {
                    $0.record(
                        success: e.outcome == .landed || designedRevert, pnlLamports: pnl,
                        nowMilliseconds: Self.nowMilliseconds)
                }
            }
            return TradeResult(
                id: trade.id, signature: signed.signature,
                outcome: Self.map(e, baseIsSOL: o.baseMint == EngineConfig.wrappedSol),
                signedAt: signedAt, feeLamports: e.feeLamports, timeline: timeline)
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
        }
    }
}
