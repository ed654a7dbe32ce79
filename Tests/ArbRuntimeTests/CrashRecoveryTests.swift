import ArbExecution
import ArbJournal
import ArbSimCluster
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

/// kill -9 of the `solarb` binary while a trade is in flight: nothing journaled is lost, and the restarted bot
/// reconciles the pending signature against the cluster.
@Suite(.serialized) struct CrashRecoveryTests {
    /// The `solarb` executable next to this test bundle's build products.
    static let solarb: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent(".build/debug/solarb").path
    }()

    static func spawn(_ arguments: [String], log: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: solarb)
        p.arguments = arguments
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: solarb),
            "needs the solarb binary (swift build --build-tests builds it) at .build/debug/solarb"))
    func killNineLosesNoJournaledRecordAndTheRestartReconciles() async throws {
        let world = try E2E.world()
        let dir = try E2E.temporaryDirectory()
        let keyPath = dir + "/bot.json"
        try KeypairFile.write(E2E.bot, path: keyPath)
        let journalPath = dir + "/journal.sqlite"
        // The dislocation is there before the bot starts: it trades it as soon as its feed is fresh.
        _ = try await world.cluster.submit(
            try await E2E.swap(world, pool: 1, owner: E2E.trader, sell: Mints.wrappedSOL, amount: 40 * E2E.sol))
        await world.cluster.advanceSlot()

        try await E2E.withServer(world) { endpoints in
            var args = [
                "run", "--rpc", endpoints.rpcURL, "--ws", endpoints.webSocketURL, "--keypair", keyPath, "--live",
                "--guard-program", E2E.guardProgram.base58, "--journal", journalPath, "--run-dir", dir,
                "--max-legs", "2", "--min-profit", "\(E2E.minProfit)", "--log-level", "warning",
            ]
            for p in world.pools { args += ["--pool", p.address.base58] }
            let first = try Self.spawn(args, log: dir + "/first.log")
            defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }

            // Blocks until the bot's transaction is queued in the cluster (sent, not yet executed)…
            var queued = false
            for _ in 0..<1_500 {
                guard first.isRunning else { break }
                // Check and produce in one actor turn: a send arriving between a check and a separate
                // advanceSlot() would be executed by that block before the test saw it queued.
                if !(await world.cluster.advanceSlotIfIdle()) {
                    queued = true
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let firstLog = (try? String(contentsOfFile: dir + "/first.log", encoding: .utf8)) ?? ""
            try #require(queued, "the bot never sent; its log:\n\(firstLog)")
            // …then kill -9 while it waits for the confirmation.
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            #expect(first.terminationReason == .uncaughtSignal)

            // The intent was committed before the bytes were sent: it is in the journal, without an outcome.
            let journal = try Journal(path: journalPath)
            let before = try journal.counts()
            let pending = try journal.pendingSubmissions()
            try #require(pending.count == 1, "pending after kill: \(pending.count)")
            #expect(before.opportunities >= 1 && before.decisions >= 1 && before.submissions == 1)
            #expect(before.outcomes == 0)
            let signature = pending[0].signature

            // The transaction lands while the bot is down.
            await world.cluster.advanceSlot()
            #expect(await world.cluster.record(signature)?.result.error == nil)

            // Restart: the bot reconciles the pending signature on start, then runs 3 slots and exits.
            let second = try Self.spawn(args + ["--slots", "3"], log: dir + "/second.log")
            defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
            for _ in 0..<1_500 where second.isRunning {
                await world.cluster.advanceSlot()
                try await Task.sleep(for: .milliseconds(20))
            }
            second.waitUntilExit()
            let secondLog = (try? String(contentsOfFile: dir + "/second.log", encoding: .utf8)) ?? ""
            #expect(second.terminationStatus == 0, "second run: \(secondLog)")
            let after = try journal.counts()
            #expect(after.pending == 0)
            #expect(try journal.outcomeClass(signature: signature) == .landed)
            // Nothing journaled before the kill was lost.
            #expect(after.opportunities >= before.opportunities)
            #expect(after.decisions >= before.decisions)
            #expect(after.submissions >= before.submissions)
            #expect(try journal.submittedSignatures().contains(signature))
        }
    }
}
