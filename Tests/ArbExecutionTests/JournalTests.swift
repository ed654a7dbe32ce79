import ArbExecution
import Foundation
import GRDB
import SolanaKeys
import SolanaPrimitives
import Testing

@testable import ArbJournal

@Suite struct JournalTests {
    @Test func walModeMigrationsAndReopen() throws {
        let path = tempPath("wal")
        defer { removeJournal(path) }
        let j = try Journal(path: path)
        let mode = try j.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let sync = try j.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(sync == 2)  // FULL
        try j.recordDecision(opportunityId: nil, taken: false, reason: "kill_switch", atMilliseconds: 1)
        // Reopening runs the migrator again without touching the data.
        let again = try Journal(path: path)
        #expect(try again.counts().decisions == 1)
        #expect(try again.report().skipReasons == ["kill_switch": 1])
    }

    @Test func moneyAboveInt64MaxIsATypedErrorNeverWrapped() throws {
        let path = tempPath("range")
        defer { removeJournal(path) }
        let j = try Journal(path: path)
        let a = X.key(3).address
        do {
            try j.recordBalance(account: a, mint: a, slot: 1, expected: nil, actual: UInt64.max, atMilliseconds: 0)
            Issue.record("expected valueOutOfRange")
        } catch {
            #expect(error.code == .valueOutOfRange)
        }
        try j.recordBalance(
            account: a, mint: a, slot: 1, expected: UInt64(Int64.max), actual: UInt64(Int64.max), atMilliseconds: 0)
        #expect(try j.counts().balances == 1)
    }

    @Test func outcomesNeedTheirSubmissionAndTheFirstFinalAnswerStands() throws {
        let path = tempPath("outcome")
        defer { removeJournal(path) }
        let j = try Journal(path: path)
        let sig = try Signature(bytes: [UInt8](repeating: 7, count: 64))
        do {
            try j.recordOutcome(ExecutionOutcome(outcome: .landed, signature: sig), atMilliseconds: 0)
            Issue.record("expected notFound")
        } catch {
            #expect(error.code == .notFound)
        }
        let mint = X.key(10).address
        try j.recordIntent(
            SubmissionIntent(
                opportunityId: nil, signature: sig, signedBytes: [1, 2, 3], baseMint: mint, guardProgram: nil, slot: 5,
                lastValidBlockHeight: 155, expectedProfit: 10, expectedGross: 20, costLamports: 10, costInBase: 10,
                computeUnitLimit: 1, computeUnitPrice: 0, tipLamports: 0, atMilliseconds: 0))
        #expect(try j.pendingSubmissions().map(\.signature) == [sig])
        try j.recordOutcome(ExecutionOutcome(outcome: .expired, signature: sig), atMilliseconds: 1)
        try j.recordOutcome(ExecutionOutcome(outcome: .landed, signature: sig, baseDelta: 5), atMilliseconds: 2)
        #expect(try j.outcomeClass(signature: sig) == .expired)
        #expect(try j.pendingSubmissions().isEmpty)
    }
}
