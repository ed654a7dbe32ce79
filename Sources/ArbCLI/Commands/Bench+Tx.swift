import ArbTestSupport
import ArgumentParser
import Foundation
import SolanaKeys
import SolanaPrimitives

/// `solarb bench tx`: compile + serialize + sign a 3-leg arbitrage v0 transaction, as a ratio to a bare Ed25519
/// signature of the same message measured in the same run (and, with --solders, solders doing the same work).
struct BenchTxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx",
        abstract: "Compile+serialize+sign a 3-leg arb v0 transaction vs a bare Ed25519 signature (and solders).",
        discussion: """
            Build with -c release for meaningful numbers: swift run -c release solarb bench tx --solders
            Rounds interleave the two measurements so machine noise hits both alike; medians are reported.
            """
    )

    @Option(help: "Measurement rounds (each round times --batch iterations of each operation).")
    var rounds = 200
    @Option(help: "Iterations per round.")
    var batch = 50
    @Flag(help: "Also time solders (Python, conformance/.venv) doing the same work in this run.")
    var solders = false

    func run() throws {
        AllocationCounter.preloadIfAvailable()  // re-executes once with the counter preloaded, if it is built
        let (instructions, seed, table) = SampleTransactions.threeLegArbitrage()
        let payer = try Keypair(seed: seed)
        let blockhash = Hash(raw: SampleTransactions.address(77).raw)
        let tables = [table]  // the bot keeps its table list; building it is not part of compiling
        let message = VersionedMessage.v0(
            try V0Message(
                instructions: instructions, payer: payer.address, recentBlockhash: blockhash, lookupTables: tables))
        let messageBytes = message.serialize()
        let size = try VersionedTransaction(message: message, signers: [payer]).serializeForSending().count

        var signTimes: [Double] = []
        var fullTimes: [Double] = []
        var keptTimes: [Double] = []
        var compileTimes: [Double] = []
        var sink = 0
        var compiler = MessageCompiler()
        var wire: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: TransactionLimits.packetDataSize)
        let clock = ContinuousClock()
        // The same work once outside the timed rounds, with allocation counts (when the counter is loaded).
        func allocations(_ body: () throws -> Void) rethrows -> String {
            try body()
            let a0 = AllocationCounter.count()
            for _ in 0..<100 { try body() }
            let a1 = AllocationCounter.count()
            return AllocationCounter.isCounting ? String(format: "%.1f", Double(a1 &- a0) / 100) : "n/a"
        }
        let signAllocs = try allocations { sink &+= Int(try payer.sign(message: messageBytes).lo.w0 & 1) }
        let fullAllocs = try allocations {
            sink &+= try compiler.signedTransaction(
                instructions: instructions, payer: payer, recentBlockhash: blockhash, lookupTables: tables
            ).count
        }
        let keptAllocs = try allocations {
            try compiler.signedTransaction(
                instructions: instructions, payer: payer, recentBlockhash: blockhash, lookupTables: tables, into: &wire)
            sink &+= wire.count
        }
        let compileAllocs = try allocations {
            try compiler.compile(instructions: instructions, payer: payer.address, lookupTables: tables)
            sink &+= scratch.withUnsafeMutableBytes {
                compiler.writeMessage(instructions: instructions, recentBlockhash: blockhash, version: .v0, to: $0)
            }
        }
        for _ in 0..<rounds {
            let t0 = clock.now
            for _ in 0..<batch { sink &+= Int(try payer.sign(message: messageBytes).lo.w0 & 1) }
            let t1 = clock.now
            for _ in 0..<batch {
                sink &+= try compiler.signedTransaction(
                    instructions: instructions, payer: payer, recentBlockhash: blockhash, lookupTables: tables
                ).count
            }
            let t2 = clock.now
            for _ in 0..<batch {
                try compiler.signedTransaction(
                    instructions: instructions, payer: payer, recentBlockhash: blockhash, lookupTables: tables,
                    into: &wire)
                sink &+= wire.count
            }
            let t3 = clock.now
            for _ in 0..<batch {
                try compiler.compile(instructions: instructions, payer: payer.address, lookupTables: tables)
                sink &+= scratch.withUnsafeMutableBytes {
                    compiler.writeMessage(instructions: instructions, recentBlockhash: blockhash, version: .v0, to: $0)
                }
            }
            let t4 = clock.now
            signTimes.append(ns(t1 - t0) / Double(batch))
            fullTimes.append(ns(t2 - t1) / Double(batch))
            keptTimes.append(ns(t3 - t2) / Double(batch))
            compileTimes.append(ns(t4 - t3) / Double(batch))
        }
        guard wire.count == size, Array(wire[(1 + 64)...]) == messageBytes else {
            throw ValidationError("the benchmarked transaction differs from VersionedTransaction's bytes")
        }
        let sign = median(signTimes)
        let full = median(fullTimes)
        let kept = median(keptTimes)
        let compile = median(compileTimes)
        print(
            "3-leg arbitrage v0 transaction: \(instructions.count) instructions, 1 lookup table, \(size) bytes (sink \(sink % 2))"
        )
        print("                                                   median     ratio    allocations/op")
        print(String(format: "  bare Ed25519 signature of the message   %9.0f ns   1.00x     ", sign) + signAllocs)
        print(
            String(format: "  compile + serialize (no signature)      %9.0f ns   %.3fx    ", compile, compile / sign)
                + compileAllocs)
        print(
            String(format: "  compile + serialize + sign (SolArb)     %9.0f ns   %.3fx    ", full, full / sign)
                + fullAllocs + "   (target <= 1.15x)")
        print(
            String(format: "    ... into a kept buffer                %9.0f ns   %.3fx    ", kept, kept / sign)
                + keptAllocs)
        if !AllocationCounter.isCounting { print("  allocations: \(AllocationCounter.unavailableReason)") }
        if solders { try runSolders(swiftFull: full, swiftSign: sign) }
    }

    func runSolders(swiftFull: Double, swiftSign: Double) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let python = root.appendingPathComponent("conformance/.venv/bin/python")
        let script = root.appendingPathComponent("conformance/bench_solders.py")
        guard FileManager.default.fileExists(atPath: python.path) else {
            throw ValidationError("conformance/.venv missing: run scripts/setup.sh first")
        }
        let p = Process()
        p.executableURL = python
        p.arguments = [script.path, "--rounds", String(rounds), "--batch", String(batch)]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
            let j = try JSONSerialization.jsonObject(with: out) as? [String: Double],
            let full = j["full_ns"], let sign = j["sign_ns"]
        else { throw ValidationError("solders benchmark failed") }
        print(String(format: "  solders: bare signature                 %9.0f ns", sign))
        print(
            String(
                format: "  solders: compile + serialize + sign     %9.0f ns   %.3fx its own signature", full,
                full / sign))
        print(String(format: "  SolArb is %.1fx faster than solders for the whole job", full / swiftFull))
    }

    func ns(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9
    }

    func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s[s.count / 2]
    }
}
