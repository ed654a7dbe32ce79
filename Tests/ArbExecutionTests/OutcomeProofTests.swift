import ArbJournal
import ArbRPC
import ArbTestServer
import Foundation
import Logging
import SolanaPrimitives
import Testing

@testable import ArbExecution

/// Issue #7 (review bugs 4, 5, 7): a final outcome is recorded only with proof, and a wSOL trade's landed profit is
/// measured from the chain even when its wSOL account lives only inside the transaction.
@Suite(.serialized) struct OutcomeProofTests {
    static let payer = X.key(1).address
    static let usdc = X.key(10).address
    static let signature = try! Signature(bytes: [UInt8](repeating: 7, count: 64))

    static func context(lastValidBlockHeight: UInt64, baseMint: Address = Mints.wrappedSOL, tip: UInt64 = 0)
        -> OutcomeContext
    {
        OutcomeContext(
            signature: signature, payer: payer, baseMint: baseMint, guardProgram: X.guardProgram, programs: [],
            lastValidBlockHeight: lastValidBlockHeight, tipLamports: tip)
    }

    /// A started scripted RPC server and a client with short timeouts and few retries.
    static func withServer(_ body: (ScriptedServer, RPCClient) async throws -> Void) async throws {
        let server = ScriptedServer(startSlot: 1_000)
        try await server.start()
        let client = RPCClient(
            configuration: .init(
                endpoints: [RPCEndpoint(url: server.httpURL, name: "s0")], requestTimeout: .milliseconds(500),
                callDeadline: .seconds(2), maxAttempts: 2, jitterSeed: 1),
            logger: X.quietLogger)
        do { try await body(server, client) } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func sender(_ client: RPCClient, maxConfirmation: Duration = .milliseconds(400)) -> Sender {
        var c = SenderConfig()
        c.pollInterval = .milliseconds(20)
        c.rebroadcastInterval = nil
        c.maxConfirmationTime = maxConfirmation
        return Sender(client: client, config: c, logger: X.quietLogger)
    }

    static let bytes = [UInt8(1)] + [UInt8](repeating: 7, count: 64) + [UInt8](repeating: 0, count: 40)

    // MARK: bug 4 — a transport failure on send is not a final `rejected`

    @Test func aSendThatFailedInTransportIsNotRejected() async throws {
        try await Self.withServer { server, client in
            let sender = Self.sender(client)
            server.setScript { $0.http = .status(502) }
            // The node may have forwarded the bytes before the 502: not a refusal.
            #expect(await sender.submit(Self.bytes, context: Self.context(lastValidBlockHeight: 2_000)) == nil)
            // The whole execution stays unproven while the RPC is down: `unknown`, never `rejected`/`expired`.
            let tx = await sender.confirm(Self.context(lastValidBlockHeight: 2_000), bytes: Self.bytes)
            #expect(tx.outcome == .unknown, "\(tx)")
            server.setScript { $0.http = .stall(.seconds(2)) }
            #expect(await sender.submit(Self.bytes, context: Self.context(lastValidBlockHeight: 2_000)) == nil)
        }
    }

    @Test func aDefiniteJSONRPCRefusalIsRejected() async throws {
        try await Self.withServer { server, client in
            let sender = Self.sender(client)
            server.setScript {
                $0.canned["sendTransaction"] =
                    #"{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid transaction: failed to deserialize"},"id":1}"#
            }
            let r = await sender.submit(Self.bytes, context: Self.context(lastValidBlockHeight: 2_000))
            #expect(r?.outcome == .rejected)
            server.setScript {
                $0.canned["sendTransaction"] =
                    #"{"jsonrpc":"2.0","error":{"code":-32002,"message":"Transaction simulation failed: Attempt to debit an account but found no record of a prior credit.","data":{"err":"AccountNotFound","logs":[]}},"id":1}"#
            }
            let p = await sender.submit(Self.bytes, context: Self.context(lastValidBlockHeight: 2_000))
            #expect(p?.outcome == .rejected)
        }
    }

    // MARK: bug 5 — `expired` only with proof

    @Test func expiryNeedsTheHeightAndASuccessfulHistoryLookup() async throws {
        try await Self.withServer { server, client in
            let sender = Self.sender(client)
            // Height 1000 is past lastValidBlockHeight 900, but the history lookup fails (the scripted server does
            // not serve getSignatureStatuses): no proof → unknown, not expired.
            let noHistory = await sender.confirm(Self.context(lastValidBlockHeight: 900))
            #expect(noHistory.outcome == .unknown, "\(noHistory)")
            var reconcileFailed = false
            do { _ = try await sender.reconcile(Self.context(lastValidBlockHeight: 900)) } catch {
                reconcileFailed = true
            }
            #expect(reconcileFailed)  // an RPC failure is an error, never an outcome
            // The hard time limit alone (height 1000 ≤ 2000: still valid) proves nothing.
            let timedOut = await sender.confirm(Self.context(lastValidBlockHeight: 2_000))
            #expect(timedOut.outcome == .unknown, "\(timedOut)")
            // Height past and a successful history lookup that does not know the signature: expired.
            server.setScript {
                $0.canned["getSignatureStatuses"] =
                    #"{"jsonrpc":"2.0","result":{"context":{"slot":1000},"value":[null]},"id":1}"#
            }
            let proven = await sender.confirm(Self.context(lastValidBlockHeight: 900))
            #expect(proven.outcome == .expired, "\(proven)")
            let reconciled = try await sender.reconcile(Self.context(lastValidBlockHeight: 900))
            #expect(reconciled?.outcome == .expired)
            // A status below the commitment (processed, on a fork that may be dropped) is not final either.
            server.setScript {
                $0.canned["getSignatureStatuses"] =
                    #"{"jsonrpc":"2.0","result":{"context":{"slot":1000},"value":[{"slot":990,"confirmations":0,"err":null,"status":{"Ok":null},"confirmationStatus":"processed"}]},"id":1}"#
            }
            let processedOnly = try await sender.reconcile(Self.context(lastValidBlockHeight: 900))
            #expect(processedOnly == nil)
        }
    }

    @Test func theJournalRefusesAnUnknownOutcome() throws {
        let path = tempPath("unknown")
        defer { removeJournal(path) }
        let j = try Journal(path: path)
        let o = ExecutionOutcome(outcome: .unknown, signature: Self.signature, error: "no proof")
        #expect(throws: JournalError.self) { try j.recordOutcome(o, atMilliseconds: 1) }
    }

    // MARK: R4 — the expiry check does not run on every status poll

    @Test func theExpiryCheckIsThrottled() async throws {
        try await Self.withServer { server, client in
            var c = SenderConfig()
            c.pollInterval = .milliseconds(20)
            c.rebroadcastInterval = nil
            c.expiryCheckInterval = .milliseconds(400)
            c.maxConfirmationTime = .milliseconds(900)
            let sender = Sender(client: client, config: c, logger: X.quietLogger)
            server.resetCounters()
            let o = await sender.confirm(Self.context(lastValidBlockHeight: 2_000))
            #expect(o.outcome == .unknown)
            let n = server.counters.byMethod
            let statuses = n["getSignatureStatuses"] ?? 0
            let heights = n["getBlockHeight"] ?? 0
            #expect(heights >= 1 && heights <= 3, "getBlockHeight × \(heights)")
            #expect(statuses > 3 * heights, "getSignatureStatuses × \(statuses), getBlockHeight × \(heights)")
        }
    }

    // MARK: R8 — SPL Token InsufficientFunds inside a DEX's CPI

    static let cpiInsufficientLogs = [
        "Program CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C invoke [1]",
        "Program log: Instruction: SwapBaseInput",
        "Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA invoke [2]",
        "Program log: Instruction: TransferChecked",
        "Program log: Error: insufficient funds",
        "Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA consumed 4300 of 180000 compute units",
        "Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA failed: custom program error: 0x1",
        "Program CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C failed: custom program error: 0x1",
    ]

    @Test func insufficientFundsInsideACPIIsClassifiedByTheTokenProgramsLog() {
        #expect(OutcomeClassifier.tokenInsufficientFunds(in: Self.cpiInsufficientLogs))
        // The same words logged by the DEX itself (not the token program) do not count.
        #expect(
            !OutcomeClassifier.tokenInsufficientFunds(in: [
                "Program CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C invoke [1]",
                "Program log: Error: insufficient funds",
            ]))
        let dex = VenuePrograms.raydiumCpmm
        let err = TransactionError.instructionError(index: 1, .custom(1))
        #expect(
            OutcomeClassifier.classify(err, programs: [ProgramIDs.computeBudget, dex], guardProgram: nil) == .other)
        var o = ExecutionOutcome(outcome: .other, signature: Self.signature)
        var m = Self.meta(payerPre: 10_000, payerPost: 5_000, fee: 5_000, others: [])
        m.logMessages = Self.cpiInsufficientLogs
        o.apply(m, context: Self.context(lastValidBlockHeight: 1))
        #expect(o.outcome == .insufficientFunds)
    }

    // MARK: bug 7 — landed profit of a wSOL trade from the chain

    static func meta(
        payerPre: UInt64, payerPost: UInt64, fee: UInt64, others: [(pre: UInt64, post: UInt64)],
        preTokens: [Sender.Meta.TokenBalance] = [], postTokens: [Sender.Meta.TokenBalance] = []
    ) -> Sender.Meta {
        Sender.Meta(
            fee: fee, computeUnits: 1, payerLamportDelta: Int64(payerPost) - Int64(payerPre),
            preTokenBalances: preTokens, postTokenBalances: postTokens,
            preBalances: [payerPre] + others.map(\.pre), postBalances: [payerPost] + others.map(\.post))
    }

    @Test func wrapModeProfitIsThePayersLamportChangePlusFeeTipAndRent() {
        let fee: UInt64 = 5_000
        let tip: UInt64 = 1_000
        let gross: Int64 = 1_234_567
        let rent: UInt64 = 2_039_280
        // The wSOL account is created, funded, and closed inside the transaction: no token balance shows it
        // (index 1: 0 → 0). A USDC account of the wallet was created by the trade (index 2: 0 → rent).
        let usdcPost = Sender.Meta.TokenBalance(
            accountIndex: 2, mint: Self.usdc.base58, owner: Self.payer.base58, amount: 0)
        let payerPre: UInt64 = 100_000_000_000
        let payerPost = UInt64(Int64(payerPre) + gross - Int64(fee + tip + rent))
        let m = Self.meta(
            payerPre: payerPre, payerPost: payerPost, fee: fee, others: [(0, 0), (0, rent)], postTokens: [usdcPost])
        var o = ExecutionOutcome(outcome: .landed, signature: Self.signature)
        o.apply(m, context: Self.context(lastValidBlockHeight: 1, tip: tip))
        #expect(o.baseDelta == gross)
        #expect(o.tipLamports == tip)
        #expect(o.rentLamports == Int64(rent))
        #expect(o.lamportDelta == gross - Int64(fee + tip + rent))
        // The old token-balance measurement finds no wSOL account at all.
        #expect(m.tokenDelta(owner: Self.payer, mint: Mints.wrappedSOL) == nil)
    }

    @Test func aPreExistingWrappedBalanceClosedByTheTradeIsNotCountedAsProfit() {
        let fee: UInt64 = 5_000
        let rent: UInt64 = 2_039_280
        let held: UInt64 = 3_000_000_000  // the user's own wSOL, unwrapped by the trade's CloseAccount
        let gross: Int64 = 777_000
        let wsolPre = Sender.Meta.TokenBalance(
            accountIndex: 1, mint: Mints.wrappedSOL.base58, owner: Self.payer.base58, amount: held)
        let payerPre: UInt64 = 10_000_000_000
        let payerPost = UInt64(Int64(payerPre) + gross - Int64(fee) + Int64(held + rent))
        let m = Self.meta(
            payerPre: payerPre, payerPost: payerPost, fee: fee, others: [(held + rent, 0)], preTokens: [wsolPre])
        var o = ExecutionOutcome(outcome: .landed, signature: Self.signature)
        o.apply(m, context: Self.context(lastValidBlockHeight: 1))
        #expect(o.baseDelta == gross)
        #expect(o.rentLamports == 0)
        // What the token balances alone say: the user lost the whole wSOL balance.
        #expect(m.tokenDelta(owner: Self.payer, mint: Mints.wrappedSOL) == -Int64(held))
    }

    @Test func aRevertedTradePaysNoTipAndAnOtherBaseKeepsTheTokenDelta() {
        let m = Self.meta(
            payerPre: 1_000_000, payerPost: 995_000, fee: 5_000, others: [(2_039_280, 2_039_280)],
            preTokens: [.init(accountIndex: 1, mint: Self.usdc.base58, owner: Self.payer.base58, amount: 100)],
            postTokens: [.init(accountIndex: 1, mint: Self.usdc.base58, owner: Self.payer.base58, amount: 150)])
        var reverted = ExecutionOutcome(outcome: .revertedByGuard, signature: Self.signature)
        reverted.apply(m, context: Self.context(lastValidBlockHeight: 1, tip: 1_000))
        #expect(reverted.tipLamports == 0)
        var usdcBase = ExecutionOutcome(outcome: .landed, signature: Self.signature)
        usdcBase.apply(m, context: Self.context(lastValidBlockHeight: 1, baseMint: Self.usdc))
        #expect(usdcBase.baseDelta == 50)
    }

    @Test func theReportCountsTipsAndRentAsCostsAndTheMeasuredGross() throws {
        let path = tempPath("report-wsol")
        defer { removeJournal(path) }
        let j = try Journal(path: path)
        let sig = Self.signature
        try j.recordIntent(
            SubmissionIntent(
                opportunityId: nil, signature: sig, signedBytes: Self.bytes, baseMint: Mints.wrappedSOL,
                guardProgram: X.guardProgram, slot: 1, lastValidBlockHeight: 10, expectedProfit: 900_000,
                expectedGross: 1_000_000, costLamports: 100_000, costInBase: 100_000, computeUnitLimit: 1,
                computeUnitPrice: 0, tipLamports: 1_000, atMilliseconds: 1))
        var o = ExecutionOutcome(outcome: .landed, signature: sig, slot: 5, feeLamports: 5_000)
        o.baseDelta = 1_000_000
        o.tipLamports = 1_000
        o.rentLamports = 2_039_280
        o.lamportDelta = 1_000_000 - 5_000 - 1_000 - 2_039_280
        try j.recordOutcome(o, atMilliseconds: 2)
        let r = try j.report()
        let m = try #require(r.perMint.first)
        #expect(m.landedGross == 1_000_000)
        #expect(m.expectedGrossLanded == 1_000_000)
        #expect(m.feesLamports == 5_000 + 1_000 + 2_039_280)
        // wSOL: net PnL is exactly the payer's lamport change.
        #expect(m.netPnL == o.lamportDelta)
        #expect(m.landedUnmeasured == 0)
        #expect(r.outcomes["unknown"] == nil)
    }
}
