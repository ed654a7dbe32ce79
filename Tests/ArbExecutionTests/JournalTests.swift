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
        // Read on the WRITER (the connection whose commits must be durable; a reader's setting means nothing).
        let sync = try j.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(sync == 2)  // FULL (the default durability, .powerLoss)
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

@Suite struct JournalSubmissionTests {
    static func intent(_ sig: Signature, mint: Address, profit: UInt64 = 10) -> SubmissionIntent {
        SubmissionIntent(
            opportunityId: 999, signature: sig, signedBytes: [1, 2, 3], baseMint: mint, guardProgram: nil, slot: 5,
            lastValidBlockHeight: 155, expectedProfit: profit, expectedGross: 20, costLamports: 10, costInBase: 10,
            computeUnitLimit: 1, computeUnitPrice: 0, tipLamports: 0, atMilliseconds: 7)
    }

    @Test func opportunityDecisionAndIntentAreOneLinkedCommit() throws {
        let path = tempPath("submission")
        defer { removeJournal(path) }
        let j = try Journal(path: path, durability: .processCrash)
        let market = Market.make(legs: 2, rates: [(2, 1), (11, 20)])
        let opp = market.opportunity(amountIn: 1_000_000)
        let sig = try Signature(bytes: [UInt8](repeating: 9, count: 64))
        let ids = try j.recordSubmission(
            opportunity: opp, intent: Self.intent(sig, mint: market.baseMint), atMilliseconds: 7)
        #expect(
            try j.counts()
                == JournalCounts(
                    opportunities: 1, decisions: 1, submissions: 1, outcomes: 0, balances: 0, pending: 1))
        // The intent and the decision point at the opportunity of the same commit (not at the id passed in).
        let links = try j.pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT s.opportunity_id AS s, d.opportunity_id AS d, d.taken AS taken, d.reason AS reason
                    FROM submissions s, decisions d WHERE s.id = ?
                    """, arguments: [ids.submissionId])
        }
        #expect(links?["s"] as Int64? == ids.opportunityId)
        #expect(links?["d"] as Int64? == ids.opportunityId)
        #expect(links?["taken"] as Int64? == 1)
        #expect(links?["reason"] as String? == "sent")
        #expect(try j.pendingSubmissions().map(\.signature) == [sig])
    }

    /// The same signed transaction decided twice (same message, same blockhash) is journaled once: the second
    /// submission is a typed `duplicateSignature` and writes nothing (no orphan opportunity or decision).
    @Test func aSecondSubmissionOfTheSameSignatureIsADuplicateAndWritesNothing() throws {
        let path = tempPath("submission-duplicate")
        defer { removeJournal(path) }
        let j = try Journal(path: path, durability: .processCrash)
        let market = Market.make(legs: 2, rates: [(2, 1), (11, 20)])
        let sig = try Signature(bytes: [UInt8](repeating: 6, count: 64))
        let opp = market.opportunity(amountIn: 1_000_000)
        try j.recordSubmission(opportunity: opp, intent: Self.intent(sig, mint: market.baseMint), atMilliseconds: 7)
        do {
            try j.recordSubmission(
                opportunity: opp, intent: Self.intent(sig, mint: market.baseMint), atMilliseconds: 8)
            Issue.record("expected duplicateSignature")
        } catch {
            #expect(error.code == .duplicateSignature)
        }
        #expect(
            try j.counts()
                == JournalCounts(
                    opportunities: 1, decisions: 1, submissions: 1, outcomes: 0, balances: 0, pending: 1))
    }

    @Test func anOutOfRangeIntentWritesNothingAtAll() throws {
        let path = tempPath("submission-range")
        defer { removeJournal(path) }
        let j = try Journal(path: path, durability: .processCrash)
        let market = Market.make(legs: 2, rates: [(2, 1), (11, 20)])
        let sig = try Signature(bytes: [UInt8](repeating: 4, count: 64))
        do {
            try j.recordSubmission(
                opportunity: market.opportunity(amountIn: 1_000_000),
                intent: Self.intent(sig, mint: market.baseMint, profit: UInt64.max), atMilliseconds: 7)
            Issue.record("expected valueOutOfRange")
        } catch {
            #expect(error.code == .valueOutOfRange)
        }
        #expect(
            try j.counts()
                == JournalCounts(
                    opportunities: 0, decisions: 0, submissions: 0, outcomes: 0, balances: 0, pending: 0))
    }

    @Test(arguments: JournalDurability.allCases)
    func durabilitySetsTheSynchronousModeAndWhoCheckpoints(_ durability: JournalDurability) throws {
        let path = tempPath("durability-\(durability.rawValue)")
        defer { removeJournal(path) }
        let j = try Journal(path: path, durability: durability)
        let (mode, sync, autoCheckpoint) = try j.pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")
            )
        }
        #expect(mode == "wal")
        switch durability {
        case .powerLoss:
            #expect(sync == 2)  // FULL: fsync per commit
            #expect(autoCheckpoint == 1_000)  // SQLite's default: the writer checkpoints
            #expect(j.checkpointer == nil)
        case .processCrash:
            #expect(sync == 1)  // NORMAL: no fsync per commit in WAL mode
            #expect(autoCheckpoint == 0)  // the writer never checkpoints…
            #expect(j.checkpointer != nil)  // …its own connection and thread do
        }
    }
}
