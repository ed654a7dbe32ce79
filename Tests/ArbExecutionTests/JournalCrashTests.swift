import ArbExecution
import ArbJournal
import ArbRPC
import ArbSimCluster
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The journal survives `kill -9`: a child process (this test binary, re-executed in "child" mode) commits
/// submission intents, acknowledging each on stdout after its commit, and keeps writing until it is SIGKILLed.
/// Reopened, the journal holds every acknowledged intent; reconciliation against the cluster records the ones
/// that landed, and the ones never sent as expired once the block height passes their lastValidBlockHeight.
@Suite(.serialized) struct JournalCrashTests {
    static let childEnv = "SOLARB_JOURNAL_CHILD_SPEC"

    /// Both durabilities: `.processCrash` (synchronous=NORMAL, what `solarb run` uses by default) must survive a
    /// process kill exactly like `.powerLoss`.
    @Test(arguments: JournalDurability.allCases)
    func journalSurvivesKillNineAndPendingAreReconciled(_ durability: JournalDurability) async throws {
        let market = Market.make(legs: 2, rates: [(101, 100), (101, 100)])
        let path = tempPath("crash-\(durability.rawValue)")
        defer { removeJournal(path) }
        try await withCluster(
            genesis: market.genesis(walletBalance: 50_000_000, vaultBalance: 1_000_000_000), slotDuration: nil
        ) { cluster, _, client in
            await cluster.advance(slots: 2)
            // Six signed trades with the same blockhash (distinct amounts → distinct signatures).
            let assembler = TransactionAssembler(config: AssemblyConfig(guardProgram: X.guardProgram))
            let latest = try await client.getLatestBlockhash().value
            var risk = RiskManager(config: RiskConfig())
            var signed: [SignedArbTransaction] = []
            for i in 0..<6 {
                let opp = market.opportunity(amountIn: 1_000_000 + UInt64(i) * 100_000)
                let tx = try assembler.assemble(
                    AssemblyInput(
                        opportunity: opp, venues: market.venueMap, payer: market.wallet.address,
                        blockhash: latest.blockhash, lastValidBlockHeight: latest.lastValidBlockHeight,
                        balances: [market.baseMint: 50_000_000]))
                let c = try risk.clear(
                    baseMint: opp.baseMint, notional: opp.amountIn, nowMilliseconds: 0, killSwitchEngaged: false)
                signed.append(
                    try assembler.sign(tx, clearance: c, payer: market.wallet, otherSigners: [market.poolAuthority]))
            }
            // The first three are sent (they land in the next block); the child journals all six.
            for s in signed.prefix(3) { _ = try await client.sendTransaction(s.bytes) }
            await cluster.advance(slots: 1)

            let spec = signed.map { s in
                "\(s.lastValidBlockHeight) \(s.assembled.expectedNetProfit) \(Data(s.bytes).base64EncodedString())"
            }.joined(separator: "\n")
            let specPath = path + ".spec"
            try spec.write(toFile: specPath, atomically: true, encoding: .utf8)

            // Run the child and kill it with SIGKILL once it acknowledged all six intents (it keeps writing).
            let child = Process()
            child.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
            child.arguments = ["--testing-library", "swift-testing", "--filter", "journalChildWriter"]
            var env = ProcessInfo.processInfo.environment
            env[Self.childEnv] = specPath + "|" + path + "|" + durability.rawValue
            child.environment = env
            let pipe = Pipe()
            child.standardOutput = pipe
            child.standardError = FileHandle.nullDevice
            try child.run()
            var acknowledged = Set<String>()
            var buffer = Data()
            let handle = pipe.fileHandleForReading
            var fillerStarted = false
            while acknowledged.count < 6 || !fillerStarted {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                let text = String(decoding: buffer, as: UTF8.self)
                for line in text.split(separator: "\n") {
                    if line.hasPrefix("ACK ") { acknowledged.insert(String(line.dropFirst(4))) }
                    if line.hasPrefix("FILL") { fillerStarted = true }
                }
            }
            #expect(acknowledged.count == 6, "child acknowledged \(acknowledged.count)")
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal)

            // Reopen: every acknowledged intent is there, none has an outcome.
            let journal = try Journal(path: path)
            let pending = try journal.pendingSubmissions()
            #expect(Set(pending.map(\.signature.description)) == acknowledged)
            #expect(Set(pending.map(\.signature)) == Set(signed.map(\.signature)))
            #expect(try journal.counts().decisions >= 10)  // the child was killed mid-stream of later writes

            // Reconcile: the three sent ones landed; the others are still within their blockhash's life.
            var sc = SenderConfig()
            sc.pollInterval = .milliseconds(10)
            let sender = Sender(client: client, config: sc, logger: X.quietLogger)
            let first = try await journal.reconcilePending(sender: sender, nowMilliseconds: { nowMs() })
            #expect(first.count == 3)
            #expect(first.allSatisfy { $0.outcome == .landed })
            #expect(Set(first.map(\.signature)) == Set(signed.prefix(3).map(\.signature)))
            #expect(try journal.pendingSubmissions().count == 3)
            // Past lastValidBlockHeight the rest are expired.
            await cluster.advance(slots: 152)
            let second = try await journal.reconcilePending(sender: sender, nowMilliseconds: { nowMs() })
            #expect(second.count == 3)
            #expect(second.allSatisfy { $0.outcome == .expired })
            #expect(try journal.pendingSubmissions().isEmpty)
            let report = try journal.report()
            #expect(report.outcomes["landed"] == 3 && report.outcomes["expired"] == 3)
            try? FileManager.default.removeItem(atPath: specPath)
        }
    }

    /// Child mode only (skipped unless the parent test sets the environment variable).
    @Test(.enabled(if: ProcessInfo.processInfo.environment[JournalCrashTests.childEnv] != nil))
    func journalChildWriter() throws {
        let parts = (ProcessInfo.processInfo.environment[Self.childEnv] ?? "").split(separator: "|").map(String.init)
        #expect(parts.count == 3)
        guard parts.count == 3, let durability = JournalDurability(rawValue: parts[2]) else { return }
        let journal = try Journal(path: parts[1], durability: durability)
        let mint = X.key(10).address
        let lines = try String(contentsOfFile: parts[0], encoding: .utf8).split(separator: "\n")
        for line in lines {
            let f = line.split(separator: " ")
            guard f.count == 3, let lvbh = UInt64(f[0]), let profit = UInt64(f[1]),
                let bytes = Data(base64Encoded: String(f[2]))
            else { throw TestFailure("bad spec line") }
            let tx = try VersionedTransaction.deserialize(Array(bytes))
            let id = try journal.recordIntent(
                SubmissionIntent(
                    opportunityId: nil, signature: tx.signatures[0], signedBytes: Array(bytes), baseMint: mint,
                    guardProgram: X.guardProgram, slot: 1, lastValidBlockHeight: lvbh, expectedProfit: profit,
                    expectedGross: profit + 10_000, costLamports: 10_000, costInBase: 10_000, computeUnitLimit: 200_000,
                    computeUnitPrice: 0, tipLamports: 0,
                    atMilliseconds: nowMs()))
            // Acknowledge only after the commit returned.
            FileHandle.standardOutput.write(Data("ACK \(tx.signatures[0])\n".utf8))
            _ = id
        }
        // Keep writing until killed (the parent kills it in the middle of this stream).
        var n = 0
        while true {
            try journal.recordDecision(opportunityId: nil, taken: false, reason: "filler", atMilliseconds: nowMs())
            n += 1
            if n % 10 == 0 { FileHandle.standardOutput.write(Data("FILL \(n)\n".utf8)) }
        }
    }
}
