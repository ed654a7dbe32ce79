import ArbEngine
import ArbExecution
import ArbJournal
import ArbRPC
import ArbSimCluster
import ArbVenues
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

/// The assembler with REAL swap legs: the simulated cluster's DEX programs (Raydium AMM v4 / CPMM / CLMM, Orca
/// Whirlpool, Meteora DLMM at their mainnet ids, pools in their mainnet layouts), quoted with ArbVenues from the
/// pools' own accounts, over loopback, through the bot's lookup table.
@Suite(.serialized) struct DEXExecutionTests {
    static let mintAuthority = X.key(80)
    static let usdc = MintSpec(X.key(81).address, decimals: 6, mintAuthority: mintAuthority.address)
    static let bonk = MintSpec(X.key(82).address, decimals: 5, mintAuthority: mintAuthority.address)
    static let wif = MintSpec(X.key(83).address, decimals: 6, mintAuthority: mintAuthority.address)
    /// 1 SOL = 150 USDC: 1e9 lamports = 150e6 base units.
    static let lamportPrice = LamportPrice(baseUnits: 3, lamports: 20)

    let wallet = X.key(1)
    let rival = X.key(2)

    struct Leg {
        var pool: CreatedPool
        var venue: any Venue
        var mintIn: Address
        var mintOut: Address
        var direction: SwapDirection { pool.mintA == mintIn ? .aToB : .bToA }
    }

    /// The opportunity the engine would compute from these venues for `amountIn` (exact quotes, chained).
    static func opportunity(_ legs: [Leg], amountIn: UInt64) throws -> Opportunity {
        var out: [Opportunity.Leg] = []
        var amount = amountIn
        for l in legs {
            let q = try l.venue.quote(QuoteRequest(amount: amount, direction: l.direction))
            out.append(
                Opportunity.Leg(
                    pool: l.pool.address, kind: l.pool.kind, direction: l.direction, mintIn: l.mintIn,
                    mintOut: l.mintOut, amountIn: amount, expectedOut: q.amountOut, poolSlot: 1, poolVersion: 1))
            amount = q.amountOut
        }
        let gross = amount > amountIn ? amount - amountIn : 0
        return Opportunity(
            baseMint: legs[0].mintIn, legs: out, amountIn: amountIn, expectedOut: amount,
            minOutLastLeg: amount - amount / 1_000, grossProfit: gross, costLamports: 20_000, costInBase: 3_000,
            netProfit: gross > 3_000 ? gross - 3_000 : 0,
            netProfitLamports: (gross > 3_000 ? gross - 3_000 : 0) * 20 / 3,
            computeUnits: 200_000, estimatedTransactionBytes: 0, accountCount: 0, slot: 1,
            features: EngineFeatures(
                spreadBps: 0, profitBps: 0, depthFraction: 0, log10Input: 0, legs: Double(legs.count),
                maxPoolAgeSlots: 0, minPoolAgeSlots: 0, volatilityBps: 0, costShare: 0, computeUnits: 0))
    }

    func spec(_ kind: VenueKind, _ a: MintSpec, _ b: MintSpec, _ ra: UInt64, _ rb: UInt64, seed: UInt64) -> PoolSpec {
        PoolSpec(kind: kind, mintA: a, mintB: b, feeRate: 2_500, reserveA: ra, reserveB: rb, seed: seed)
    }

    /// Sets up pools, the wallet's USDC, the bot's lookup table; runs `body`.
    func world(
        _ specs: [PoolSpec],
        _ body:
            @Sendable (SimCluster, SimClusterServer.Endpoints, RPCClient, [CreatedPool], AddressLookupTableAccount)
            async throws -> Void
    ) async throws {
        let genesis: [Address: Account] = [
            wallet.address: Account(lamports: 100 * X.sol), rival.address: Account(lamports: 100 * X.sol),
        ]
        let wallet = self.wallet
        try await withCluster(genesis: genesis) { cluster, endpoints, client in
            var pools: [CreatedPool] = []
            for s in specs { pools.append(try await cluster.createPool(s)) }
            try await cluster.fundTokenAccount(owner: wallet.address, mint: Self.usdc.address, amount: 100_000_000_000)
            let manager = LookupTableManager(client: client, authority: wallet, logger: X.quietLogger)
            await manager.setTiming(pollInterval: .milliseconds(20), activationTimeout: .seconds(20))
            let table = try await manager.ensure(pools.flatMap(\.accounts))
            try await body(cluster, endpoints, client, pools, table)
        }
    }

    /// Assembles (simulated compute limit), clears, signs; the caller decides when to send.
    func prepare(
        _ client: RPCClient, _ table: AddressLookupTableAccount, _ opp: Opportunity, _ legs: [Leg], simulate: Bool
    ) async throws -> SignedArbTransaction {
        let latest = try await client.getLatestBlockhash().value
        let base = AssociatedTokenAccount.address(wallet: wallet.address, mint: opp.baseMint)
        let balance = try await client.getTokenAccountBalance(base).value.amount
        var input = AssemblyInput(
            opportunity: opp,
            venues: Dictionary(uniqueKeysWithValues: legs.map { ($0.pool.address, $0.venue) }),
            payer: wallet.address, blockhash: latest.blockhash, lastValidBlockHeight: latest.lastValidBlockHeight,
            balances: [opp.baseMint: balance])
        input.lookupTables = [table]
        input.lamportPrice = Self.lamportPrice
        // The intermediate tokens' accounts do not exist yet: created idempotently in the trade, rent counted.
        input.missingTokenAccounts = Set(legs.dropFirst().map(\.mintIn))
        let assembler = TransactionAssembler(config: AssemblyConfig(guardProgram: X.guardProgram))
        let tx = simulate ? try await assembler.assembleSimulated(input, client: client) : try assembler.assemble(input)
        var risk = RiskManager(config: RiskConfig())
        let c = try risk.clear(
            baseMint: opp.baseMint, notional: opp.amountIn, nowMilliseconds: nowMs(), killSwitchEngaged: false)
        return try assembler.sign(tx, clearance: c, payer: wallet)
    }

    @Test func twoPoolCPMMToWhirlpoolLandsWithTheQuotedProfit() async throws {
        // BONK is cheaper on the CPMM pool (52,000 per USDC) than on the Whirlpool (50,000 per USDC).
        let specs = [
            spec(.raydiumCpmm, Self.usdc, Self.bonk, 1_000_000 * 1_000_000, 52_000_000_000 * 100_000, seed: 1),
            spec(.orcaWhirlpool, Self.usdc, Self.bonk, 1_000_000 * 1_000_000, 50_000_000_000 * 100_000, seed: 2),
        ]
        let wallet = self.wallet
        try await world(specs) { cluster, endpoints, client, pools, table in
            let legs = [
                Leg(
                    pool: pools[0], venue: try await cluster.venue(for: pools[0]), mintIn: Self.usdc.address,
                    mintOut: Self.bonk.address),
                Leg(
                    pool: pools[1], venue: try await cluster.venue(for: pools[1]), mintIn: Self.bonk.address,
                    mintOut: Self.usdc.address),
            ]
            let opp = try Self.opportunity(legs, amountIn: 1_000 * 1_000_000)
            #expect(opp.expectedOut > opp.amountIn + 20 * 1_000_000)  // ≈ 3 % after fees and impact
            let signed = try await prepare(client, table, opp, legs, simulate: true)
            #expect(signed.bytes.count <= 1_232)
            #expect(signed.assembled.rentLamports == 2_039_280)  // the BONK account created in the trade
            var sc = SenderConfig(webSocketURL: endpoints.webSocketURL)
            sc.pollInterval = .milliseconds(20)
            let outcome = await Sender(client: client, config: sc, logger: X.quietLogger).execute(signed)
            #expect(outcome.outcome == .landed, "\(outcome)")
            // Exactly the quoted profit: ArbVenues' quote is what the program does.
            #expect(outcome.baseDelta == Int64(opp.expectedOut - opp.amountIn))
            let bonkLeft = await tokenAmount(
                cluster, AssociatedTokenAccount.address(wallet: wallet.address, mint: Self.bonk.address))
            #expect(bonkLeft == 0)
        }
    }

    @Test func contestedTradeRevertsByTheDEXSlippageCheck() async throws {
        let specs = [
            spec(.raydiumCpmm, Self.usdc, Self.bonk, 1_000_000 * 1_000_000, 52_000_000_000 * 100_000, seed: 1),
            spec(.orcaWhirlpool, Self.usdc, Self.bonk, 1_000_000 * 1_000_000, 50_000_000_000 * 100_000, seed: 2),
        ]
        let rival = self.rival
        let wallet = self.wallet
        try await world(specs) { cluster, endpoints, client, pools, table in
            let legs = [
                Leg(
                    pool: pools[0], venue: try await cluster.venue(for: pools[0]), mintIn: Self.usdc.address,
                    mintOut: Self.bonk.address),
                Leg(
                    pool: pools[1], venue: try await cluster.venue(for: pools[1]), mintIn: Self.bonk.address,
                    mintOut: Self.usdc.address),
            ]
            let opp = try Self.opportunity(legs, amountIn: 1_000 * 1_000_000)
            let signed = try await prepare(client, table, opp, legs, simulate: true)
            let usdcBefore = try await client.getTokenAccountBalance(
                AssociatedTokenAccount.address(wallet: wallet.address, mint: Self.usdc.address)
            ).value.amount

            // A rival sells 2 B BONK into the Whirlpool first: our last leg would now return less than its minimum.
            try await cluster.fundTokenAccount(
                owner: rival.address, mint: Self.bonk.address, amount: 200_000_000_000_000)
            try await cluster.fundTokenAccount(owner: rival.address, mint: Self.usdc.address, amount: 0)
            let rivalIxs = try SwapTransaction.instructions(
                owner: rival.address,
                legs: [
                    SwapLeg(
                        venue: legs[1].venue, direction: legs[1].direction, amountIn: 200_000_000_000_000, minimumOut: 0
                    )
                ],
                computeUnitLimit: 400_000, microLamportsPerComputeUnit: 0)
            let latest = try await client.getLatestBlockhash().value
            let m = try V0Message(
                instructions: rivalIxs, payer: rival.address, recentBlockhash: latest.blockhash, lookupTables: [table])
            let rivalTx = try VersionedTransaction.signedWireBytes(message: .v0(m), signers: [rival])
            var sc = SenderConfig(webSocketURL: endpoints.webSocketURL)
            sc.pollInterval = .milliseconds(20)
            let sender = Sender(client: client, config: sc, logger: X.quietLogger)
            _ = try await client.sendTransaction(rivalTx.bytes, options: SendOptions(skipPreflight: true))
            let rivalOutcome = await sender.confirm(
                OutcomeContext(
                    signature: rivalTx.transaction.signatures[0], payer: rival.address, baseMint: Self.usdc.address,
                    guardProgram: nil, programs: rivalIxs.map(\.programId),
                    lastValidBlockHeight: latest.lastValidBlockHeight))
            #expect(rivalOutcome.outcome == .landed, "\(rivalOutcome)")

            let outcome = await sender.execute(signed)
            #expect(outcome.outcome == .revertedBySlippage, "\(outcome)")
            #expect(outcome.error?.contains("Custom(6036)") == true)  // Whirlpool AmountOutBelowMinimum
            let usdcAfter = try await client.getTokenAccountBalance(
                AssociatedTokenAccount.address(wallet: wallet.address, mint: Self.usdc.address)
            ).value.amount
            #expect(usdcAfter == usdcBefore)  // nothing lost but the fee
        }
    }

    @Test func triangleAcrossAMMv4CLMMAndDLMMLands() async throws {
        // USDC → BONK (AMM v4) → WIF (CLMM) → USDC (DLMM), with WIF 4 % cheap in BONK on the CLMM pool.
        let specs = [
            spec(.raydiumAmmV4, Self.usdc, Self.bonk, 1_000_000 * 1_000_000, 50_000_000_000 * 100_000, seed: 1),
            spec(.raydiumClmm, Self.bonk, Self.wif, 50_000_000_000 * 100_000, 520_000 * 1_000_000, seed: 2),
            spec(.meteoraDlmm, Self.wif, Self.usdc, 500_000 * 1_000_000, 1_000_000 * 1_000_000, seed: 3),
        ]
        try await world(specs) { cluster, endpoints, client, pools, table in
            let legs = [
                Leg(
                    pool: pools[0], venue: try await cluster.venue(for: pools[0]), mintIn: Self.usdc.address,
                    mintOut: Self.bonk.address),
                Leg(
                    pool: pools[1], venue: try await cluster.venue(for: pools[1]), mintIn: Self.bonk.address,
                    mintOut: Self.wif.address),
                Leg(
                    pool: pools[2], venue: try await cluster.venue(for: pools[2]), mintIn: Self.wif.address,
                    mintOut: Self.usdc.address),
            ]
            let opp = try Self.opportunity(legs, amountIn: 500 * 1_000_000)
            #expect(opp.expectedOut > opp.amountIn)
            let signed = try await prepare(client, table, opp, legs, simulate: true)
            #expect(signed.bytes.count <= 1_232)
            var sc = SenderConfig(webSocketURL: endpoints.webSocketURL)
            sc.pollInterval = .milliseconds(20)
            let outcome = await Sender(client: client, config: sc, logger: X.quietLogger).execute(signed)
            #expect(outcome.outcome == .landed, "\(outcome)")
            #expect(outcome.baseDelta == Int64(opp.expectedOut - opp.amountIn))
        }
    }
}
