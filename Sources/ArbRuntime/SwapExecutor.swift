import ArbEngine
import ArbRPC
import ArbVenues
import Logging
import SolanaKeys
import SolanaPrimitives

/// The runtime's built-in executor: one v0 transaction per opportunity (compute budget, idempotent ATAs, wSOL
/// wrap/unwrap, the legs chained), every intermediate leg guarded at its expected output and the last leg at the
/// opportunity's `minOutLastLeg` (≥ input + costs + minimum profit: the profit guard), signed once.
///
/// `.send`: the same bytes go to every RPC endpoint (no preflight), then the signature is polled until it lands
/// or its blockhash expires (never re-signed). `.simulate`: the transaction is only simulated and reported.
/// No journal, no lookup tables, no risk manager: `ArbExecution` (when merged) replaces it behind `Executor`.
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
    /// Extra compute units on top of the engine's estimate (ATA creation, wSOL wrapping).
    let computeHeadroom: UInt32
    let computeUnitPrice: UInt64

    public init(
        mode: Mode, rpc: RPCClient, signer: Keypair, blockhashes: BlockhashCache, computeUnitPrice: UInt64 = 0,
        computeHeadroom: UInt32 = 60_000, pollInterval: Duration = .milliseconds(20), logger: Logger
    ) {
        self.mode = mode
        self.rpc = rpc
        self.signer = signer
        self.blockhashes = blockhashes
        self.computeUnitPrice = computeUnitPrice
        self.computeHeadroom = computeHeadroom
        self.pollInterval = pollInterval
        self.logger = logger
    }

    struct Built {
        var bytes: [UInt8]
        var signature: Signature
        var lastValidBlockHeight: UInt64
        /// Instruction index of the last leg's swap (the guarded one), and of every swap.
        var guardIndex: Int
        var swapIndices: Set<Int>
    }

    /// Builds and signs the transaction for a request (pure apart from the blockhash read).
    func build(_ trade: TradeRequest) throws(RuntimeError) -> Built {
        let o = trade.opportunity
        guard trade.venues.count == o.legs.count, !o.legs.isEmpty else {
            throw RuntimeError(.buildFailed, "\(trade.venues.count) venues for \(o.legs.count) legs")
        }
        // The profit guard is the last leg's minimum output: it must return more than the cycle's input (the
        // engine sets it to input + costs + minimum profit). Never build a trade whose guard could pass at a loss.
        guard o.legs.last?.mintOut == o.legs.first?.mintIn, o.minOutLastLeg > o.amountIn else {
            throw RuntimeError(
                .buildFailed,
                "no profit guard: last leg min-out \(o.minOutLastLeg) ≤ input \(o.amountIn) or not a cycle")
        }
        guard let bh = blockhashes.latest else { throw RuntimeError(.noBlockhash, "no recent blockhash yet") }
        var legs: [SwapLeg] = []
        for (i, (leg, venue)) in zip(o.legs, trade.venues).enumerated() {
            let last = i == o.legs.count - 1
            legs.append(
                SwapLeg(
                    venue: venue, direction: leg.direction, amountIn: leg.amountIn,
                    minimumOut: last ? o.minOutLastLeg : leg.expectedOut))
        }
        let limit = UInt32(clamping: min(UInt64(o.computeUnits) + UInt64(computeHeadroom), 1_400_000))
        let instructions: [Instruction]
        do {
            instructions = try SwapTransaction.instructions(
                owner: signer.address, legs: legs, computeUnitLimit: limit,
                microLamportsPerComputeUnit: computeUnitPrice)
        } catch {
            throw RuntimeError(.buildFailed, "\(error)")
        }
        let programs = Set(trade.venues.map { type(of: $0).programId })
        let swapIndices = Set(instructions.indices.filter { programs.contains(instructions[$0].programId) })
        let lastProgram = type(of: trade.venues[trade.venues.count - 1]).programId
        let guardIndex = instructions.indices.last { instructions[$0].programId == lastProgram } ?? -1
        var compiler = MessageCompiler()
        let bytes: [UInt8]
        do {
            bytes = try compiler.signedTransaction(
                instructions: instructions, payer: signer, recentBlockhash: bh.blockhash)
        } catch {
            throw RuntimeError(.buildFailed, "\(error)")
        }
        // The first signature is bytes 1..<65 (one required signer: the short-vec count is one byte).
        let signature: Signature
        do { signature = try Signature(bytes: Array(bytes[1..<65])) } catch {
            throw RuntimeError(.buildFailed, "signature: \(error)")
        }
        return Built(
            bytes: bytes, signature: signature, lastValidBlockHeight: bh.lastValidBlockHeight, guardIndex: guardIndex,
            swapIndices: swapIndices)
    }

    public func execute(_ trade: TradeRequest) async -> TradeResult {
        let built: Built
        do { built = try build(trade) } catch {
            return TradeResult(id: trade.id, outcome: .buildFailed("\(error)"))
        }
        let signedAt = ContinuousClock.now
        switch mode {
        case .simulate:
            do {
                let r = try await rpc.simulateTransaction(built.bytes, options: .init(sigVerify: true))
                if let err = r.value.err {
                    return TradeResult(
                        id: trade.id, signature: built.signature,
                        outcome: .simulated(ok: false, detail: Self.classify(err, built).detail), signedAt: signedAt)
                }
                return TradeResult(
                    id: trade.id, signature: built.signature,
                    outcome: .simulated(ok: true, detail: "\(r.value.unitsConsumed ?? 0) CU"), signedAt: signedAt)
            } catch {
                return TradeResult(
                    id: trade.id, signature: built.signature, outcome: .rejected("\(error.code)"), signedAt: signedAt)
            }
        case .send:
            let fan = await rpc.sendTransactionToAll(built.bytes, options: .init(skipPreflight: true, maxRetries: 0))
            guard fan.signature != nil else {
                let why = fan.outcomes.first.map { o -> String in
                    if case .failure(let e) = o.result { return "\(e.code): \(e.detail)" }
                    return "?"
                }
                return TradeResult(
                    id: trade.id, signature: built.signature, outcome: .rejected(why ?? "no endpoint"),
                    signedAt: signedAt)
            }
            let outcome = await confirm(built, baseIsSOL: trade.opportunity.baseMint == EngineConfig.wrappedSol)
            return TradeResult(
                id: trade.id, signature: built.signature, outcome: outcome.0, signedAt: signedAt, feeLamports: outcome.1
            )
        }
    }

    /// Creates the wallet's missing associated token accounts for `mints` (except wSOL, wrapped per trade), six
    /// per transaction, and waits for them to land. Only in `.send` mode (a dry run changes nothing).
    public func prepare(mints: [Address]) async throws(RuntimeError) {
        guard mode == .send else { return }
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
                    Built(
                        bytes: bytes, signature: sig, lastValidBlockHeight: bh.lastValidBlockHeight, guardIndex: -1,
                        swapIndices: []))
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
                    if let err = status.err { return (Self.classify(err, built).outcome, fee) }
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
    static func classify(_ err: TransactionError, _ built: Built) -> (outcome: TradeOutcome, detail: String) {
        let detail = "\(err)"
        if case .instructionError(let index, let e) = err, built.swapIndices.contains(index) {
            if case .custom = e {
                return index == built.guardIndex
                    ? (.revertedByGuard(detail), "guard: " + detail)
                    : (
                        .revertedBySlippage(detail), "slippage: " + detail
                    )
            }
        }
        return (.failed(detail), detail)
    }
}
