import ArbEngine
import ArbExecution
import ArbSimCluster
import ArbVenues
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

/// Transactions the assembler builds for a two-pool and a triangle opportunity (stand-in token-transfer legs, the
/// real guard), with the accounts they need, for LiteSVM (`scripts/test.d/70-execution-litesvm.sh` →
/// conformance/execution). Written only when `SOLARB_EXEC_DUMP_DIR` is set; the structural checks always run.
@Suite struct LiteSVMDumpTests {
    struct Case {
        var name: String
        var market: Market
        var venues: [TransferVenue]
        var amountIn: UInt64
        /// nil: must succeed; else the guard's Custom code at the guard's index.
        var expectGuardCode: UInt32?
    }

    @Test func dumpTwoPoolAndTriangleTransactions() throws {
        let two = Market.make(legs: 2, rates: [(101, 100), (101, 100)])
        let tri = Market.make(legs: 3, rates: [(101, 100), (101, 100), (101, 100)])
        var contested = two.venues
        contested[1].numerator = 99
        let cases = [
            Case(
                name: "two_pool_profitable", market: two, venues: two.venues, amountIn: 10_000_000, expectGuardCode: nil
            ),
            Case(
                name: "two_pool_contested", market: two, venues: contested, amountIn: 10_000_000, expectGuardCode: 6000),
            Case(
                name: "triangle_profitable", market: tri, venues: tri.venues, amountIn: 10_000_000, expectGuardCode: nil
            ),
        ]
        let dir = ProcessInfo.processInfo.environment["SOLARB_EXEC_DUMP_DIR"]
        let assembler = TransactionAssembler(config: AssemblyConfig(guardProgram: X.guardProgram))
        let blockhash = Hash(raw: try Bytes32(bytes: [UInt8](repeating: 3, count: 32)))
        for c in cases {
            let walletBalance: UInt64 = 50_000_000
            let opp = c.market.opportunity(amountIn: c.amountIn, quoted: c.market.venues)
            let venues = Dictionary(uniqueKeysWithValues: c.venues.map { ($0.address, $0 as any Venue) })
            let tx = try assembler.assemble(
                AssemblyInput(
                    opportunity: opp, venues: venues, payer: c.market.wallet.address, blockhash: blockhash,
                    lastValidBlockHeight: 150, balances: [c.market.baseMint: walletBalance]))
            var risk = RiskManager(config: RiskConfig())
            let clearance = try risk.clear(
                baseMint: opp.baseMint, notional: opp.amountIn, nowMilliseconds: 0, killSwitchEngaged: false)
            let signed = try assembler.sign(
                tx, clearance: clearance, payer: c.market.wallet, otherSigners: [c.market.poolAuthority])
            #expect(signed.bytes.count <= 1_232)
            #expect(tx.instructions[tx.guardInstructionIndex].programId == X.guardProgram)
            guard let dir else { continue }
            let genesis = c.market.genesis(walletBalance: walletBalance, vaultBalance: 1_000_000_000)
            let accounts: [[String: Any]] = genesis.sorted { $0.key < $1.key }.map { (k, a) in
                [
                    "pubkey": k.base58, "lamports": a.lamports, "owner": a.owner.base58,
                    "data": Data(a.data).base64EncodedString(),
                ]
            }
            let expectedBase =
                c.expectGuardCode == nil ? walletBalance + (opp.expectedOut - opp.amountIn) : walletBalance
            let json: [String: Any] = [
                "name": c.name, "transaction": Data(signed.bytes).base64EncodedString(), "accounts": accounts,
                "guardProgram": X.guardProgram.base58, "guardIndex": tx.guardInstructionIndex,
                "expectGuardCode": c.expectGuardCode.map { Int($0) } ?? NSNull(),
                "baseAccount": tx.baseTokenAccount.base58, "expectedBaseAmount": expectedBase,
                "payer": c.market.wallet.address.base58,
                "fee": tx.baseFeeLamports + tx.computeUnitPrice.priorityFeeLamports,
            ]
            let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: dir).appendingPathComponent("\(c.name).json"))
        }
    }
}
