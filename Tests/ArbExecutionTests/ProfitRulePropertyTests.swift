import ArbEngine
import ArbExecution
import ArbVenues
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

/// Seeded random cases (deterministic): whatever the rates, sizes, fees, tips and lamport price, an assembled
/// transaction satisfies the profit rule exactly, or assembly refuses it as unprofitable. Cases: 300 by default,
/// 20,000 with SOLARB_STRESS=1.
@Suite struct ProfitRulePropertyTests {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: UInt64) -> UInt64 { next() % n }
    }

    @Test func assembledTransactionsAlwaysSatisfyTheProfitRule() throws {
        let stress = ProcessInfoShim.env("SOLARB_STRESS") == "1"
        let cases = stress ? 20_000 : 300
        var rng = SplitMix(state: 0x5EED)
        let blockhash = Hash(raw: try Bytes32(bytes: [UInt8](repeating: 9, count: 32)))
        var landedRule = 0
        var refused = 0
        // Markets built once per cycle length (keys and PDAs); rates vary per case.
        let markets = (2...4).map { n in Market.make(legs: n, rates: Array(repeating: (1, 1), count: n)) }
        for _ in 0..<cases {
            let legs = 2 + Int(rng.below(3))
            var market = markets[legs - 2]
            for i in 0..<legs {
                market.venues[i].numerator = 9_700 + rng.below(700)
                market.venues[i].denominator = 10_000
            }
            let amountIn = 1_000 + rng.below(1_000_000_000_000)
            let opp = market.opportunity(amountIn: amountIn, slippageBps: rng.below(200))
            var config = AssemblyConfig(guardProgram: X.guardProgram)
            config.compute.maxPriorityFeeShareBps = rng.below(5_001)
            config.compute.priorityFeePercentile = Int(rng.below(101))
            if rng.below(3) == 0 {
                config.tip = TipPolicy(
                    mode: rng.below(2) == 0 ? .inTransaction : .bundle, tipAccounts: [X.key(66).address],
                    shareBps: rng.below(5_000))
            }
            let balance = amountIn + rng.below(1_000_000)
            var input = AssemblyInput(
                opportunity: opp, venues: market.venueMap, payer: market.wallet.address, blockhash: blockhash,
                lastValidBlockHeight: 1_000, balances: [market.baseMint: balance])
            input.minProfit = rng.below(10_000)
            input.recentPriorityFees = (0..<Int(rng.below(20))).map { _ in rng.below(10_000_000) }
            input.lamportPrice = LamportPrice(baseUnits: 1 + rng.below(1_000), lamports: 1 + rng.below(1_000))
            do {
                let tx = try TransactionAssembler(config: config).assemble(input)
                landedRule += 1
                let breakEven = amountIn + input.minProfit + tx.costInBase
                #expect(tx.lastLegMinimumOut >= breakEven)
                #expect(tx.lastLegMinimumOut >= opp.minOutLastLeg)
                #expect(tx.lastLegMinimumOut <= opp.expectedOut)
                #expect(tx.guardMinimum == balance + input.minProfit + tx.costInBase)
                #expect(
                    tx.costLamports == tx.baseFeeLamports + tx.computeUnitPrice.priorityFeeLamports + tx.tipLamports)
                #expect(tx.expectedNetProfit == opp.expectedOut - amountIn - tx.costInBase)
                // costInBase is the lamport cost converted at the given price, rounded up.
                let p = input.lamportPrice!
                let exact = UInt128(tx.costLamports) * UInt128(p.baseUnits)
                #expect(UInt128(tx.costInBase) * UInt128(p.lamports) >= exact)
                #expect(UInt128(tx.costInBase) * UInt128(p.lamports) < exact + UInt128(p.lamports))
                // The priority fee stays within its share of the gross profit (in lamports), +1 for rounding up.
                let grossLamports = UInt128(opp.expectedOut - amountIn) * UInt128(p.lamports) / UInt128(p.baseUnits)
                #expect(
                    UInt128(tx.computeUnitPrice.priorityFeeLamports)
                        <= grossLamports * UInt128(config.compute.maxPriorityFeeShareBps) / 10_000 + 1)
                try TransactionAssembler.verifyGuard(tx)
                #expect(tx.serializedSize <= 1_232)
            } catch {
                #expect(error.code == .unprofitable || error.code == .transactionTooLarge, "\(error)")
                refused += 1
            }
        }
        // Both branches are exercised.
        #expect(landedRule > cases / 10)
        #expect(refused > cases / 10)
    }
}

enum ProcessInfoShim {
    static func env(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }
}
