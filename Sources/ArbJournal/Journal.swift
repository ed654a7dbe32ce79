import ArbEngine
import ArbExecution
import Foundation
import GRDB
import SolanaPrimitives
import Synchronization

/// The one error type of `ArbJournal`.
public struct JournalError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let open = Code("open")
        public static let migration = Code("migration")
        public static let write = Code("write")
        public static let read = Code("read")
        /// A u64 amount above Int64.max (SQLite INTEGER is signed 64-bit): refused, never wrapped.
        public static let valueOutOfRange = Code("valueOutOfRange")
        public static let notFound = Code("notFound")
        /// The journal belongs to another cluster (its recorded genesis hash differs).
        public static let wrongCluster = Code("wrongCluster")
        /// An `unknown` outcome was offered: only proven, final outcomes are journaled.
        public static let notFinal = Code("notFinal")
        /// A submission with this signature is already journaled: the identical signed transaction (same message,
        /// same blockhash) was decided again; it is not journaled or sent twice.
        public static let duplicateSignature = Code("duplicateSignature")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}

/// A submission's intent, written and committed BEFORE the bytes are sent.
public struct SubmissionIntent: Sendable, Hashable {
    public var opportunityId: Int64?
    public var signature: Signature
    public var signedBytes: [UInt8]
    public var baseMint: Address
    public var guardProgram: Address?
    /// Slot the bot was at when sending.
    public var slot: UInt64
    public var lastValidBlockHeight: UInt64
    /// Expected net profit (base units): expected out − input − costs in base.
    public var expectedProfit: UInt64
    /// Expected out − input (base units): what the base account's balance should grow by.
    public var expectedGross: UInt64
    public var costLamports: UInt64
    public var costInBase: UInt64
    public var computeUnitLimit: UInt32
    public var computeUnitPrice: UInt64
    public var tipLamports: UInt64
    public var atMilliseconds: Int64

    public init(
        opportunityId: Int64?, signature: Signature, signedBytes: [UInt8], baseMint: Address, guardProgram: Address?,
        slot: UInt64, lastValidBlockHeight: UInt64, expectedProfit: UInt64, expectedGross: UInt64,
        costLamports: UInt64, costInBase: UInt64, computeUnitLimit: UInt32, computeUnitPrice: UInt64,
        tipLamports: UInt64, atMilliseconds: Int64
    ) {
        self.opportunityId = opportunityId
        self.signature = signature
        self.signedBytes = signedBytes
        self.baseMint = baseMint
        self.guardProgram = guardProgram
        self.slot = slot
        self.lastValidBlockHeight = lastValidBlockHeight
        self.expectedProfit = expectedProfit
        self.expectedGross = expectedGross
        self.costLamports = costLamports
        self.costInBase = costInBase
        self.computeUnitLimit = computeUnitLimit
        self.computeUnitPrice = computeUnitPrice
        self.tipLamports = tipLamports
        self.atMilliseconds = atMilliseconds
    }

    public init(opportunityId: Int64?, transaction tx: SignedArbTransaction, slot: UInt64, atMilliseconds: Int64) {
        self.opportunityId = opportunityId
        self.signature = tx.signature
        self.signedBytes = tx.bytes
        self.baseMint = tx.assembled.baseMint
        self.guardProgram = tx.assembled.guardProgram
        self.slot = slot
        self.lastValidBlockHeight = tx.lastValidBlockHeight
        self.expectedProfit = tx.assembled.expectedNetProfit
        self.expectedGross = tx.assembled.expectedOut - tx.assembled.amountIn
        self.costLamports = tx.assembled.costLamports
        self.costInBase = tx.assembled.costInBase
        self.computeUnitLimit = tx.assembled.computeUnitLimit
        self.computeUnitPrice = tx.assembled.computeUnitPrice.microLamports
        self.tipLamports = tx.assembled.tipLamports
        self.atMilliseconds = atMilliseconds
    }
}

/// A submission without an outcome (found on start, to reconcile).
public struct PendingSubmission: Sendable, Hashable {
    public var id: Int64
    public var signature: Signature
    public var signedBytes: [UInt8]
    public var baseMint: Address
    public var guardProgram: Address?
    public var lastValidBlockHeight: UInt64
    /// The pools the transaction trades (from its opportunity; empty when none was journaled): kept busy until
    /// the submission has a final outcome.
    public var pools: [Address] = []
    public var tipLamports: UInt64 = 0

    public func context() throws(ExecutionError) -> OutcomeContext {
        try OutcomeContext(
            signedBytes: signedBytes, baseMint: baseMint, guardProgram: guardProgram,
            lastValidBlockHeight: lastValidBlockHeight, tipLamports: tipLamports)
    }
}

/// One journaled final outcome, as the risk manager counts it (replayed on start).
public struct RiskEvent: Sendable, Hashable {
    public var atMilliseconds: Int64
    public var outcome: OutcomeClass
    public var lamportDelta: Int64?
    public var feeLamports: UInt64?
}

/// Row counts per table (tests, status line).
public struct JournalCounts: Sendable, Hashable {
    public var opportunities: Int
    public var decisions: Int
    public var submissions: Int
    public var outcomes: Int
    public var balances: Int
    public var pending: Int
}

/// How durable a committed journal row is.
public enum JournalDurability: String, Sendable, Hashable, CaseIterable {
    /// WAL + `synchronous=NORMAL`, checkpoints off the writing thread: a commit is a `write()` of the WAL frames
    /// into the OS page cache, no fsync. A committed row survives a process kill (kill -9, crash, OOM kill)
    /// because the kernel still writes the page cache out; an OS crash or power loss can lose the last commits
    /// made before the next checkpoint (the database stays consistent: SQLite rolls back to the last synced
    /// frame). Costs tens of microseconds per commit.
    case processCrash = "process"
    /// WAL + `synchronous=FULL`: every commit fsyncs the WAL, so a committed row also survives an OS crash or
    /// power loss. Costs one fsync per commit (measured on this machine's virtual disk: p50 0.18 ms, p99 36 ms).
    case powerLoss = "full"
}

/// The trading journal: SQLite (GRDB) in WAL mode, `synchronous` per `JournalDurability`. Every write is one
/// committed transaction; the submission intent is committed before the transaction is sent
/// (`recordSubmission`: opportunity, decision and intent in ONE commit). Money is INTEGER (u64 above
/// Int64.max is refused with `valueOutOfRange`).
public final class Journal: Sendable {
    let pool: DatabasePool
    public let path: String
    public let durability: JournalDurability
    /// `.processCrash`: a second connection that checkpoints the WAL every `checkpointInterval` on its own
    /// dispatch queue (the writer never checkpoints, so no commit on the hot path waits for an fsync).
    let checkpointer: Checkpointer?

    public init(path: String, durability: JournalDurability = .powerLoss) throws(JournalError) {
        self.path = path
        self.durability = durability
        var config = Configuration()
        config.busyMode = .timeout(5)
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // On the writer, AFTER opening: GRDB's DatabasePool sets `synchronous = NORMAL` on its writer when it
            // enables WAL, after `prepareDatabase` has run — a pragma set there only reaches the readers (where it
            // does nothing). Only the writer's settings decide what a commit costs and survives.
            try pool.writeWithoutTransaction { db in
                switch durability {
                case .powerLoss:
                    try db.execute(sql: "PRAGMA synchronous = FULL")
                case .processCrash:
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
                }
            }
        } catch {
            throw JournalError(.open, "\(path): \(error)")
        }
        do { try Self.migrator.migrate(pool) } catch {
            throw JournalError(.migration, "\(error)")
        }
        if durability == .processCrash {
            do { checkpointer = try Checkpointer(path: path, interval: .milliseconds(500)) } catch {
                throw JournalError(.open, "\(path) (checkpoint connection): \(error)")
            }
        } else {
            checkpointer = nil
        }
    }

    deinit { checkpointer?.stop() }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE opportunities (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at_ms INTEGER NOT NULL,
                        slot INTEGER NOT NULL,
                        base_mint TEXT NOT NULL,
                        legs INTEGER NOT NULL,
                        pools TEXT NOT NULL,
                        amount_in INTEGER NOT NULL,
                        expected_out INTEGER NOT NULL,
                        expected_profit INTEGER NOT NULL,
                        expected_profit_lamports INTEGER NOT NULL,
                        cost_lamports INTEGER NOT NULL,
                        compute_units INTEGER NOT NULL,
                        features TEXT NOT NULL,
                        ground_truth_profit INTEGER
                    );
                    CREATE INDEX opportunities_at ON opportunities(at_ms);
                    CREATE TABLE decisions (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        opportunity_id INTEGER REFERENCES opportunities(id),
                        at_ms INTEGER NOT NULL,
                        taken INTEGER NOT NULL,
                        reason TEXT NOT NULL
                    );
                    CREATE TABLE submissions (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        opportunity_id INTEGER REFERENCES opportunities(id),
                        at_ms INTEGER NOT NULL,
                        signature TEXT NOT NULL UNIQUE,
                        signed_bytes BLOB NOT NULL,
                        base_mint TEXT NOT NULL,
                        guard_program TEXT,
                        slot INTEGER NOT NULL,
                        last_valid_block_height INTEGER NOT NULL,
                        expected_profit INTEGER NOT NULL,
                        expected_gross INTEGER NOT NULL,
                        cost_lamports INTEGER NOT NULL,
                        cost_in_base INTEGER NOT NULL,
                        cu_limit INTEGER NOT NULL,
                        cu_price INTEGER NOT NULL,
                        tip_lamports INTEGER NOT NULL
                    );
                    CREATE TABLE outcomes (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        submission_id INTEGER NOT NULL UNIQUE REFERENCES submissions(id),
                        at_ms INTEGER NOT NULL,
                        class TEXT NOT NULL,
                        slot INTEGER,
                        actual_profit INTEGER,
                        lamport_delta INTEGER,
                        fee_lamports INTEGER,
                        compute_units INTEGER,
                        error TEXT
                    );
                    CREATE TABLE balances (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at_ms INTEGER NOT NULL,
                        slot INTEGER NOT NULL,
                        account TEXT NOT NULL,
                        mint TEXT NOT NULL,
                        expected INTEGER,
                        actual INTEGER NOT NULL
                    );
                    CREATE TABLE ground_truth (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at_ms INTEGER NOT NULL,
                        slot INTEGER NOT NULL,
                        base_mint TEXT NOT NULL,
                        available_profit INTEGER NOT NULL,
                        source TEXT NOT NULL
                    );
                    """)
        }
        // v2: what a landed trade paid besides the fee (counted in the report's costs).
        m.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outcomes ADD COLUMN tip_lamports INTEGER;
                    ALTER TABLE outcomes ADD COLUMN rent_lamports INTEGER;
                    """)
        }
        // v3: which cluster the journal belongs to (a simulated run and a mainnet run must never share one).
        m.registerMigration("v3") { db in
            try db.execute(sql: "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")
        }
        return m
    }

    /// Binds the journal to the cluster named by `genesisHash`: the first run records it; a run against another
    /// cluster is refused with `wrongCluster` (its reports would mix simulated and real money). One transaction.
    public func bindCluster(genesisHash: String) throws(JournalError) {
        let recorded: String? = try write("cluster") { db in
            if let r = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'genesis_hash'") { return r }
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('genesis_hash', ?)", arguments: [genesisHash])
            return nil
        }
        if let recorded, recorded != genesisHash {
            throw JournalError(
                .wrongCluster,
                "\(path) belongs to the cluster with genesis hash \(recorded), not \(genesisHash): use another --journal "
                    + "(or --run-dir) for this cluster")
        }
    }

    /// The genesis hash the journal is bound to, if any.
    public func clusterGenesisHash() throws(JournalError) -> String? {
        try read("cluster") { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'genesis_hash'") }
    }

    static func i64(_ v: UInt64, _ what: String) throws(JournalError) -> Int64 {
        guard v <= UInt64(Int64.max) else {
            throw JournalError(.valueOutOfRange, "\(what) = \(v) does not fit a signed 64-bit INTEGER")
        }
        return Int64(v)
    }

    func write<T>(_ what: String, _ body: @Sendable (Database) throws -> T) throws(JournalError) -> T {
        do { return try pool.write(body) } catch let e as JournalError { throw e } catch {
            throw JournalError(.write, "\(what): \(error)")
        }
    }

    func read<T>(_ what: String, _ body: @Sendable (Database) throws -> T) throws(JournalError) -> T {
        do { return try pool.read(body) } catch let e as JournalError { throw e } catch {
            throw JournalError(.read, "\(what): \(error)")
        }
    }

    // MARK: writes

    static let insertOpportunity = """
        INSERT INTO opportunities (at_ms, slot, base_mint, legs, pools, amount_in, expected_out,
            expected_profit, expected_profit_lamports, cost_lamports, compute_units, features,
            ground_truth_profit)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static let insertIntent = """
        INSERT INTO submissions (opportunity_id, at_ms, signature, signed_bytes, base_mint, guard_program,
            slot, last_valid_block_height, expected_profit, expected_gross, cost_lamports, cost_in_base,
            cu_limit, cu_price, tip_lamports)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static let insertDecision = "INSERT INTO decisions (opportunity_id, at_ms, taken, reason) VALUES (?, ?, ?, ?)"

    /// Commits, in ONE transaction (one commit instead of three on the path to sending), the opportunity, the
    /// decision to send it (`reason`), and the submission intent (signature, signed bytes, expiry) pointing at it.
    /// Returns the opportunity's and the submission's ids. Nothing is written when any value is out of range.
    @discardableResult
    public func recordSubmission(
        opportunity o: Opportunity, intent: SubmissionIntent, reason: String = "sent", atMilliseconds: Int64
    ) throws(JournalError) -> (opportunityId: Int64, submissionId: Int64) {
        let oppArgs = try Self.opportunityArguments(o, atMilliseconds: atMilliseconds, groundTruthProfit: nil)
        let intentTail = try Self.intentArgumentsAfterOpportunity(intent)
        let signature = intent.signature.description
        return try write("submission") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM submissions WHERE signature = ?", arguments: [signature])
                ?? false
            {
                throw JournalError(.duplicateSignature, "submission \(signature) is already journaled")
            }
            try db.execute(sql: Self.insertOpportunity, arguments: oppArgs)
            let oppId = db.lastInsertedRowID
            try db.execute(sql: Self.insertDecision, arguments: [oppId, atMilliseconds, 1, reason])
            try db.execute(sql: Self.insertIntent, arguments: [oppId] + intentTail)
            return (oppId, db.lastInsertedRowID)
        }
    }

    static func opportunityArguments(_ o: Opportunity, atMilliseconds: Int64, groundTruthProfit: UInt64?)
        throws(JournalError) -> StatementArguments
    {
        let features = zip(EngineFeatures.names, o.features.vector).map {
            "\"\($0)\":\($1.isFinite ? "\($1)" : "null")"
        }
        let args: StatementArguments = [
            atMilliseconds, try Self.i64(o.slot, "slot"), o.baseMint.base58, o.legs.count,
            o.legs.map(\.pool.base58).joined(separator: ","), try Self.i64(o.amountIn, "amount_in"),
            try Self.i64(o.expectedOut, "expected_out"), try Self.i64(o.netProfit, "expected_profit"),
            try Self.i64(o.netProfitLamports, "expected_profit_lamports"),
            try Self.i64(o.costLamports, "cost_lamports"), Int64(o.computeUnits),
            "{" + features.joined(separator: ",") + "}",
            try groundTruthProfit.map { v throws(JournalError) in try Self.i64(v, "ground_truth_profit") },
        ]
        return args
    }

    @discardableResult
    public func recordOpportunity(_ o: Opportunity, atMilliseconds: Int64, groundTruthProfit: UInt64? = nil)
        throws(JournalError) -> Int64
    {
        let args = try Self.opportunityArguments(
            o, atMilliseconds: atMilliseconds, groundTruthProfit: groundTruthProfit)
        return try write("opportunity") { db in
            try db.execute(sql: Self.insertOpportunity, arguments: args)
            return db.lastInsertedRowID
        }
    }

    @discardableResult
    public func recordDecision(opportunityId: Int64?, taken: Bool, reason: String, atMilliseconds: Int64)
        throws(JournalError) -> Int64
    {
        try write("decision") { db in
            try db.execute(sql: Self.insertDecision, arguments: [opportunityId, atMilliseconds, taken ? 1 : 0, reason])
            return db.lastInsertedRowID
        }
    }

    /// Commits the intent (signature + signed bytes + expiry) before sending. Returns the submission id.
    @discardableResult
    public func recordIntent(_ s: SubmissionIntent) throws(JournalError) -> Int64 {
        let args = try Self.intentArguments(s)
        return try write("intent") { db in
            try db.execute(sql: Self.insertIntent, arguments: args)
            return db.lastInsertedRowID
        }
    }

    static func intentArguments(_ s: SubmissionIntent) throws(JournalError) -> StatementArguments {
        [s.opportunityId] + (try intentArgumentsAfterOpportunity(s))
    }

    /// The intent's values after `opportunity_id`.
    static func intentArgumentsAfterOpportunity(_ s: SubmissionIntent) throws(JournalError) -> StatementArguments {
        [
            s.atMilliseconds, s.signature.description, Data(s.signedBytes), s.baseMint.base58,
            s.guardProgram?.base58, try Self.i64(s.slot, "slot"),
            try Self.i64(s.lastValidBlockHeight, "last_valid_block_height"),
            try Self.i64(s.expectedProfit, "expected_profit"), try Self.i64(s.expectedGross, "expected_gross"),
            try Self.i64(s.costLamports, "cost_lamports"), try Self.i64(s.costInBase, "cost_in_base"),
            Int64(s.computeUnitLimit), try Self.i64(s.computeUnitPrice, "cu_price"),
            try Self.i64(s.tipLamports, "tip_lamports"),
        ]
    }

    /// Records the final outcome of a submission (by signature). A second outcome for the same submission is
    /// ignored (the first final answer stands). An `unknown` (not final) outcome is refused with `notFinal`.
    public func recordOutcome(_ o: ExecutionOutcome, atMilliseconds: Int64) throws(JournalError) {
        guard o.outcome.isFinal else {
            throw JournalError(.notFinal, "\(o.signature): \(o.error ?? "unknown") is not a final outcome")
        }
        let args: StatementArguments = [
            atMilliseconds, o.outcome.rawValue, try o.slot.map { v throws(JournalError) in try Self.i64(v, "slot") },
            o.baseDelta, o.lamportDelta,
            try o.feeLamports.map { v throws(JournalError) in try Self.i64(v, "fee") },
            try o.computeUnitsConsumed.map { v throws(JournalError) in try Self.i64(v, "compute_units") },
            o.error, try o.tipLamports.map { v throws(JournalError) in try Self.i64(v, "tip") }, o.rentLamports,
            o.signature.description,
        ]
        let changed: Int = try write("outcome") { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO outcomes (submission_id, at_ms, class, slot, actual_profit, lamport_delta,
                        fee_lamports, compute_units, error, tip_lamports, rent_lamports)
                    SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM submissions WHERE signature = ?
                    """, arguments: args)
            return db.changesCount
        }
        _ = changed
        let known: Bool = try read("outcome check") { db in
            try Bool.fetchOne(
                db, sql: "SELECT COUNT(*) > 0 FROM submissions WHERE signature = ?",
                arguments: [o.signature.description]) ?? false
        }
        guard known else { throw JournalError(.notFound, "no submission with signature \(o.signature)") }
    }

    public func recordBalance(
        account: Address, mint: Address, slot: UInt64, expected: UInt64?, actual: UInt64, atMilliseconds: Int64
    ) throws(JournalError) {
        let args: StatementArguments = [
            atMilliseconds, try Self.i64(slot, "slot"), account.base58, mint.base58,
            try expected.map { v throws(JournalError) in try Self.i64(v, "expected") }, try Self.i64(actual, "actual"),
        ]
        try write("balance") { db in
            try db.execute(
                sql: "INSERT INTO balances (at_ms, slot, account, mint, expected, actual) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: args)
        }
    }

    /// Ground truth from the simulated cluster (or an offline replay): profit that was available.
    public func recordGroundTruth(
        baseMint: Address, availableProfit: UInt64, slot: UInt64, source: String, atMilliseconds: Int64
    ) throws(JournalError) {
        let args: StatementArguments = [
            atMilliseconds, try Self.i64(slot, "slot"), baseMint.base58,
            try Self.i64(availableProfit, "available_profit"), source,
        ]
        try write("ground truth") { db in
            try db.execute(
                sql:
                    "INSERT INTO ground_truth (at_ms, slot, base_mint, available_profit, source) VALUES (?, ?, ?, ?, ?)",
                arguments: args)
        }
    }

    // MARK: reads

    /// Submissions without an outcome, oldest first.
    public func pendingSubmissions() throws(JournalError) -> [PendingSubmission] {
        let rows: [Row] = try read("pending") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.signature, s.signed_bytes, s.base_mint, s.guard_program, s.last_valid_block_height,
                        s.tip_lamports, op.pools
                    FROM submissions s LEFT JOIN outcomes o ON o.submission_id = s.id
                        LEFT JOIN opportunities op ON op.id = s.opportunity_id
                    WHERE o.id IS NULL ORDER BY s.id
                    """)
        }
        var out: [PendingSubmission] = []
        for r in rows {
            // Throwing decodes: a NULL or mistyped value in a damaged journal is a typed error, not a crash.
            let id: Int64
            let sigText: String
            let mintText: String
            let guardText: String?
            let bytes: Data
            let lvbh: Int64
            let tip: Int64?
            let poolsText: String?
            do {
                id = try r.decode(forColumn: "id")
                sigText = try r.decode(forColumn: "signature")
                mintText = try r.decode(forColumn: "base_mint")
                guardText = try r.decode(forColumn: "guard_program")
                bytes = try r.decode(forColumn: "signed_bytes")
                lvbh = try r.decode(forColumn: "last_valid_block_height")
                tip = try r.decode(forColumn: "tip_lamports")
                poolsText = try r.decode(forColumn: "pools")
            } catch {
                throw JournalError(.read, "pending submission: \(error)")
            }
            guard let sig = try? Signature(base58: sigText), let mint = try? Address(base58: mintText) else {
                throw JournalError(.read, "submission \(id): bad signature or mint")
            }
            out.append(
                PendingSubmission(
                    id: id, signature: sig, signedBytes: Array(bytes), baseMint: mint,
                    guardProgram: guardText.flatMap { try? Address(base58: $0) },
                    lastValidBlockHeight: UInt64(max(lvbh, 0)),
                    pools: (poolsText ?? "").split(separator: ",").compactMap { try? Address(base58: String($0)) },
                    tipLamports: UInt64(max(tip ?? 0, 0))))
        }
        return out
    }

    /// Final outcomes recorded at or after `sinceMilliseconds`, oldest first (to rebuild the risk state on start).
    public func riskEvents(sinceMilliseconds: Int64) throws(JournalError) -> [RiskEvent] {
        let rows: [Row] = try read("risk events") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT at_ms, class, lamport_delta, fee_lamports FROM outcomes WHERE at_ms >= ?
                    ORDER BY at_ms, id
                    """, arguments: [sinceMilliseconds])
        }
        return rows.compactMap { r in
            let cls: String? = r["class"]
            let at: Int64? = r["at_ms"]
            guard let at, let outcome = cls.flatMap(OutcomeClass.init(rawValue:)) else { return nil }
            let fee: Int64? = r["fee_lamports"]
            return RiskEvent(
                atMilliseconds: at, outcome: outcome, lamportDelta: r["lamport_delta"],
                feeLamports: fee.map { UInt64(max($0, 0)) })
        }
    }

    public func counts() throws(JournalError) -> JournalCounts {
        try read("counts") { db in
            func c(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return JournalCounts(
                opportunities: try c("SELECT COUNT(*) FROM opportunities"),
                decisions: try c("SELECT COUNT(*) FROM decisions"),
                submissions: try c("SELECT COUNT(*) FROM submissions"),
                outcomes: try c("SELECT COUNT(*) FROM outcomes"),
                balances: try c("SELECT COUNT(*) FROM balances"),
                pending: try c(
                    "SELECT COUNT(*) FROM submissions s LEFT JOIN outcomes o ON o.submission_id = s.id WHERE o.id IS NULL"
                ))
        }
    }

    /// The outcome recorded for a signature, if any.
    public func outcomeClass(signature: Signature) throws(JournalError) -> OutcomeClass? {
        let text: String? = try read("outcome") { db in
            try String.fetchOne(
                db,
                sql:
                    "SELECT o.class FROM outcomes o JOIN submissions s ON s.id = o.submission_id WHERE s.signature = ?",
                arguments: [signature.description])
        }
        return text.flatMap(OutcomeClass.init(rawValue:))
    }

    /// Every submission's signature, in order.
    public func submittedSignatures() throws(JournalError) -> [Signature] {
        let texts: [String] = try read("signatures") { db in
            try String.fetchAll(db, sql: "SELECT signature FROM submissions ORDER BY id")
        }
        return texts.compactMap { try? Signature(base58: $0) }
    }
}

extension Journal {
    /// On start: fetches the status of every pending submission and records its outcome (landed / reverted /
    /// expired after lastValidBlockHeight). Submissions that may still land stay pending. Returns what was recorded.
    public func reconcilePending(sender: Sender, nowMilliseconds: @Sendable () -> Int64) async throws(JournalError)
        -> [ExecutionOutcome]
    {
        var recorded: [ExecutionOutcome] = []
        for p in try pendingSubmissions() {
            let context: OutcomeContext
            do { context = try p.context() } catch {
                throw JournalError(.read, "pending \(p.signature): \(error)")
            }
            let outcome: ExecutionOutcome?
            do { outcome = try await sender.reconcile(context) } catch {
                throw JournalError(.read, "reconcile \(p.signature): \(error)")
            }
            if let outcome {
                try recordOutcome(outcome, atMilliseconds: nowMilliseconds())
                recorded.append(outcome)
            }
        }
        return recorded
    }
}

/// Checkpoints a WAL journal from its own connection on its own thread, so that the writing connection (whose
/// commits are on the path to sending) never runs a checkpoint or its fsyncs. PASSIVE: never waits for readers
/// or writers.
final class Checkpointer: Sendable {
    let stopped = Atomic<Bool>(false)

    init(path: String, interval: Duration) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: config)
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) * 1e-18
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: seconds)
                _ = try? queue.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            }
        }
        thread.name = "solarb.journal.checkpoint"
        thread.start()
    }

    func stop() { stopped.store(true, ordering: .releasing) }
}
