import ArbEngine
import ArbExecution
import ArbRPC
import ArbVenues
import Logging
import SolanaKeys
import SolanaPrimitives
import Synchronization

/// The journal-less fallback executor, used for dry runs on a real cluster without `--guard-program` (and by
/// `JournaledExecutor.prepare` to create token accounts). Its transaction is built by `ArbExecution`'s
/// `TransactionAssembler.assembleMinOutGuarded`: the same legs, compute budget, wSOL wrap/unwrap, costs and
/// last-leg minimum (max(engine's minimum, input + minimum profit + costs): the profit guard) as the guarded
/// production transaction, without the guard program's instruction.
///
/// It NEVER SIGNS OR SENDS A TRADE: `.simulate` simulates the unsigned message (zeroed signature slots,
/// `sigVerify: false, replaceRecentBlockhash: true`), so nothing a node sees could be sent; `.send` refuses every
/// trade (no guard program, no risk manager, no journal) and exists for `prepare` (creating token accounts).
/// `JournaledExecutor` is the production executor.
public final class SwapExecutor: Executor {
    public enum Mode: Sendable, Hashable {
        case send
        case simulate
    }

    public let mode: Mode
    let rpc: RPCClient
    let signer: Keypair
    let blockhashes: BlockhashCache
    let logger: Logger
    let pollInterval: Duration
    let assembler: TransactionAssembler
    /// The compute-unit price offered (micro-lamports), before the assembler's profit-share cap.
    let computeUnitPrice: UInt64
    /// Minimum net profit per base mint (base units); 1 when absent.
    let minProfit: [Address: UInt64]
    /// Mints whose associated token account the wallet lacks (`prepare`; created idempotently by the trades,
    /// rent counted as a cost), and the token program of each prepared mint.
    let missingAccounts = Mutex<Set<Address>>([])
    let tokenPrograms = Mutex<[Address: Address]>([:])

    public init(
        mode: Mode, rpc: RPCClient, signer: Keypair, blockhashes: BlockhashCache, computeUnitPrice: UInt64 = 0,
        minProfit: [Address: UInt64] = [:], pollInterval: Duration = .milliseconds(20), logger: Logger
    ) {
        self.mode = mode
        self.rpc = rpc
        self.signer = signer
        self.blockhashes = blockhashes
        self.computeUnitPrice = computeUnitPrice
        self.minProfit = minProfit
        self.pollInterval = pollInterval
        self.logger = logger
        // No guard program: `assembleMinOutGuarded` ignores it. wSOL is wrapped and unwrapped per trade.
        var config = AssemblyConfig(guardProgram: nil)
        config.wrap = .wrapAndUnwrap
        self.assembler = TransactionAssembler(config: config)
    }

    /// A signed token-account creation (`prepare`), followed to its outcome.
    struct Built {
        var bytes: [UInt8]
        var signature: Signature
        var lastValidBlockHeight: UInt64
        var guardIndices: Range<Int> = 0..<0
        var swapIndices: Range<Int> = 0..<0
    }

    /// A trade's transaction, UNSIGNED (zeroed signature slots): what a dry run simulates.
    struct Draft {
        var unsignedBytes: [UInt8]
        /// Instruction indices of the last leg's swap (the guarded one), and of every swap.
        var guardIndices: Range<Int>
        var swapIndices: Range<Int>
    }

    /// Builds the unsigned transaction for a request (pure apart from the blockhash read). `baseBalance`: the
    /// wallet's balance of the base token (ignored for a wSOL base, which is wrapped per trade).
    func build(_ trade: TradeRequest, baseBalance: UInt64 = 0) throws(RuntimeError) -> Draft {
        let o = trade.opportunity
        guard trade.venues.count == o.legs.count, !o.legs.isEmpty else {
            throw RuntimeError(.buildFailed, "\(trade.venues.count) venues for \(o.legs.count) legs")
        }
        // The engine sets the last leg's minimum to input + costs + minimum profit. One at or below the input
        // means the opportunity was built without a profit guard: refuse it rather than trust the costs alone.
        guard o.minOutLastLeg > o.amountIn else {
            throw RuntimeError(
                .buildFailed, "no profit guard: last leg min-out \(o.minOutLastLeg) ≤ input \(o.amountIn)")
        }
        guard let bh = blockhashes.latest else { throw RuntimeError(.noBlockhash, "no recent blockhash yet") }
        var venues: [Address: any Venue] = [:]
        for (leg, v) in zip(o.legs, trade.venues) { venues[leg.pool] = v }
        let wrapsSOL = o.baseMint == EngineConfig.wrappedSol
        var input = AssemblyInput(
            opportunity: o, venues: venues, payer: signer.address, blockhash: bh.blockhash,
            lastValidBlockHeight: bh.lastValidBlockHeight, balances: [o.baseMint: wrapsSOL ? 0 : baseBalance])
        input.minProfit = minProfit[o.baseMint] ?? 1
        input.recentPriorityFees = [computeUnitPrice]
        var missing = missingAccounts.withLock { $0 }
        // The wSOL account is created, funded, and closed inside each trade.
        if wrapsSOL { missing.insert(EngineConfig.wrappedSol) }
        input.missingTokenAccounts = missing
        input.tokenPrograms = tokenPrograms.withLock { $0 }
        let tx: MinOutGuardedTransaction
        do { tx = try assembler.assembleMinOutGuarded(input) } catch {
            throw RuntimeError(.buildFailed, "\(error)")
        }
        return Draft(
            unsignedBytes: VersionedTransaction(unsigned: tx.message).serialize(),
            guardIndices: tx.lastLegInstructionIndices, swapIndices: tx.legInstructionIndices)
    }

    public func execute(_ trade: TradeRequest) async -> TradeResult {
        guard mode == .simulate else {
            return TradeResult(
                id: trade.id,
                outcome: .buildFailed(
                    "SwapExecutor never sends a trade (no guard program, risk manager or journal): use JournaledExecutor"
                ))
        }
        var baseBalance: UInt64 = 0
        if trade.opportunity.baseMint != EngineConfig.wrappedSol {
            let program = tokenPrograms.withLock { $0[trade.opportunity.baseMint] } ?? ProgramIDs.token
            let ata = AssociatedTokenAccount.address(
                wallet: signer.address, mint: trade.opportunity.baseMint, tokenProgram: program)
            baseBalance = (try? await rpc.getTokenAccountBalance(ata))?.value.amount ?? 0
        }
        let draft: Draft
        do { draft = try build(trade, baseBalance: baseBalance) } catch {
            return TradeResult(id: trade.id, outcome: .buildFailed("\(error)"))
        }
        let signedAt = ContinuousClock.now
        do {
            let r = try await rpc.simulateTransaction(draft.unsignedBytes, options: JournaledExecutor.dryRunOptions)
            if let err = r.value.err {
                let detail = Self.classify(err, guardIndices: draft.guardIndices, swapIndices: draft.swapIndices)
                return TradeResult(
                    id: trade.id, outcome: .simulated(ok: false, detail: detail.detail), signedAt: signedAt)
            }
            return TradeResult(
                id: trade.id, outcome: .simulated(ok: true, detail: "\(r.value.unitsConsumed ?? 0) CU"),
                signedAt: signedAt)
        } catch {
            return TradeResult(id: trade.id, outcome: .rejected("\(error.code)"), signedAt: signedAt)
        }
    }

    /// Finds the wallet's missing associated token accounts for `mints` (except wSOL, wrapped per trade). `.send`:
    /// creates them, six per transaction, and waits for them to land. `.simulate` changes nothing: the trades
    /// create them idempotently and count their rent as a cost.
    public func prepare(mints: [Address]) async throws(RuntimeError) {
        let wanted = Array(Set(mints).subtracting([EngineConfig.wrappedSol])).sorted {
            $0.bytes.lexicographicallyPrecedes($1.bytes)
        }
        guard !wanted.isEmpty else { return }
        let mintAccounts: MultipleAccounts
        do { mintAccounts = try await rpc.getMultipleAccounts(wanted) } catch {
            throw RuntimeError(.discoveryFailed, "mints: \(error)")
        }
        var atas: [(mint: Address, program: Address, ata: Address)] = []
        for m in wanted {
            let program = mintAccounts.accounts[m]?.owner ?? ProgramIDs.token
            atas.append(
                (m, program, AssociatedTokenAccount.address(wallet: signer.address, mint: m, tokenProgram: program)))
        }
        let existing: MultipleAccounts
        do { existing = try await rpc.getMultipleAccounts(atas.map(\.ata)) } catch {
            throw RuntimeError(.discoveryFailed, "token accounts: \(error)")
        }
        let missing = atas.filter { existing.accounts[$0.ata] == nil }
        tokenPrograms.withLock { programs in
            for a in atas where a.program != ProgramIDs.token { programs[a.mint] = a.program }
        }
        guard mode == .send else {
            missingAccounts.withLock { $0 = Set(missing.map(\.mint)) }
            return
        }
        var pending: [Built] = []
        for chunk in stride(from: 0, to: missing.count, by: 6).map({ Array(missing[$0..<min($0 + 6, missing.count)]) })
        {
            guard let bh = blockhashes.latest else { throw RuntimeError(.noBlockhash, "no recent blockhash yet") }
            let ixs = chunk.map {
                AssociatedTokenProgram.createIdempotent(
                    payer: signer.address, wallet: signer.address, mint: $0.mint, tokenProgram: $0.program)
            }
            var compiler = MessageCompiler()
            do {
                let bytes = try compiler.signedTransaction(
                    instructions: ixs, payer: signer, recentBlockhash: bh.blockhash)
                let sig = try Signature(bytes: Array(bytes[1..<65]))
                _ = try await rpc.sendTransaction(bytes, options: .init(skipPreflight: false))
                pending.append(
                    Built(bytes: bytes, signature: sig, lastValidBlockHeight: bh.lastValidBlockHeight))
            } catch {
                throw RuntimeError(.buildFailed, "token account creation: \(error)")
            }
        }
        for b in pending {
            let (outcome, _) = await confirm(b, baseIsSOL: false)
            guard case .landed = outcome else {
                throw RuntimeError(.buildFailed, "token account creation \(b.signature): \(outcome.label)")
            }
        }
        missingAccounts.withLock { $0 = [] }
        logger.info("token accounts created", metadata: ["count": "\(missing.count)"])
    }

    /// Polls the signature until it is in a block or its blockhash has expired.
    func confirm(_ built: Built, baseIsSOL: Bool) async -> (TradeOutcome, UInt64?) {
        var polls = 0
        while true {
            if Task.isCancelled { return (.rejected("cancelled while confirming"), nil) }
            do {
                let r = try await rpc.getSignatureStatuses([built.signature])
                if let status = r.value.first ?? nil {
                    var info: TransactionInfo?
                    for _ in 0..<5 {
                        info = try? await rpc.getTransaction(built.signature, commitment: .confirmed)
                        if info != nil { break }
                        try? await Task.sleep(for: pollInterval)
                    }
                    let fee = info?.fee
                    if let err = status.err {
                        return (
                            Self.classify(err, guardIndices: built.guardIndices, swapIndices: built.swapIndices)
                                .outcome, fee
                        )
                    }
                    var profit: Int64?
                    if baseIsSOL, let info, let pre = info.preBalances.first, let post = info.postBalances.first {
                        profit = Int64(clamping: Int128(post) - Int128(pre))
                    }
                    return (.landed(actualProfitLamports: profit), fee)
                }
                polls += 1
                if polls % 10 == 0 {
                    let height = try await rpc.getBlockHeight()
                    if height > built.lastValidBlockHeight { return (.expired, nil) }
                }
            } catch {
                logger.debug("confirmation poll failed", metadata: ["error": "\(error.code)"])
            }
            do { try await Task.sleep(for: pollInterval) } catch {
                return (.rejected("cancelled while confirming"), nil)
            }
        }
    }

    /// Maps a transaction error to an outcome: a failing swap instruction is a revert (the guard when it is the
    /// last leg's), anything else a failure.
    static func classify(_ err: TransactionError, guardIndices: Range<Int>, swapIndices: Range<Int>) -> (
        outcome: TradeOutcome, detail: String
    ) {
        let detail = "\(err)"
        if case .instructionError(let index, let e) = err, swapIndices.contains(index) {
            if case .custom = e {
                return guardIndices.contains(index)
                    ? (.revertedByGuard(detail), "guard: " + detail)
                    : (
                        .revertedBySlippage(detail), "slippage: " + detail
                    )
            }
        }
        return (.failed(detail), detail)
    }
}
