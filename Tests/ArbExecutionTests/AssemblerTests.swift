import ArbEngine
import ArbExecution
import ArbGuard
import ArbVenues
import SolanaKeys
import SolanaPrimitives
import Testing

@Suite struct AssemblerTests {
    let market = Market.make(legs: 2, rates: [(101, 100), (101, 100)])
    let blockhash = Hash(raw: try! Bytes32(bytes: [UInt8](repeating: 5, count: 32)))

    func input(_ opp: Opportunity, balance: UInt64 = 10_000_000) -> AssemblyInput {
        AssemblyInput(
            opportunity: opp, venues: market.venueMap, payer: market.wallet.address, blockhash: blockhash,
            lastValidBlockHeight: 300, balances: [market.baseMint: balance])
    }

    @Test func refusesToAssembleWithoutAGuard() throws {
        let a = TransactionAssembler(config: AssemblyConfig(guardProgram: nil))
        #expect(throws: ExecutionError.self) { try a.assemble(input(market.opportunity(amountIn: 1_000_000))) }
        do {
            _ = try a.assemble(input(market.opportunity(amountIn: 1_000_000)))
        } catch {
            #expect(error.code == .missingGuard)
        }
    }

    @Test func guardIsTheLastCheckAndHoldsTheProfitRule() throws {
        let a = TransactionAssembler(config: AssemblyConfig(guardProgram: X.guardProgram))
        let opp = market.opportunity(amountIn: 1_000_000, slippageBps: 100)  // engine minimum 1,009,899
        var inp = input(opp)
        inp.minProfit = 7
        let tx = try a.assemble(inp)
        // Legs: 1,000,000 → 1,010,000 → 1,020,100.
        #expect(tx.expectedOut == 1_020_100)
        // Two signers (wallet + stand-in pool authority) → base fee 10,000; no priority fee (no samples).
        #expect(tx.baseFeeLamports == 10_000)
        #expect(tx.costLamports == 10_000)
        #expect(tx.costInBase == 10_000)  // 1:1 from the opportunity's own ratio
        #expect(tx.lastLegMinimumOut == 1_000_000 + 7 + 10_000)
        #expect(tx.guardMinimum == 10_000_000 + 7 + 10_000)
        #expect(tx.expectedNetProfit == 20_100 - 10_000)
        let g = tx.instructions[tx.guardInstructionIndex]
        #expect(g.programId == X.guardProgram)
        #expect(
            g.accounts.first?.address
                == AssociatedTokenAccount.address(wallet: market.wallet.address, mint: market.baseMint))
        // After the guard nothing moves tokens (no unwrap here, no tip).
        #expect(tx.guardInstructionIndex == tx.instructions.count - 1)
        try TransactionAssembler.verifyGuard(tx)
        #expect(tx.serializedSize <= 1_232)
        #expect(tx.accountCount <= 64)
    }

    @Test func unprofitableWhenCostsEatTheSpread() throws {
        let a = TransactionAssembler(config: AssemblyConfig(guardProgram: X.guardProgram))
        // 1,000 in → 1,020 out: 20 gross < 10,000 base fee.
        do {
            _ = try a.assemble(input(market.opportunity(amountIn: 1_000)))
            Issue.record("expected unprofitable")
        } catch {
            #expect(error.code == .unprofitable)
        }
    }

    @Test func computeUnitPriceIsCappedToAShareOfProfit() throws {
        var config = AssemblyConfig(guardProgram: X.guardProgram)
        config.compute.maxPriorityFeeShareBps = 1_000  // 10 %
        config.compute.priorityFeePercentile = 50
        let a = TransactionAssembler(config: config)
        let opp = market.opportunity(amountIn: 100_000_000)  // gross 2,010,000
        var inp = input(opp, balance: 200_000_000)
        inp.recentPriorityFees = [1_000_000_000, 2_000_000_000, 3_000_000_000]  // absurd market
        let tx = try a.assemble(inp)
        #expect(tx.computeUnitPrice.market == 2_000_000_000)
        #expect(tx.computeUnitPrice.capped)
        // fee ≤ 10 % of the gross profit in lamports.
        #expect(tx.computeUnitPrice.priorityFeeLamports <= 201_000)
        #expect(tx.computeUnitPrice.priorityFeeLamports > 190_000)
        // Uncapped when the market is cheap.
        inp.recentPriorityFees = [10, 20, 30]
        let cheap = try a.assemble(inp)
        #expect(cheap.computeUnitPrice.microLamports == 20)
        #expect(!cheap.computeUnitPrice.capped)
    }

    @Test func percentileIsNearestRank() {
        #expect(ComputeBudgetPolicy.percentile([], 75) == 0)
        #expect(ComputeBudgetPolicy.percentile([5], 0) == 5)
        #expect(ComputeBudgetPolicy.percentile([4, 1, 3, 2], 50) == 2)
        #expect(ComputeBudgetPolicy.percentile([4, 1, 3, 2], 75) == 3)
        #expect(ComputeBudgetPolicy.percentile([4, 1, 3, 2], 100) == 4)
    }

    @Test func computeLimitUsesVenueEstimatesAndSimulationWithMargin() {
        let p = ComputeBudgetPolicy()
        // base 5,000 + 2 × CPMM 50,000 = 105,000 × 1.2.
        #expect(p.estimatedLimit(legs: [.raydiumCpmm, .raydiumCpmm], createdAccounts: 0, wraps: false) == 126_000)
        #expect(p.refinedLimit(unitsConsumed: 10_000) == 12_000)
        #expect(p.refinedLimit(unitsConsumed: 10_000_000) == 1_400_000)
    }

    @Test func tooLargeAndTooManyAccountsAreTypedErrors() throws {
        // Four legs of stand-in pools: 4 pools × (2 vaults) + mints' ATAs... fits; shrink the limit to force errors.
        let m4 = Market.make(legs: 4, rates: [(101, 100), (101, 100), (101, 100), (101, 100)])
        var config = AssemblyConfig(guardProgram: X.guardProgram)
        config.maxTransactionBytes = 600
        let inp = AssemblyInput(
            opportunity: m4.opportunity(amountIn: 10_000_000), venues: m4.venueMap, payer: m4.wallet.address,
            blockhash: blockhash, lastValidBlockHeight: 300, balances: [m4.baseMint: 20_000_000])
        do {
            _ = try TransactionAssembler(config: config).assemble(inp)
            Issue.record("expected transactionTooLarge")
        } catch {
            #expect(error.code == .transactionTooLarge)
        }
        config.maxTransactionBytes = 1_232
        config.maxAccounts = 10
        do {
            _ = try TransactionAssembler(config: config).assemble(inp)
            Issue.record("expected tooManyAccounts")
        } catch {
            #expect(error.code == .tooManyAccounts)
        }
        // With every pool account in a lookup table, the same trade shrinks.
        config.maxAccounts = 64
        let plain = try TransactionAssembler(config: config).assemble(inp)
        var withTable = inp
        let poolKeys = m4.venues.flatMap { [$0.vaultA, $0.vaultB] }
        withTable.lookupTables = [AddressLookupTableAccount(key: X.key(99).address, addresses: poolKeys)]
        let small = try TransactionAssembler(config: config).assemble(withTable)
        #expect(small.serializedSize + 31 * poolKeys.count - 40 < plain.serializedSize)
    }

    @Test func wrapAndUnwrapPutsTheGuardBeforeTheClose() throws {
        var config = AssemblyConfig(guardProgram: X.guardProgram)
        config.wrap = .wrapAndUnwrap
        let wsolMarket = Market.make(legs: 2, rates: [(101, 100), (101, 100)])
        var opp = wsolMarket.opportunity(amountIn: 1_000_000)
        // Re-base the cycle on wSOL.
        opp.baseMint = Mints.wrappedSOL
        opp.legs[0].mintIn = Mints.wrappedSOL
        opp.legs[1].mintOut = Mints.wrappedSOL
        var venues = wsolMarket.venues
        venues[0] = TransferVenue(
            address: venues[0].address, mintA: Mints.wrappedSOL, mintB: venues[0].mintB, vaultA: venues[0].vaultA,
            vaultB: venues[0].vaultB, authority: venues[0].authority, numerator: 101, denominator: 100)
        venues[1] = TransferVenue(
            address: venues[1].address, mintA: venues[1].mintA, mintB: Mints.wrappedSOL, vaultA: venues[1].vaultA,
            vaultB: venues[1].vaultB, authority: venues[1].authority, numerator: 101, denominator: 100)
        var inp = AssemblyInput(
            opportunity: opp, venues: Dictionary(uniqueKeysWithValues: venues.map { ($0.address, $0 as any Venue) }),
            payer: wsolMarket.wallet.address, blockhash: blockhash, lastValidBlockHeight: 300,
            balances: [Mints.wrappedSOL: 0])
        inp.missingTokenAccounts = [Mints.wrappedSOL]
        let tx = try TransactionAssembler(config: config).assemble(inp)
        let programs = tx.instructions.map { $0.programId }
        #expect(programs[2] == ProgramIDs.associatedToken)  // idempotent create of the wSOL account
        #expect(programs[3] == ProgramIDs.system)  // wrap
        #expect(programs[4] == ProgramIDs.token)  // syncNative
        #expect(programs[tx.guardInstructionIndex] == X.guardProgram)
        #expect(tx.instructions[tx.guardInstructionIndex + 1].data.first == 9)  // CloseAccount after the guard
        // The wrapped input counts in the guard's minimum; the wSOL account's rent comes back (not a cost).
        #expect(tx.rentLamports == 0)
        #expect(tx.guardMinimum == 1_000_000 + 1 + tx.costInBase)
    }

    @Test func jitoTipInTransactionOrAsBundle() throws {
        var config = AssemblyConfig(guardProgram: X.guardProgram)
        let tipAccount = X.key(66).address
        config.tip = TipPolicy(mode: .inTransaction, tipAccounts: [tipAccount], shareBps: 5_000)
        let opp = market.opportunity(amountIn: 10_000_000)  // gross 201,000
        let tx = try TransactionAssembler(config: config).assemble(input(opp, balance: 20_000_000))
        #expect(tx.tipLamports == 100_500)
        #expect(tx.instructions.last?.programId == ProgramIDs.system)
        #expect(tx.instructions.last?.accounts[1].address == tipAccount)
        #expect(tx.costLamports == 10_000 + 100_500)
        config.tip.mode = .bundle
        let b = try TransactionAssembler(config: config).assemble(input(opp, balance: 20_000_000))
        #expect(b.bundleTipInstruction != nil)
        #expect(b.instructions.last?.programId == X.guardProgram)
    }
}
