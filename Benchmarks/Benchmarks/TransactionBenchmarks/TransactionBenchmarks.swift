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
    let tables = [table]  // the bot keeps its table list

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .instructions], maxDuration: .seconds(2))

    Benchmark("Ed25519 sign (reference)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try payer.sign(message: bytes))
        }
    }

    Benchmark("v0 compile+serialize+sign, 3-leg arb (reused MessageCompiler)") { benchmark in
        var compiler = MessageCompiler()
        for _ in benchmark.scaledIterations {
            blackHole(
                try compiler.signedTransaction(
                    instructions: instructions, payer: payer, recentBlockhash: blockhash, lookupTables: tables))
        }
    }

    Benchmark("v0 compile+serialize, 3-leg arb (reused MessageCompiler)") { benchmark in
        var compiler = MessageCompiler()
        for _ in benchmark.scaledIterations {
            try compiler.compile(instructions: instructions, payer: payer.address, lookupTables: tables)
            var w = ByteWriter(capacity: compiler.messageSizeBound(instructions: instructions))
            compiler.writeMessage(instructions: instructions, recentBlockhash: blockhash, version: .v0, into: &w)
            blackHole(w.bytes)
        }
    }

    Benchmark("v0 compile+serialize+sign, 3-leg arb (reused MessageCompiler, kept output buffer)") { benchmark in
        var compiler = MessageCompiler()
        var wire: [UInt8] = []
        for _ in benchmark.scaledIterations {
            try compiler.signedTransaction(
                instructions: instructions, payer: payer, recentBlockhash: blockhash, lookupTables: tables, into: &wire)
            blackHole(wire)
        }
    }

    Benchmark("v0 compile+serialize into a kept buffer, 3-leg arb (reused MessageCompiler)") { benchmark in
        var compiler = MessageCompiler()
        var out = [UInt8](repeating: 0, count: TransactionLimits.packetDataSize)
        for _ in benchmark.scaledIterations {
            try compiler.compile(instructions: instructions, payer: payer.address, lookupTables: tables)
            blackHole(
                out.withUnsafeMutableBytes {
                    compiler.writeMessage(instructions: instructions, recentBlockhash: blockhash, version: .v0, to: $0)
                })
        }
    }

    Benchmark("V0Message value + serialize, 3-leg arb (fresh compiler)") { benchmark in
        for _ in benchmark.scaledIterations {
            let m = try V0Message(
                instructions: instructions, payer: payer.address, recentBlockhash: blockhash, lookupTables: [table])
            blackHole(VersionedMessage.v0(m).serialize())
        }
    }
}
