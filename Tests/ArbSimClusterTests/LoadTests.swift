import ArbSimCluster
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

/// Many transfers across many slots: every one lands, lamports are conserved, and the rate is printed.
/// Default: 200 transfers; `SOLARB_STRESS=1`: 5,000.
@Suite struct LoadTests {
    @Test func manyTransfersConserveLamports() throws {
        let count = ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1" ? 5_000 : 200
        let payers = (0..<20).map { T.key(UInt8(100 + $0)) }
        var genesis: [Address: Account] = [:]
        for p in payers { genesis[p.address] = Account(lamports: 1_000 * T.sol) }
        let genesisBank = Bank(configuration: .init(seed: 9, slotMilliseconds: 1, genesisAccounts: genesis))
        let total = { (bank: Bank) in
            (payers.map(\.address) + (0..<50).map { T.key(UInt8(200 + $0)).address }).reduce(UInt64(0)) {
                $0 + (bank.account($1)?.lamports ?? 0)
            }
        }
        let before = total(genesisBank)
        // Sign everything first (with the genesis blockhash, valid for 150 blocks) so the timed part is the
        // cluster's work: decode, verify, order, execute, record.
        let blockhash = genesisBank.latestBlockhash
        var wire: [[UInt8]] = []
        for i in 0..<count {
            let payer = payers[i % 20]
            let to = T.key(UInt8(200 + i % 50)).address
            let ixs: [Instruction] = [
                ComputeBudgetProgram.setComputeUnitPrice(microLamports: UInt64(i % 7)),
                SystemProgram.transfer(from: payer.address, to: to, lamports: T.sol + UInt64(i)),
            ]
            wire.append(try T.legacy(ixs, payer: payer, blockhash: blockhash))
        }
        var b2 = genesisBank
        let clock = ContinuousClock()
        var failures = 0
        var fees: UInt64 = 0
        let elapsed = try clock.measure {
            for (i, bytes) in wire.enumerated() {
                if i % 100 == 0, i > 0 {
                    let block = b2.produceBlock()
                    failures += block.transactions.filter { $0.error != nil }.count
                    fees += block.transactions.reduce(0) { $0 + $1.fee }
                }
                _ = try b2.submit(bytes)
            }
            let last = b2.produceBlock()
            failures += last.transactions.filter { $0.error != nil }.count
            fees += last.transactions.reduce(0) { $0 + $1.fee }
        }
        #expect(failures == 0)
        #expect(total(b2) + fees == before)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("simcluster load: \(count) transfers in \(b2.blockHeight) blocks, \(Int(Double(count) / seconds)) tx/s")
    }
}
