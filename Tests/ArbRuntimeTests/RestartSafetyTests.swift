import ArbEngine
import ArbExecution
import ArbJournal
import ArbRPC
import ArbSimCluster
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

@testable import ArbRuntime

/// Issue #7 (review bug 6): a restart keeps the risk limits and follows what the previous run left pending,
/// keeping those pools busy until the outcome is proven.
@Suite(.serialized) struct RestartSafetyTests {
    static let pools = [E2E.key(40).address, E2E.key(41).address]
    static let placeholder = try! Signature(bytes: [UInt8](repeating: 0, count: 64))
    static var now: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    static func opportunity(base: Address = Mints.wrappedSOL, pools: [Address] = pools) -> Opportunity {
        let other = base == Mints.wrappedSOL ? E2E.usdc.address : Mints.wrappedSOL
        let legs = [
            Opportunity.Leg(
                pool: pools[0], kind: .raydiumCpmm, direction: .aToB, mintIn: base,
                mintOut: other, amountIn: 1_000_000, expectedOut: 100_000, poolSlot: 1, poolVersion: 1),
            Opportunity.Leg(
                pool: pools[1], kind: .raydiumAmmV4, direction: .bToA, mintIn: other,
                mintOut: base, amountIn: 100_000, expectedOut: 1_100_000, poolSlot: 1, poolVersion: 1),
        ]
        return Opportunity(
            baseMint: base, legs: legs, amountIn: 1_000_000, expectedOut: 1_100_000,
            minOutLastLeg: 1_100_000, grossProfit: 100_000, costLamports: 10_000, costInBase: 10_000,
            netProfit: 90_000, netProfitLamports: 90_000, computeUnits: 100_000, estimatedTransactionBytes: 0,
            accountCount: 0, slot: 1,
            features: EngineFeatures(
                spreadBps: 10, profitBps: 5, depthFraction: 0.1, log10Input: 6, legs: 2, maxPoolAgeSlots: 0,
                minPoolAgeSlots: 0, volatilityBps: 0, costShare: 0.1, computeUnits: 1e5))
    }

    /// Journals one sent transaction (a real signed transfer, so its context can be decoded) with `outcome`.
    @discardableResult
    static func journalSubmission(
        _ journal: Journal, blockhash: Hash, lamports: UInt64, lastValidBlockHeight: UInt64,
        outcome: ExecutionOutcome? = nil, base: Address = Mints.wrappedSOL
    ) throws -> Signature {
        var compiler = MessageCompiler()
        let bytes = try compiler.signedTransaction(
            instructions: [SystemProgram.transfer(from: E2E.bot.address, to: E2E.trader.address, lamports: lamports)],
            payer: E2E.bot, recentBlockhash: blockhash)
        let signature = try Signature(bytes: Array(bytes[1..<65]))
        let opportunityId = try journal.recordOpportunity(opportunity(base: base), atMilliseconds: now)
        try journal.recordIntent(
            SubmissionIntent(
                opportunityId: opportunityId, signature: signature, signedBytes: bytes, baseMint: base,
                guardProgram: E2E.guardProgram, slot: 1, lastValidBlockHeight: lastValidBlockHeight,
                expectedProfit: 90_000, expectedGross: 100_000, costLamports: 10_000, costInBase: 10_000,
                computeUnitLimit: 100_000, computeUnitPrice: 0, tipLamports: 0, atMilliseconds: now))
        if var outcome {
            outcome.signature = signature
            try journal.recordOutcome(outcome, atMilliseconds: now)
        }
        return signature
    }

    static func executor(
        _ world: E2E.World, journalPath: String, rpcURL: String, wsURL: String,
        mode: JournaledExecutor.Mode = .send
    ) async throws -> JournaledExecutor {
        let clusterGenesis = await E2E.genesis(world)
        var c = E2E.configuration(world)
        c.runDirectory = (journalPath as NSString).deletingLastPathComponent
        let rpc = RPCClient(
            configuration: .init(endpoints: [RPCEndpoint(url: rpcURL, name: "sim")]), logger: E2E.logger)
        return try JournaledExecutor.standard(
            mode: mode, configuration: c, guardProgram: E2E.guardProgram, journalPath: journalPath,
            clusterGenesis: clusterGenesis, rpc: rpc,
            wsURL: wsURL, signer: E2E.bot, blockhashes: BlockhashCache(), lookupTables: [:], logger: E2E.logger)
    }

    static func clear(_ e: JournaledExecutor) -> Result<RiskClearance, RiskBlock> {
        e.risk.withLock {
            $0.check(baseMint: Mints.wrappedSOL, notional: 1, nowMilliseconds: now, killSwitchEngaged: false)
        }
    }

    @Test func theBreakerAndTheDailyLossSurviveARestart() async throws {
        let world = try E2E.world()
        try await E2E.withServer(world) { endpoints in
            let blockhash = await world.cluster.bank.latestBlockhash
            // Run 1 ended after five failed trades in a row (breaker opens at 5).
            let dir1 = try E2E.temporaryDirectory()
            let j1 = try Journal(path: dir1 + "/journal.sqlite")
            for i in 0..<5 {
                try Self.journalSubmission(
                    j1, blockhash: blockhash, lamports: UInt64(i + 1), lastValidBlockHeight: 1,
                    outcome: ExecutionOutcome(
                        outcome: i % 2 == 0 ? .insufficientFunds : .rejected, signature: Self.placeholder,
                        feeLamports: 5_000,
                        lamportDelta: i % 2 == 0 ? -5_000 : nil))
            }
            let e1 = try await Self.executor(
                world, journalPath: dir1 + "/journal.sqlite", rpcURL: endpoints.rpcURL, wsURL: endpoints.webSocketURL)
            try await e1.prepare(mints: [])
            guard case .failure(.circuitOpen) = Self.clear(e1) else {
                Issue.record("breaker not restored: \(Self.clear(e1))")
                return
            }
            await e1.finish()

            // Run 2 lost 2 SOL today (limit 1 SOL).
            let dir2 = try E2E.temporaryDirectory()
            let j2 = try Journal(path: dir2 + "/journal.sqlite")
            try Self.journalSubmission(
                j2, blockhash: blockhash, lamports: 1, lastValidBlockHeight: 1,
                outcome: ExecutionOutcome(
                    outcome: .landed, signature: Self.placeholder, feeLamports: 5_000, lamportDelta: -2 * Int64(E2E.sol)
                ))
            let e2 = try await Self.executor(
                world, journalPath: dir2 + "/journal.sqlite", rpcURL: endpoints.rpcURL, wsURL: endpoints.webSocketURL)
            try await e2.prepare(mints: [])
            guard case .failure(.dailyLossLimit) = Self.clear(e2) else {
                Issue.record("daily loss not restored: \(Self.clear(e2))")
                return
            }
            await e2.finish()
        }
    }

    @Test func aPendingSubmissionKeepsItsPoolsBusyUntilItsExpiryIsProven() async throws {
        let world = try E2E.world()
        try await E2E.withServer(world) { endpoints in
            let dir = try E2E.temporaryDirectory()
            let path = dir + "/journal.sqlite"
            let journal = try Journal(path: path)
            let blockhash = await world.cluster.bank.latestBlockhash
            let rpc = RPCClient(
                configuration: .init(endpoints: [RPCEndpoint(url: endpoints.rpcURL, name: "sim")]), logger: E2E.logger)
            let height = try await rpc.getBlockHeight(commitment: .confirmed)
            // A previous run sent it and died; it never reached the cluster, and its blockhash is still valid.
            let signature = try Self.journalSubmission(
                journal, blockhash: blockhash, lamports: 1, lastValidBlockHeight: height + 2)
            let executor = try await Self.executor(
                world, journalPath: path, rpcURL: endpoints.rpcURL, wsURL: endpoints.webSocketURL)
            try await executor.prepare(mints: [])
            #expect(executor.unresolvedSignatures == [signature])
            #expect(try journal.pendingSubmissions().map(\.signature) == [signature])
            let trade = TradeRequest(
                id: 1, opportunity: Self.opportunity(), venues: [], notificationReceived: .now)
            let r = await executor.execute(trade)
            guard case .buildFailed(let why) = r.outcome, why.hasPrefix("pools_pending") else {
                Issue.record("a trade on pending pools was not refused: \(r.outcome)")
                return
            }
            // The blockhash expires: the follower proves it (height past, history lookup empty) and journals it.
            try await E2E.advance(world, maxSlots: 150, pause: .milliseconds(100)) {
                executor.unresolvedSignatures.isEmpty
            }
            #expect(try journal.outcomeClass(signature: signature) == .expired)
            let after = await executor.execute(trade)
            if case .buildFailed(let why) = after.outcome { #expect(!why.hasPrefix("pools_pending")) }
            await executor.finish()
        }
    }

    /// Review R1: a base whose balance the guard reads carries one trade at a time (a pending one included).
    @Test func aBaseWhoseBalanceTheGuardReadsCarriesOneTradeAtATime() async throws {
        let world = try E2E.world()
        try await E2E.withServer(world) { endpoints in
            let dir = try E2E.temporaryDirectory()
            let path = dir + "/journal.sqlite"
            let journal = try Journal(path: path)
            let blockhash = await world.cluster.bank.latestBlockhash
            let rpc = RPCClient(
                configuration: .init(endpoints: [RPCEndpoint(url: endpoints.rpcURL, name: "sim")]), logger: E2E.logger)
            let height = try await rpc.getBlockHeight(commitment: .confirmed)
            try Self.journalSubmission(
                journal, blockhash: blockhash, lamports: 1, lastValidBlockHeight: height + 1_000,
                base: E2E.usdc.address)
            let executor = try await Self.executor(
                world, journalPath: path, rpcURL: endpoints.rpcURL, wsURL: endpoints.webSocketURL)
            try await executor.prepare(mints: [])
            // Another USDC-base cycle on other pools: refused while the pending one may still land.
            let other = Self.opportunity(base: E2E.usdc.address, pools: [E2E.key(42).address, E2E.key(43).address])
            let r = await executor.execute(
                TradeRequest(id: 1, opportunity: other, venues: [], notificationReceived: .now))
            guard case .buildFailed(let why) = r.outcome, why.hasPrefix("base_busy") else {
                Issue.record("a second trade on the busy base was not refused: \(r.outcome)")
                return
            }
            // A wSOL-base trade in wrap mode reads no balance: not serialized (it fails later, for want of a
            // blockhash in this test, not for a busy base).
            let sol = Self.opportunity(pools: [E2E.key(44).address, E2E.key(45).address])
            let s = await executor.execute(
                TradeRequest(id: 2, opportunity: sol, venues: [], notificationReceived: .now))
            if case .buildFailed(let why) = s.outcome { #expect(!why.hasPrefix("base_busy")) }
            await executor.finish()
        }
    }

    /// Review R1: wrap mode would unwrap wSOL the wallet already holds, outside the guard's minimum: refused.
    @Test func wrapModeRefusesToStartOverAnExistingWrappedBalance() async throws {
        let programs = E2E.programs()
        var scratch = Bank(configuration: BankConfiguration(seed: 12, programs: programs))
        _ = try scratch.fundTokenAccount(owner: E2E.bot.address, mint: Mints.wrappedSOL, amount: 3 * E2E.sol)
        var genesis = scratch.accounts
        genesis[E2E.bot.address] = Account(lamports: 100 * E2E.sol)
        genesis[Mints.wrappedSOL] = Account(
            lamports: Rent.minimumBalance(dataLength: 82), owner: ProgramIDs.token,
            data: [UInt8](repeating: 0, count: 82))
        let world = E2E.World(
            cluster: SimCluster(
                configuration: BankConfiguration(seed: 12, genesisAccounts: genesis, programs: programs)),
            pools: [], programs: programs)
        try await E2E.withServer(world) { endpoints in
            let dir = try E2E.temporaryDirectory()
            let executor = try await Self.executor(
                world, journalPath: dir + "/journal.sqlite", rpcURL: endpoints.rpcURL, wsURL: endpoints.webSocketURL,
                mode: .simulate)
            var refused: RuntimeError?
            do throws(RuntimeError) { try await executor.prepare(mints: [Mints.wrappedSOL]) } catch { refused = error }
            #expect(refused?.code == .invalidConfiguration, "\(String(describing: refused))")
            await executor.finish()
        }
    }
}
