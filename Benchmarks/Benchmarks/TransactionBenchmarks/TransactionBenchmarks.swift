import ArbTestSupport
import Benchmark
import SolanaKeys
import SolanaPrimitives

/// compile + serialize + sign a 3-leg arbitrage v0 transaction next to a bare Ed25519 signature of the same
/// message: compare the two rows (the ratio is what matters; absolute times depend on the machine).
let benchmarks: @Sendable () -> Void = {
    let (instructions, seed, table) = SampleTransactions.threeLegArbitrage()
    let payer = try! Keypair(seed: seed)
    let blockhash = Hash(raw: SampleTransactions.address(77).raw)
    let message = try! V0Message(
        instructions: instructions, payer: payer.address, recentBlockhash: blockhash, lookupTables: [table])
    let bytes = VersionedMessage.v0(message).serialize()

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .instructions], maxDuration: .seconds(2))

    Benchmark("Ed25519 sign (reference)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try payer.sign(message: bytes))
        }
    }

    Benchmark("v0 compile+serialize+sign, 3-leg arb") { benchmark in
        for _ in benchmark.scaledIterations {
            let m = try V0Message(
                instructions: instructions, payer: payer.address, recentBlockhash: blockhash, lookupTables: [table])
            blackHole(try VersionedTransaction.signedWireBytes(message: .v0(m), signers: [payer]).bytes)
        }
    }

    Benchmark("v0 compile+serialize, 3-leg arb") { benchmark in
        for _ in benchmark.scaledIterations {
            let m = try V0Message(
                instructions: instructions, payer: payer.address, recentBlockhash: blockhash, lookupTables: [table])
            blackHole(VersionedMessage.v0(m).serialize())
        }
    }
}
